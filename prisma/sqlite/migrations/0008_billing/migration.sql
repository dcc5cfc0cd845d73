-- CreateTable
CREATE TABLE "LedgerEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "balanceAfterCents" INTEGER NOT NULL,
    "instanceId" TEXT,
    "idempotencyKey" TEXT NOT NULL,
    "note" TEXT,
    "periodStart" DATETIME,
    "periodEnd" DATETIME,
    "actorId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "LedgerEntry_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RechargeBatch" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "amountCents" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "maxUses" INTEGER NOT NULL,
    "expiresAt" DATETIME,
    "description" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "disabledAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "RechargeCode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "batchId" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "hint" TEXT NOT NULL,
    "uses" INTEGER NOT NULL DEFAULT 0,
    "disabledAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RechargeCode_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "RechargeBatch" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RechargeRedemption" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "codeId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "ledgerEntryId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RechargeRedemption_codeId_fkey" FOREIGN KEY ("codeId") REFERENCES "RechargeCode" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
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
    CONSTRAINT "Instance_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Instance_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Instance_specId_fkey" FOREIGN KEY ("specId") REFERENCES "Spec" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Instance_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "Node" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Instance" ("containerId", "cpuCores", "createdAt", "dataDiskGb", "deletedAt", "exitCode", "gpuCount", "gpuMemoryGb", "gpuModel", "id", "imageAddress", "imageId", "imageName", "leaseOwner", "leaseUntil", "memoryGb", "memorySplit", "name", "nodeId", "pricePerHourCents", "remark", "specId", "specName", "startedAt", "status", "statusMessage", "stoppedAt", "systemDiskGb", "updatedAt", "userId", "volumeName", "withoutGpu") SELECT "containerId", "cpuCores", "createdAt", "dataDiskGb", "deletedAt", "exitCode", "gpuCount", "gpuMemoryGb", "gpuModel", "id", "imageAddress", "imageId", "imageName", "leaseOwner", "leaseUntil", "memoryGb", "memorySplit", "name", "nodeId", "pricePerHourCents", "remark", "specId", "specName", "startedAt", "status", "statusMessage", "stoppedAt", "systemDiskGb", "updatedAt", "userId", "volumeName", "withoutGpu" FROM "Instance";
DROP TABLE "Instance";
ALTER TABLE "new_Instance" RENAME TO "Instance";
CREATE INDEX "Instance_userId_createdAt_idx" ON "Instance"("userId", "createdAt");
CREATE INDEX "Instance_createdAt_idx" ON "Instance"("createdAt");
CREATE INDEX "Instance_status_idx" ON "Instance"("status");
CREATE INDEX "Instance_nodeId_status_idx" ON "Instance"("nodeId", "status");
CREATE INDEX "Instance_imageId_idx" ON "Instance"("imageId");
CREATE INDEX "Instance_specId_idx" ON "Instance"("specId");
CREATE INDEX "Instance_meteredUntil_idx" ON "Instance"("meteredUntil");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "LedgerEntry_idempotencyKey_key" ON "LedgerEntry"("idempotencyKey");

-- CreateIndex
CREATE INDEX "LedgerEntry_userId_createdAt_idx" ON "LedgerEntry"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "LedgerEntry_kind_createdAt_idx" ON "LedgerEntry"("kind", "createdAt");

-- CreateIndex
CREATE INDEX "LedgerEntry_instanceId_idx" ON "LedgerEntry"("instanceId");

-- CreateIndex
CREATE INDEX "RechargeBatch_createdAt_idx" ON "RechargeBatch"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "RechargeCode_codeHash_key" ON "RechargeCode"("codeHash");

-- CreateIndex
CREATE INDEX "RechargeCode_batchId_idx" ON "RechargeCode"("batchId");

-- CreateIndex
CREATE UNIQUE INDEX "RechargeRedemption_ledgerEntryId_key" ON "RechargeRedemption"("ledgerEntryId");

-- CreateIndex
CREATE INDEX "RechargeRedemption_userId_createdAt_idx" ON "RechargeRedemption"("userId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "RechargeRedemption_codeId_userId_key" ON "RechargeRedemption"("codeId", "userId");


-- Balances from before the ledger become opening entries, so balance == sum(entries) holds.
INSERT INTO "LedgerEntry" ("id", "userId", "kind", "amountCents", "balanceAfterCents", "idempotencyKey", "note", "createdAt")
SELECT 'opening-' || "id", "id", 'adjustment', "balanceCents", "balanceCents", 'opening:' || "id", 'Opening balance', CURRENT_TIMESTAMP
FROM "User" WHERE "balanceCents" <> 0;
