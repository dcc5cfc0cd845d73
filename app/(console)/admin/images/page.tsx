// Admin: images. Auth: admin.
import type { Metadata } from "next";
import { ImagesPage } from "@/components/admin/images-page";
import { Forbidden } from "@/components/common/forbidden";
import { requireAdmin } from "@/server/auth/page-guard";

export const metadata: Metadata = { title: "Images" };

export default async function AdminImagesPage() {
  if (!(await requireAdmin())) return <Forbidden />;
  return <ImagesPage />;
}
