// Redirects signed-out page requests to /login. Nothing more: it never grants access (pages,
// routes and services check the session themselves), API routes answer 401 on their own,
// and no request header (x-middleware-subrequest included) changes what it does.
import { NextResponse, type NextRequest } from "next/server";

const PUBLIC_PAGES = ["/login", "/register"];
const SESSION_COOKIES = ["aic.session", "__Secure-aic.session"];

export function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  if (PUBLIC_PAGES.some((p) => pathname === p || pathname.startsWith(`${p}/`))) return NextResponse.next();
  if (SESSION_COOKIES.some((name) => req.cookies.has(name))) return NextResponse.next();
  const url = req.nextUrl.clone();
  url.pathname = "/login";
  url.search = pathname === "/" ? "" : `?callbackUrl=${encodeURIComponent(pathname + search)}`;
  return NextResponse.redirect(url);
}

export const config = {
  // Pages only: not /api, not Next's assets, not files in public/.
  matcher: ["/((?!api|_next/static|_next/image|favicon.ico|vendor/|swagger-init.js|.*\\.(?:png|svg|ico|css|js)$).*)"],
};
