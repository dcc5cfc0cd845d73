-- CreateTable
CREATE TABLE "InstanceSample" (
    "id" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "ts" TIMESTAMP(3) NOT NULL,
    "cpuPercent" DOUBLE PRECISION NOT NULL,
    "memoryUsage" DOUBLE PRECISION NOT NULL,
    "memoryLimit" DOUBLE PRECISION NOT NULL,
    "networkRx" DOUBLE PRECISION NOT NULL,
    "networkTx" DOUBLE PRECISION NOT NULL,
    "blockRead" DOUBLE PRECISION NOT NULL,
    "blockWrite" DOUBLE PRECISION NOT NULL,
    "pids" INTEGER NOT NULL,

    CONSTRAINT "InstanceSample_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "InstanceSample_instanceId_ts_idx" ON "InstanceSample"("instanceId", "ts");

-- CreateIndex
CREATE INDEX "InstanceSample_ts_idx" ON "InstanceSample"("ts");

