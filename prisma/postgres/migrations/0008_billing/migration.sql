-- AlterTable
ALTER TABLE "Instance" ADD COLUMN     "meteredMs" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "meteredUntil" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "LedgerEntry" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "balanceAfterCents" INTEGER NOT NULL,
    "instanceId" TEXT,
    "idempotencyKey" TEXT NOT NULL,
    "note" TEXT,
    "periodStart" TIMESTAMP(3),
    "periodEnd" TIMESTAMP(3),
    "actorId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LedgerEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RechargeBatch" (
    "id" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "maxUses" INTEGER NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "description" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "disabledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RechargeBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RechargeCode" (
    "id" TEXT NOT NULL,
    "batchId" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "hint" TEXT NOT NULL,
    "uses" INTEGER NOT NULL DEFAULT 0,
    "disabledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RechargeCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RechargeRedemption" (
    "id" TEXT NOT NULL,
    "codeId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "ledgerEntryId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RechargeRedemption_pkey" PRIMARY KEY ("id")
);

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

-- CreateIndex
CREATE INDEX "Instance_meteredUntil_idx" ON "Instance"("meteredUntil");

-- AddForeignKey
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "LedgerEntry_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RechargeCode" ADD CONSTRAINT "RechargeCode_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "RechargeBatch"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RechargeRedemption" ADD CONSTRAINT "RechargeRedemption_codeId_fkey" FOREIGN KEY ("codeId") REFERENCES "RechargeCode"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Balances from before the ledger become opening entries, so balance == sum(entries) holds.
INSERT INTO "LedgerEntry" ("id", "userId", "kind", "amountCents", "balanceAfterCents", "idempotencyKey", "note", "createdAt")
SELECT 'opening-' || "id", "id", 'adjustment', "balanceCents", "balanceCents", 'opening:' || "id", 'Opening balance', CURRENT_TIMESTAMP
FROM "User" WHERE "balanceCents" <> 0;
