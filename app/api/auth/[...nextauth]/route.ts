// next-auth's own endpoints (browser sign-in/out, CSRF token, session). Not part of the
// /api/v1 contract: API clients sign in with POST /api/v1/auth/login.
import NextAuth from "next-auth";
import { authOptions } from "@/server/auth/next-auth";

type Ctx = { params: Promise<{ nextauth: string[] }> };

async function handler(req: Request, ctx: Ctx) {
  return NextAuth(req as never, ctx as never, authOptions());
}

export { handler as GET, handler as POST };
