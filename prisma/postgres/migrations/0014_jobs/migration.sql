-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "executor" TEXT NOT NULL,
    "config" TEXT NOT NULL,
    "imageId" TEXT,
    "specId" TEXT,
    "nodeTags" TEXT NOT NULL DEFAULT '[]',
    "priority" TEXT NOT NULL DEFAULT 'normal',
    "maxAttempts" INTEGER NOT NULL DEFAULT 1,
    "backoff" TEXT NOT NULL DEFAULT 'exponential',
    "retryDelaySeconds" INTEGER NOT NULL DEFAULT 10,
    "retryMaxDelaySeconds" INTEGER NOT NULL DEFAULT 600,
    "timeoutSeconds" INTEGER NOT NULL,
    "trigger" TEXT NOT NULL,
    "runAt" TIMESTAMP(3),
    "cron" TEXT,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "overlap" TEXT NOT NULL DEFAULT 'allow',
    "misfire" TEXT NOT NULL DEFAULT 'skip',
    "status" TEXT NOT NULL DEFAULT 'active',
    "nextRunAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobRun" (
    "id" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "firstRunId" TEXT,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "statusMessage" TEXT,
    "priorityRank" INTEGER NOT NULL,
    "scheduledFor" TIMESTAMP(3),
    "queuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "notBefore" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "cancelRequestedAt" TIMESTAMP(3),
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "nodeId" TEXT,
    "exitCode" INTEGER,
    "progress" INTEGER,
    "result" TEXT,
    "httpStatus" INTEGER,
    "latencyMs" INTEGER,
    "responseHeaders" TEXT,
    "responseBody" TEXT,
    "costCents" INTEGER NOT NULL DEFAULT 0,
    "log" BYTEA,
    "logBytes" INTEGER NOT NULL DEFAULT 0,
    "logTruncated" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "JobRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Job_userId_createdAt_idx" ON "Job"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "Job_status_nextRunAt_idx" ON "Job"("status", "nextRunAt");

-- CreateIndex
CREATE INDEX "JobRun_status_priorityRank_queuedAt_idx" ON "JobRun"("status", "priorityRank", "queuedAt");

-- CreateIndex
CREATE INDEX "JobRun_jobId_queuedAt_idx" ON "JobRun"("jobId", "queuedAt");

-- CreateIndex
CREATE INDEX "JobRun_userId_queuedAt_idx" ON "JobRun"("userId", "queuedAt");

-- CreateIndex
CREATE INDEX "JobRun_firstRunId_idx" ON "JobRun"("firstRunId");

-- CreateIndex
CREATE UNIQUE INDEX "JobRun_jobId_scheduledFor_key" ON "JobRun"("jobId", "scheduledFor");

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobRun" ADD CONSTRAINT "JobRun_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

