-- AlterTable
ALTER TABLE "User" ADD COLUMN     "selfRegistered" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "NodeStatusEvent" ADD COLUMN     "clusterId" TEXT,
ALTER COLUMN "nodeId" DROP NOT NULL;

-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "clusterId" TEXT;

-- AlterTable
ALTER TABLE "JobRun" ADD COLUMN     "clusterId" TEXT,
ADD COLUMN     "reservedCents" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "slurmJobId" INTEGER,
ADD COLUMN     "slurmNodes" TEXT,
ADD COLUMN     "slurmReason" TEXT,
ADD COLUMN     "slurmState" TEXT,
ADD COLUMN     "slurmUid" INTEGER,
ADD COLUMN     "slurmUser" TEXT,
ADD COLUMN     "stderrPath" TEXT,
ADD COLUMN     "stdoutPath" TEXT;

-- CreateTable
CREATE TABLE "SlurmCluster" (
    "id" TEXT NOT NULL,
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
    "lastCheckedAt" TIMESTAMP(3),
    "lastSeenAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SlurmCluster_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SlurmUserMap" (
    "clusterId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "slurmUser" TEXT NOT NULL,

    CONSTRAINT "SlurmUserMap_pkey" PRIMARY KEY ("clusterId","userId")
);

-- CreateIndex
CREATE UNIQUE INDEX "SlurmCluster_name_key" ON "SlurmCluster"("name");

-- CreateIndex
CREATE INDEX "SlurmUserMap_userId_idx" ON "SlurmUserMap"("userId");

-- CreateIndex
CREATE INDEX "NodeStatusEvent_clusterId_createdAt_idx" ON "NodeStatusEvent"("clusterId", "createdAt");

-- CreateIndex
CREATE INDEX "Job_clusterId_idx" ON "Job"("clusterId");

-- CreateIndex
CREATE INDEX "JobRun_clusterId_slurmJobId_idx" ON "JobRun"("clusterId", "slurmJobId");

-- AddForeignKey
ALTER TABLE "NodeStatusEvent" ADD CONSTRAINT "NodeStatusEvent_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "SlurmCluster"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SlurmUserMap" ADD CONSTRAINT "SlurmUserMap_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "SlurmCluster"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SlurmUserMap" ADD CONSTRAINT "SlurmUserMap_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "SlurmCluster"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

