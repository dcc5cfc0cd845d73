-- AlterTable
ALTER TABLE "Image" ADD COLUMN     "apps" TEXT NOT NULL DEFAULT '[]',
ADD COLUMN     "notebook" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Instance" ADD COLUMN     "apps" TEXT NOT NULL DEFAULT '[]';

