-- AlterTable
ALTER TABLE "Node" ADD COLUMN     "gpuTelemetryProblem" TEXT,
ADD COLUMN     "lastGpuPollAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "GpuSample" (
    "id" TEXT NOT NULL,
    "nodeId" TEXT NOT NULL,
    "ts" TIMESTAMP(3) NOT NULL,
    "gpuIndex" INTEGER NOT NULL,
    "uuid" TEXT,
    "utilization" DOUBLE PRECISION,
    "memoryUsedMb" INTEGER,
    "memoryTotalMb" INTEGER,
    "temperature" DOUBLE PRECISION,
    "powerW" DOUBLE PRECISION,

    CONSTRAINT "GpuSample_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GpuRollup" (
    "nodeId" TEXT NOT NULL,
    "gpuIndex" INTEGER NOT NULL,
    "minute" TIMESTAMP(3) NOT NULL,
    "samples" INTEGER NOT NULL DEFAULT 0,
    "sumUtilization" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "utilizationN" INTEGER NOT NULL DEFAULT 0,
    "sumMemoryUsedMb" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "memoryN" INTEGER NOT NULL DEFAULT 0,
    "maxTemperature" DOUBLE PRECISION,
    "sumPowerW" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "powerN" INTEGER NOT NULL DEFAULT 0,
    "memoryTotalMb" INTEGER,

    CONSTRAINT "GpuRollup_pkey" PRIMARY KEY ("nodeId","gpuIndex","minute")
);

-- CreateIndex
CREATE INDEX "GpuSample_nodeId_ts_idx" ON "GpuSample"("nodeId", "ts");

-- CreateIndex
CREATE INDEX "GpuSample_ts_idx" ON "GpuSample"("ts");

-- CreateIndex
CREATE INDEX "GpuRollup_minute_idx" ON "GpuRollup"("minute");

