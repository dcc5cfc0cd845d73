-- CreateTable
CREATE TABLE "TerminalSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" DATETIME,
    "endReason" TEXT
);

-- CreateIndex
CREATE INDEX "TerminalSession_userId_startedAt_idx" ON "TerminalSession"("userId", "startedAt");

-- CreateIndex
CREATE INDEX "TerminalSession_instanceId_startedAt_idx" ON "TerminalSession"("instanceId", "startedAt");

