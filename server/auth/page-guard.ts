import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { resolvePrincipal, type Principal } from "./principal";
import { isAdmin } from "./permissions";

// Server-side checks for pages. The proxy only redirects when no session cookie is present;
// these check the session for real (signature, user state, session version).

export async function pagePrincipal(): Promise<Principal | null> {
  const cookie = (await headers()).get("cookie");
  try {
    return await resolvePrincipal(new Headers(cookie ? { cookie } : {}));
  } catch {
    return null;
  }
}

export async function requireUser(): Promise<Principal> {
  const p = await pagePrincipal();
  if (!p) redirect("/login?reason=session");
  return p;
}

/** The admin principal, or null for a signed-in non-admin (the page shows 403). */
export async function requireAdmin(): Promise<Principal | null> {
  const p = await requireUser();
  return isAdmin(p) ? p : null;
}
