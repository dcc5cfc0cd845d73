-- AlterTable
ALTER TABLE "Instance" ADD COLUMN "jobRunId" TEXT;

-- AlterTable
ALTER TABLE "JobRun" ADD COLUMN "instanceId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Instance_jobRunId_key" ON "Instance"("jobRunId");

