// Webhooks: the user's endpoints (administrators: also the platform's), their delivery logs,
// test events, secrets shown once. Auth: user (checked by the console layout).
import type { Metadata } from "next";
import { WebhooksPage } from "@/components/webhooks/webhooks-page";
import { isAdmin } from "@/server/auth/permissions";
import { requireUser } from "@/server/auth/page-guard";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksListPage() {
  return <WebhooksPage isAdmin={isAdmin(await requireUser())} />;
}
