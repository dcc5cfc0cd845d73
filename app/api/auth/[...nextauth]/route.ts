// next-auth's own endpoints (browser sign-in/out, CSRF token, session). Not part of the
// /api/v1 contract: API clients sign in with POST /api/v1/auth/login. Bodies get the API's
// size limit and Unicode check before next-auth reads them.
import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/server/auth/next-auth";
import { guardBody } from "@/server/http/guard-body";

type Ctx = { params: Promise<{ nextauth: string[] }> };

const handler = guardBody(async (req: NextRequest, ctx: Ctx) => NextAuth(req as never, ctx as never, authOptions()));

export { handler as GET, handler as POST };
