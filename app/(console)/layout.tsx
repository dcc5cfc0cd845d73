// Every signed-in page: checks the session for real (revoked sessions go to /login) and
// renders the console frame.
import { AppShell } from "@/components/layout/app-shell";
import { requireUser } from "@/server/auth/page-guard";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const p = await requireUser();
  return <AppShell user={{ username: p.username, role: p.role }}>{children}</AppShell>;
}
