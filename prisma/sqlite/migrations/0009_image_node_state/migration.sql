-- CreateTable
CREATE TABLE "ImageNodeState" (
    "imageId" TEXT NOT NULL,
    "nodeId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "lastPullOk" BOOLEAN NOT NULL,
    "lastPullMessage" TEXT,
    "lastPullAt" DATETIME NOT NULL,

    PRIMARY KEY ("imageId", "nodeId"),
    CONSTRAINT "ImageNodeState_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ImageNodeState_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "Node" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ImageNodeState_nodeId_idx" ON "ImageNodeState"("nodeId");

