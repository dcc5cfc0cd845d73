-- AlterTable
ALTER TABLE "Node" ADD COLUMN     "allocationVersion" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "unmanagedContainers" TEXT;

-- CreateTable
CREATE TABLE "Instance" (
    "id" TEXT NOT NULL,
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
    "leaseUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "startedAt" TIMESTAMP(3),
    "stoppedAt" TIMESTAMP(3),
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "Instance_pkey" PRIMARY KEY ("id")
);

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

-- AddForeignKey
ALTER TABLE "Allocation" ADD CONSTRAINT "Allocation_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "Instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Instance" ADD CONSTRAINT "Instance_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Instance" ADD CONSTRAINT "Instance_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Instance" ADD CONSTRAINT "Instance_specId_fkey" FOREIGN KEY ("specId") REFERENCES "Spec"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Instance" ADD CONSTRAINT "Instance_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "Node"("id") ON DELETE SET NULL ON UPDATE CASCADE;

