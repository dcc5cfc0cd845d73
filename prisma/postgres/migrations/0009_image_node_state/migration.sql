-- CreateTable
CREATE TABLE "ImageNodeState" (
    "imageId" TEXT NOT NULL,
    "nodeId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "lastPullOk" BOOLEAN NOT NULL,
    "lastPullMessage" TEXT,
    "lastPullAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ImageNodeState_pkey" PRIMARY KEY ("imageId","nodeId")
);

-- CreateIndex
CREATE INDEX "ImageNodeState_nodeId_idx" ON "ImageNodeState"("nodeId");

-- AddForeignKey
ALTER TABLE "ImageNodeState" ADD CONSTRAINT "ImageNodeState_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ImageNodeState" ADD CONSTRAINT "ImageNodeState_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "Node"("id") ON DELETE CASCADE ON UPDATE CASCADE;

