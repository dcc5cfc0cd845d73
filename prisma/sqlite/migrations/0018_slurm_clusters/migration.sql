-- AlterTable
ALTER TABLE "JobRun" ADD COLUMN "clusterId" TEXT;
ALTER TABLE "JobRun" ADD COLUMN "slurmJobId" INTEGER;
ALTER TABLE "JobRun" ADD COLUMN "slurmReason" TEXT;
ALTER TABLE "JobRun" ADD COLUMN "slurmState" TEXT;
ALTER TABLE "JobRun" ADD COLUMN "slurmUid" INTEGER;
ALTER TABLE "JobRun" ADD COLUMN "stderrPath" TEXT;
ALTER TABLE "JobRun" ADD COLUMN "stdoutPath" TEXT;

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
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "SlurmCluster_name_key" ON "SlurmCluster"("name");

-- CreateIndex
CREATE INDEX "SlurmUserMap_userId_idx" ON "SlurmUserMap"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "JobRun_clusterId_slurmJobId_key" ON "JobRun"("clusterId", "slurmJobId");

