-- AlterTable
ALTER TABLE "Node" ADD COLUMN "hamiCoreCheckedPath" TEXT;

