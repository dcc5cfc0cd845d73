-- DropIndex
DROP INDEX "JobRun_firstRunId_idx";

-- CreateIndex
CREATE UNIQUE INDEX "JobRun_firstRunId_attempt_key" ON "JobRun"("firstRunId", "attempt");

