-- CreateTable
CREATE TABLE "Instance" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "remark" TEXT,
    "userId" TEXT NOT NULL,
    "imageId" TEXT,
    "specId" TEXT,
    "nodeId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'creating',
    "statusMessage" TEXT,
    "exitCode" INTEGER,
    "imageName" TEXT NOT NULL,
    "imageAddress" TEXT NOT NULL,
    "specName" TEXT NOT NULL,
    "gpuModel" TEXT,
    "gpuCount" INTEGER NOT NULL DEFAULT 0,
    "gpuMemoryGb" INTEGER NOT NULL DEFAULT 0,
    "memorySplit" BOOLEAN NOT NULL DEFAULT false,
    "cpuCores" INTEGER NOT NULL,
    "memoryGb" INTEGER NOT NULL,
    "systemDiskGb" INTEGER NOT NULL DEFAULT 0,
    "dataDiskGb" INTEGER NOT NULL DEFAULT 0,
    "pricePerHourCents" INTEGER NOT NULL,
    "withoutGpu" BOOLEAN NOT NULL DEFAULT false,
    "containerId" TEXT,
    "volumeName" TEXT NOT NULL,
    "leaseOwner" TEXT,
    "leaseUntil" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "startedAt" DATETIME,
    "stoppedAt" DATETIME,
    "deletedAt" DATETIME,
    CONSTRAINT "Instance_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Instance_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Instance_specId_fkey" FOREIGN KEY ("specId") REFERENCES "Spec" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Instance_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "Node" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Node" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "region" TEXT,
    "cpuModel" TEXT,
    "cpuCores" INTEGER NOT NULL DEFAULT 0,
    "memoryGb" INTEGER NOT NULL DEFAULT 0,
    "systemDiskGb" INTEGER NOT NULL DEFAULT 0,
    "dataDiskGb" INTEGER NOT NULL DEFAULT 0,
    "publicIp" TEXT,
    "privateIp" TEXT,
    "sshPort" INTEGER NOT NULL DEFAULT 22,
    "sshUsername" TEXT,
    "sshPasswordEnc" TEXT,
    "sshPrivateKeyEnc" TEXT,
    "sshHostKey" TEXT,
    "gpuName" TEXT,
    "gpuCount" INTEGER NOT NULL DEFAULT 0,
    "gpuMemoryGb" INTEGER NOT NULL DEFAULT 0,
    "hamiCorePath" TEXT,
    "dockerAddress" TEXT NOT NULL,
    "useTls" BOOLEAN NOT NULL DEFAULT false,
    "caCert" TEXT,
    "clientCert" TEXT,
    "clientKeyEnc" TEXT,
    "isListed" BOOLEAN NOT NULL DEFAULT true,
    "status" TEXT NOT NULL DEFAULT 'unknown',
    "statusMessage" TEXT,
    "lastSeenAt" DATETIME,
    "lastCheckedAt" DATETIME,
    "lastTest" TEXT,
    "allocationVersion" INTEGER NOT NULL DEFAULT 0,
    "unmanagedContainers" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Node" ("caCert", "clientCert", "clientKeyEnc", "cpuCores", "cpuModel", "createdAt", "dataDiskGb", "dockerAddress", "gpuCount", "gpuMemoryGb", "gpuName", "hamiCorePath", "id", "isListed", "lastCheckedAt", "lastSeenAt", "lastTest", "memoryGb", "name", "privateIp", "publicIp", "region", "sshHostKey", "sshPasswordEnc", "sshPort", "sshPrivateKeyEnc", "sshUsername", "status", "statusMessage", "systemDiskGb", "updatedAt", "useTls") SELECT "caCert", "clientCert", "clientKeyEnc", "cpuCores", "cpuModel", "createdAt", "dataDiskGb", "dockerAddress", "gpuCount", "gpuMemoryGb", "gpuName", "hamiCorePath", "id", "isListed", "lastCheckedAt", "lastSeenAt", "lastTest", "memoryGb", "name", "privateIp", "publicIp", "region", "sshHostKey", "sshPasswordEnc", "sshPort", "sshPrivateKeyEnc", "sshUsername", "status", "statusMessage", "systemDiskGb", "updatedAt", "useTls" FROM "Node";
DROP TABLE "Node";
ALTER TABLE "new_Node" RENAME TO "Node";
CREATE UNIQUE INDEX "Node_name_key" ON "Node"("name");
CREATE INDEX "Node_status_idx" ON "Node"("status");
CREATE TABLE "new_Allocation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "nodeId" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "gpuIndex" INTEGER,
    "gpuMemoryGb" INTEGER NOT NULL DEFAULT 0,
    "exclusive" BOOLEAN NOT NULL DEFAULT false,
    "cpuCores" INTEGER NOT NULL DEFAULT 0,
    "memoryGb" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Allocation_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "Node" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Allocation_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "Instance" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Allocation" ("cpuCores", "createdAt", "exclusive", "gpuIndex", "gpuMemoryGb", "id", "instanceId", "memoryGb", "nodeId") SELECT "cpuCores", "createdAt", "exclusive", "gpuIndex", "gpuMemoryGb", "id", "instanceId", "memoryGb", "nodeId" FROM "Allocation";
DROP TABLE "Allocation";
ALTER TABLE "new_Allocation" RENAME TO "Allocation";
CREATE INDEX "Allocation_nodeId_idx" ON "Allocation"("nodeId");
CREATE INDEX "Allocation_instanceId_idx" ON "Allocation"("instanceId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Instance_userId_createdAt_idx" ON "Instance"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "Instance_createdAt_idx" ON "Instance"("createdAt");

-- CreateIndex
CREATE INDEX "Instance_status_idx" ON "Instance"("status");

-- CreateIndex
CREATE INDEX "Instance_nodeId_status_idx" ON "Instance"("nodeId", "status");

-- CreateIndex
CREATE INDEX "Instance_imageId_idx" ON "Instance"("imageId");

-- CreateIndex
CREATE INDEX "Instance_specId_idx" ON "Instance"("specId");

