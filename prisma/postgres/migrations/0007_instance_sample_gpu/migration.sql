-- AlterTable
ALTER TABLE "InstanceSample" ADD COLUMN     "folded" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "gpuMemoryLimitMb" DOUBLE PRECISION,
ADD COLUMN     "gpuMemoryUsedMb" DOUBLE PRECISION,
ADD COLUMN     "gpuUtilization" DOUBLE PRECISION;

