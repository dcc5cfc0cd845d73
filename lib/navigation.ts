const FALLBACK = "/dashboard";

const currentOrigin = () => (typeof window === "undefined" ? "http://localhost" : window.location.origin);

/**
 * Where to go after sign-in: a path on this console, anything else is the dashboard. Judged
 * on what the browser makes of the text (it drops tabs and newlines and reads "\" as "/", so
 * "/\t/evil.example" is another site), not on the text itself.
 */
export function safeCallback(raw: string | null, origin: string = currentOrigin()): string {
  if (!raw) return FALLBACK;
  let url: URL;
  try {
    url = new URL(raw, origin);
  } catch {
    return FALLBACK;
  }
  if (url.origin !== new URL(origin).origin) return FALLBACK;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // "/.//evil.example" resolves to the path "//evil.example", itself a link to another site.
  return path.startsWith("//") ? FALLBACK : path;
}
