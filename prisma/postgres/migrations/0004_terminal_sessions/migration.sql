-- CreateTable
CREATE TABLE "TerminalSession" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),
    "endReason" TEXT,

    CONSTRAINT "TerminalSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TerminalSession_userId_startedAt_idx" ON "TerminalSession"("userId", "startedAt");

-- CreateIndex
CREATE INDEX "TerminalSession_instanceId_startedAt_idx" ON "TerminalSession"("instanceId", "startedAt");

