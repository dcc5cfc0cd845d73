/** A same-site path to return to after sign-in; anything else (other sites, //host) is refused. */
export function safeCallback(raw: string | null): string {
  return raw?.startsWith("/") && !raw.startsWith("//") && !raw.startsWith("/\\") ? raw : "/dashboard";
}
