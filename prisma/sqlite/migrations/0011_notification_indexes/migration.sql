-- CreateIndex
CREATE INDEX "Notification_link_kind_createdAt_idx" ON "Notification"("link", "kind", "createdAt");

-- CreateIndex
CREATE INDEX "Notification_createdAt_idx" ON "Notification"("createdAt");

