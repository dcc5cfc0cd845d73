// Admin: users table with role/active actions and the registration switch. Auth: admin.
import type { Metadata } from "next";
import { Forbidden } from "@/components/common/forbidden";
import { UsersTable } from "@/components/admin/users-table";
import { requireAdmin } from "@/server/auth/page-guard";

export const metadata: Metadata = { title: "Users" };

export default async function AdminUsersPage() {
  if (!(await requireAdmin())) return <Forbidden />;
  return <UsersTable />;
}
