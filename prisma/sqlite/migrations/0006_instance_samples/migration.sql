-- CreateTable
CREATE TABLE "InstanceSample" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "instanceId" TEXT NOT NULL,
    "ts" DATETIME NOT NULL,
    "cpuPercent" REAL NOT NULL,
    "memoryUsage" REAL NOT NULL,
    "memoryLimit" REAL NOT NULL,
    "networkRx" REAL NOT NULL,
    "networkTx" REAL NOT NULL,
    "blockRead" REAL NOT NULL,
    "blockWrite" REAL NOT NULL,
    "pids" INTEGER NOT NULL
);

-- CreateIndex
CREATE INDEX "InstanceSample_instanceId_ts_idx" ON "InstanceSample"("instanceId", "ts");

-- CreateIndex
CREATE INDEX "InstanceSample_ts_idx" ON "InstanceSample"("ts");

