-- CreateTable
CREATE TABLE "Image" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "description" TEXT,
    "source" TEXT,
    "supportMemorySplit" BOOLEAN NOT NULL DEFAULT false,
    "isListed" BOOLEAN NOT NULL DEFAULT true,
    "remark" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Image_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Spec" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "gpuModel" TEXT,
    "gpuCount" INTEGER NOT NULL DEFAULT 0,
    "gpuMemoryGb" INTEGER NOT NULL DEFAULT 0,
    "supportMemorySplit" BOOLEAN NOT NULL DEFAULT false,
    "cpuCores" INTEGER NOT NULL,
    "memoryGb" INTEGER NOT NULL,
    "systemDiskGb" INTEGER NOT NULL DEFAULT 0,
    "dataDiskGb" INTEGER NOT NULL DEFAULT 0,
    "pricePerHourCents" INTEGER NOT NULL,
    "isListed" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Spec_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Node" (
    "id" TEXT NOT NULL,
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
    "lastSeenAt" TIMESTAMP(3),
    "lastCheckedAt" TIMESTAMP(3),
    "lastTest" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Node_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NodeStatusEvent" (
    "id" TEXT NOT NULL,
    "nodeId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "message" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "NodeStatusEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Allocation" (
    "id" TEXT NOT NULL,
    "nodeId" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "gpuIndex" INTEGER,
    "gpuMemoryGb" INTEGER NOT NULL DEFAULT 0,
    "exclusive" BOOLEAN NOT NULL DEFAULT false,
    "cpuCores" INTEGER NOT NULL DEFAULT 0,
    "memoryGb" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Allocation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Image_isListed_createdAt_idx" ON "Image"("isListed", "createdAt");

-- CreateIndex
CREATE INDEX "Spec_isListed_createdAt_idx" ON "Spec"("isListed", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Node_name_key" ON "Node"("name");

-- CreateIndex
CREATE INDEX "Node_status_idx" ON "Node"("status");

-- CreateIndex
CREATE INDEX "NodeStatusEvent_nodeId_createdAt_idx" ON "NodeStatusEvent"("nodeId", "createdAt");

-- CreateIndex
CREATE INDEX "Allocation_nodeId_idx" ON "Allocation"("nodeId");

-- CreateIndex
CREATE INDEX "Allocation_instanceId_idx" ON "Allocation"("instanceId");

-- AddForeignKey
ALTER TABLE "NodeStatusEvent" ADD CONSTRAINT "NodeStatusEvent_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "Node"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Allocation" ADD CONSTRAINT "Allocation_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "Node"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

