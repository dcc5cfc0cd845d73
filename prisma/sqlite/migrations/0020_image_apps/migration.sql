-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Image" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "description" TEXT,
    "source" TEXT,
    "supportMemorySplit" BOOLEAN NOT NULL DEFAULT false,
    "apps" TEXT NOT NULL DEFAULT '[]',
    "notebook" BOOLEAN NOT NULL DEFAULT false,
    "isListed" BOOLEAN NOT NULL DEFAULT true,
    "remark" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Image" ("address", "createdAt", "description", "id", "isListed", "name", "remark", "source", "supportMemorySplit", "updatedAt") SELECT "address", "createdAt", "description", "id", "isListed", "name", "remark", "source", "supportMemorySplit", "updatedAt" FROM "Image";
DROP TABLE "Image";
ALTER TABLE "new_Image" RENAME TO "Image";
CREATE INDEX "Image_isListed_createdAt_idx" ON "Image"("isListed", "createdAt");
CREATE TABLE "new_Instance" (
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
    "apps" TEXT NOT NULL DEFAULT '[]',
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
    "meteredUntil" DATETIME,
    "meteredMs" REAL NOT NULL DEFAULT 0,
    "jobRunId" TEXT,
    CONSTRAINT "Instance_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Instance_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Instance_specId_fkey" FOREIGN KEY ("specId") REFERENCES "Spec" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Instance_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "Node" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Instance" ("containerId", "cpuCores", "createdAt", "dataDiskGb", "deletedAt", "exitCode", "gpuCount", "gpuMemoryGb", "gpuModel", "id", "imageAddress", "imageId", "imageName", "jobRunId", "leaseOwner", "leaseUntil", "memoryGb", "memorySplit", "meteredMs", "meteredUntil", "name", "nodeId", "pricePerHourCents", "remark", "specId", "specName", "startedAt", "status", "statusMessage", "stoppedAt", "systemDiskGb", "updatedAt", "userId", "volumeName", "withoutGpu") SELECT "containerId", "cpuCores", "createdAt", "dataDiskGb", "deletedAt", "exitCode", "gpuCount", "gpuMemoryGb", "gpuModel", "id", "imageAddress", "imageId", "imageName", "jobRunId", "leaseOwner", "leaseUntil", "memoryGb", "memorySplit", "meteredMs", "meteredUntil", "name", "nodeId", "pricePerHourCents", "remark", "specId", "specName", "startedAt", "status", "statusMessage", "stoppedAt", "systemDiskGb", "updatedAt", "userId", "volumeName", "withoutGpu" FROM "Instance";
DROP TABLE "Instance";
ALTER TABLE "new_Instance" RENAME TO "Instance";
CREATE UNIQUE INDEX "Instance_jobRunId_key" ON "Instance"("jobRunId");
CREATE INDEX "Instance_userId_createdAt_idx" ON "Instance"("userId", "createdAt");
CREATE INDEX "Instance_createdAt_idx" ON "Instance"("createdAt");
CREATE INDEX "Instance_status_idx" ON "Instance"("status");
CREATE INDEX "Instance_nodeId_status_idx" ON "Instance"("nodeId", "status");
CREATE INDEX "Instance_imageId_idx" ON "Instance"("imageId");
CREATE INDEX "Instance_specId_idx" ON "Instance"("specId");
CREATE INDEX "Instance_meteredUntil_idx" ON "Instance"("meteredUntil");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

