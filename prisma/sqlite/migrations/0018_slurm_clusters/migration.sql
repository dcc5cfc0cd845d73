-- CreateTable
CREATE TABLE "SlurmCluster" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "authMode" TEXT NOT NULL,
    "authSecretEnc" TEXT NOT NULL,
    "serviceUser" TEXT NOT NULL,
    "caCert" TEXT,
    "loginHost" TEXT,
    "loginPort" INTEGER NOT NULL DEFAULT 22,
    "loginUser" TEXT,
    "loginPrivateKeyEnc" TEXT,
    "loginHostKey" TEXT,
    "prices" TEXT NOT NULL DEFAULT '[]',
    "status" TEXT NOT NULL DEFAULT 'unknown',
    "statusMessage" TEXT,
    "apiVersion" TEXT,
    "release" TEXT,
    "lastTest" TEXT,
    "lastCheckedAt" DATETIME,
    "lastSeenAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "SlurmUserMap" (
    "clusterId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "slurmUser" TEXT NOT NULL,

    PRIMARY KEY ("clusterId", "userId"),
    CONSTRAINT "SlurmUserMap_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "SlurmCluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "SlurmUserMap_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "username" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'user',
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "balanceCents" INTEGER NOT NULL DEFAULT 0,
    "nickname" TEXT,
    "sessionVersion" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "lastLoginAt" DATETIME,
    "selfRegistered" BOOLEAN NOT NULL DEFAULT false
);
INSERT INTO "new_User" ("balanceCents", "createdAt", "email", "id", "isActive", "lastLoginAt", "nickname", "passwordHash", "role", "sessionVersion", "updatedAt", "username") SELECT "balanceCents", "createdAt", "email", "id", "isActive", "lastLoginAt", "nickname", "passwordHash", "role", "sessionVersion", "updatedAt", "username" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE INDEX "User_createdAt_idx" ON "User"("createdAt");
CREATE TABLE "new_NodeStatusEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "nodeId" TEXT,
    "clusterId" TEXT,
    "status" TEXT NOT NULL,
    "message" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "NodeStatusEvent_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "Node" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "NodeStatusEvent_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "SlurmCluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_NodeStatusEvent" ("createdAt", "id", "message", "nodeId", "status") SELECT "createdAt", "id", "message", "nodeId", "status" FROM "NodeStatusEvent";
DROP TABLE "NodeStatusEvent";
ALTER TABLE "new_NodeStatusEvent" RENAME TO "NodeStatusEvent";
CREATE INDEX "NodeStatusEvent_nodeId_createdAt_idx" ON "NodeStatusEvent"("nodeId", "createdAt");
CREATE INDEX "NodeStatusEvent_clusterId_createdAt_idx" ON "NodeStatusEvent"("clusterId", "createdAt");
CREATE TABLE "new_Job" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "executor" TEXT NOT NULL,
    "config" TEXT NOT NULL,
    "imageId" TEXT,
    "specId" TEXT,
    "nodeTags" TEXT NOT NULL DEFAULT '[]',
    "clusterId" TEXT,
    "priority" TEXT NOT NULL DEFAULT 'normal',
    "maxAttempts" INTEGER NOT NULL DEFAULT 1,
    "backoff" TEXT NOT NULL DEFAULT 'exponential',
    "retryDelaySeconds" INTEGER NOT NULL DEFAULT 10,
    "retryMaxDelaySeconds" INTEGER NOT NULL DEFAULT 600,
    "timeoutSeconds" INTEGER NOT NULL,
    "trigger" TEXT NOT NULL,
    "runAt" DATETIME,
    "cron" TEXT,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "overlap" TEXT NOT NULL DEFAULT 'allow',
    "misfire" TEXT NOT NULL DEFAULT 'skip',
    "status" TEXT NOT NULL DEFAULT 'active',
    "nextRunAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "deletedAt" DATETIME,
    CONSTRAINT "Job_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Job_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "SlurmCluster" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Job" ("backoff", "config", "createdAt", "cron", "deletedAt", "description", "executor", "id", "imageId", "maxAttempts", "misfire", "name", "nextRunAt", "nodeTags", "overlap", "priority", "retryDelaySeconds", "retryMaxDelaySeconds", "runAt", "specId", "status", "timeoutSeconds", "timezone", "trigger", "updatedAt", "userId") SELECT "backoff", "config", "createdAt", "cron", "deletedAt", "description", "executor", "id", "imageId", "maxAttempts", "misfire", "name", "nextRunAt", "nodeTags", "overlap", "priority", "retryDelaySeconds", "retryMaxDelaySeconds", "runAt", "specId", "status", "timeoutSeconds", "timezone", "trigger", "updatedAt", "userId" FROM "Job";
DROP TABLE "Job";
ALTER TABLE "new_Job" RENAME TO "Job";
CREATE INDEX "Job_userId_createdAt_idx" ON "Job"("userId", "createdAt");
CREATE INDEX "Job_clusterId_idx" ON "Job"("clusterId");
CREATE INDEX "Job_status_nextRunAt_idx" ON "Job"("status", "nextRunAt");
CREATE TABLE "new_JobRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "jobId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "firstRunId" TEXT,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "statusMessage" TEXT,
    "priorityRank" INTEGER NOT NULL,
    "scheduledFor" DATETIME,
    "queuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "notBefore" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "cancelRequestedAt" DATETIME,
    "leaseOwner" TEXT,
    "leaseUntil" DATETIME,
    "nodeId" TEXT,
    "instanceId" TEXT,
    "exitCode" INTEGER,
    "progress" INTEGER,
    "result" TEXT,
    "httpStatus" INTEGER,
    "latencyMs" INTEGER,
    "responseHeaders" TEXT,
    "responseBody" TEXT,
    "costCents" INTEGER NOT NULL DEFAULT 0,
    "log" BLOB,
    "logBytes" INTEGER NOT NULL DEFAULT 0,
    "logTruncated" BOOLEAN NOT NULL DEFAULT false,
    "clusterId" TEXT,
    "slurmJobId" INTEGER,
    "slurmUser" TEXT,
    "slurmUid" INTEGER,
    "slurmState" TEXT,
    "slurmReason" TEXT,
    "slurmNodes" TEXT,
    "reservedCents" INTEGER NOT NULL DEFAULT 0,
    "stdoutPath" TEXT,
    "stderrPath" TEXT,
    CONSTRAINT "JobRun_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_JobRun" ("attempt", "cancelRequestedAt", "costCents", "exitCode", "finishedAt", "firstRunId", "httpStatus", "id", "instanceId", "jobId", "latencyMs", "leaseOwner", "leaseUntil", "log", "logBytes", "logTruncated", "nodeId", "notBefore", "priorityRank", "progress", "queuedAt", "responseBody", "responseHeaders", "result", "scheduledFor", "startedAt", "status", "statusMessage", "trigger", "userId") SELECT "attempt", "cancelRequestedAt", "costCents", "exitCode", "finishedAt", "firstRunId", "httpStatus", "id", "instanceId", "jobId", "latencyMs", "leaseOwner", "leaseUntil", "log", "logBytes", "logTruncated", "nodeId", "notBefore", "priorityRank", "progress", "queuedAt", "responseBody", "responseHeaders", "result", "scheduledFor", "startedAt", "status", "statusMessage", "trigger", "userId" FROM "JobRun";
DROP TABLE "JobRun";
ALTER TABLE "new_JobRun" RENAME TO "JobRun";
CREATE INDEX "JobRun_status_priorityRank_queuedAt_idx" ON "JobRun"("status", "priorityRank", "queuedAt");
CREATE INDEX "JobRun_jobId_queuedAt_idx" ON "JobRun"("jobId", "queuedAt");
CREATE INDEX "JobRun_userId_queuedAt_idx" ON "JobRun"("userId", "queuedAt");
CREATE INDEX "JobRun_clusterId_slurmJobId_idx" ON "JobRun"("clusterId", "slurmJobId");
CREATE UNIQUE INDEX "JobRun_jobId_scheduledFor_key" ON "JobRun"("jobId", "scheduledFor");
CREATE UNIQUE INDEX "JobRun_firstRunId_attempt_key" ON "JobRun"("firstRunId", "attempt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "SlurmCluster_name_key" ON "SlurmCluster"("name");

-- CreateIndex
CREATE INDEX "SlurmUserMap_userId_idx" ON "SlurmUserMap"("userId");

