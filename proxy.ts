// Every page request: a fresh Content-Security-Policy nonce (Next.js reads it from the
// request's CSP header and puts it on its scripts; lib/csp.ts), and signed-out page requests
// are redirected to /login. It never grants access (pages, routes and services check the
// session themselves), API routes answer 401 on their own, and no request header
// (x-middleware-subrequest included) changes what it does.
import { NextResponse, type NextRequest } from "next/server";
import { newNonce, pageCsp } from "@/lib/csp";

const PUBLIC_PAGES = ["/login", "/register"];
const SESSION_COOKIES = ["aic.session", "__Secure-aic.session"];

export function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  const isPublic = PUBLIC_PAGES.some((p) => pathname === p || pathname.startsWith(`${p}/`));
  if (!isPublic && !SESSION_COOKIES.some((name) => req.cookies.has(name))) {
    const url = req.nextUrl.clone();
    url.pathname = "/login";
    url.search = pathname === "/" ? "" : `?callbackUrl=${encodeURIComponent(pathname + search)}`;
    return NextResponse.redirect(url);
  }
  const csp = pageCsp(newNonce(), { dev: process.env.NODE_ENV === "development" });
  const headers = new Headers(req.headers);
  headers.set("content-security-policy", csp);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("content-security-policy", csp);
  return res;
}

export const config = {
  // Pages only: not /api, not Next's assets, not the icons and files in public/ (named one by
  // one: a page path that merely ends in ".js" or ".css" still gets its CSP and sign-in check).
  matcher: ["/((?!api(?:/|$)|_next/static/|_next/image|favicon\\.ico$|icon\\.svg$|vendor/|swagger-init\\.js$).*)"],
};
