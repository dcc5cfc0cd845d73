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
    "hamiCoreCheckedPath" TEXT,
    "dockerAddress" TEXT NOT NULL,
    "useTls" BOOLEAN NOT NULL DEFAULT false,
    "caCert" TEXT,
    "clientCert" TEXT,
    "clientKeyEnc" TEXT,
    "maxJobs" INTEGER NOT NULL DEFAULT 0,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "isListed" BOOLEAN NOT NULL DEFAULT true,
    "status" TEXT NOT NULL DEFAULT 'unknown',
    "statusMessage" TEXT,
    "lastSeenAt" DATETIME,
    "lastCheckedAt" DATETIME,
    "lastTest" TEXT,
    "allocationVersion" INTEGER NOT NULL DEFAULT 0,
    "unmanagedContainers" TEXT,
    "gpuTelemetryProblem" TEXT,
    "lastGpuPollAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Node" ("allocationVersion", "caCert", "clientCert", "clientKeyEnc", "cpuCores", "cpuModel", "createdAt", "dataDiskGb", "dockerAddress", "gpuCount", "gpuMemoryGb", "gpuName", "gpuTelemetryProblem", "hamiCoreCheckedPath", "hamiCorePath", "id", "isListed", "lastCheckedAt", "lastGpuPollAt", "lastSeenAt", "lastTest", "memoryGb", "name", "privateIp", "publicIp", "region", "sshHostKey", "sshPasswordEnc", "sshPort", "sshPrivateKeyEnc", "sshUsername", "status", "statusMessage", "systemDiskGb", "unmanagedContainers", "updatedAt", "useTls") SELECT "allocationVersion", "caCert", "clientCert", "clientKeyEnc", "cpuCores", "cpuModel", "createdAt", "dataDiskGb", "dockerAddress", "gpuCount", "gpuMemoryGb", "gpuName", "gpuTelemetryProblem", "hamiCoreCheckedPath", "hamiCorePath", "id", "isListed", "lastCheckedAt", "lastGpuPollAt", "lastSeenAt", "lastTest", "memoryGb", "name", "privateIp", "publicIp", "region", "sshHostKey", "sshPasswordEnc", "sshPort", "sshPrivateKeyEnc", "sshUsername", "status", "statusMessage", "systemDiskGb", "unmanagedContainers", "updatedAt", "useTls" FROM "Node";
DROP TABLE "Node";
ALTER TABLE "new_Node" RENAME TO "Node";
CREATE UNIQUE INDEX "Node_name_key" ON "Node"("name");
CREATE INDEX "Node_status_idx" ON "Node"("status");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

