-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_InstanceSample" (
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
    "pids" INTEGER NOT NULL,
    "gpuUtilization" REAL,
    "gpuMemoryUsedMb" REAL,
    "gpuMemoryLimitMb" REAL,
    "folded" BOOLEAN NOT NULL DEFAULT false
);
INSERT INTO "new_InstanceSample" ("blockRead", "blockWrite", "cpuPercent", "id", "instanceId", "memoryLimit", "memoryUsage", "networkRx", "networkTx", "pids", "ts") SELECT "blockRead", "blockWrite", "cpuPercent", "id", "instanceId", "memoryLimit", "memoryUsage", "networkRx", "networkTx", "pids", "ts" FROM "InstanceSample";
DROP TABLE "InstanceSample";
ALTER TABLE "new_InstanceSample" RENAME TO "InstanceSample";
CREATE INDEX "InstanceSample_instanceId_ts_idx" ON "InstanceSample"("instanceId", "ts");
CREATE INDEX "InstanceSample_ts_idx" ON "InstanceSample"("ts");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

