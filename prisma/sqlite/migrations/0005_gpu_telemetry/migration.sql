-- AlterTable
ALTER TABLE "Node" ADD COLUMN "gpuTelemetryProblem" TEXT;
ALTER TABLE "Node" ADD COLUMN "lastGpuPollAt" DATETIME;

-- CreateTable
CREATE TABLE "GpuSample" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "nodeId" TEXT NOT NULL,
    "ts" DATETIME NOT NULL,
    "gpuIndex" INTEGER NOT NULL,
    "uuid" TEXT,
    "utilization" REAL,
    "memoryUsedMb" INTEGER,
    "memoryTotalMb" INTEGER,
    "temperature" REAL,
    "powerW" REAL
);

-- CreateTable
CREATE TABLE "GpuRollup" (
    "nodeId" TEXT NOT NULL,
    "gpuIndex" INTEGER NOT NULL,
    "minute" DATETIME NOT NULL,
    "samples" INTEGER NOT NULL DEFAULT 0,
    "sumUtilization" REAL NOT NULL DEFAULT 0,
    "utilizationN" INTEGER NOT NULL DEFAULT 0,
    "sumMemoryUsedMb" REAL NOT NULL DEFAULT 0,
    "memoryN" INTEGER NOT NULL DEFAULT 0,
    "maxTemperature" REAL,
    "sumPowerW" REAL NOT NULL DEFAULT 0,
    "powerN" INTEGER NOT NULL DEFAULT 0,
    "memoryTotalMb" INTEGER,

    PRIMARY KEY ("nodeId", "gpuIndex", "minute")
);

-- CreateIndex
CREATE INDEX "GpuSample_nodeId_ts_idx" ON "GpuSample"("nodeId", "ts");

-- CreateIndex
CREATE INDEX "GpuSample_ts_idx" ON "GpuSample"("ts");

-- CreateIndex
CREATE INDEX "GpuRollup_minute_idx" ON "GpuRollup"("minute");

