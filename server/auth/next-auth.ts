import "server-only";
import { randomUUID } from "node:crypto";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { env } from "../env";
import { CLIENT_IP_HEADER } from "../http/client-ip";
import { AppError } from "../http/errors";
import { logger } from "../logger";
import { signOut } from "../users/sessions.service";
import { authenticate } from "../users/users.service";
import { actorOf, auditedAction } from "../audit/audit.service";
import { secureCookies, sessionCookieName, sessionSecret } from "./session-cookie";

// Browser sign-in through next-auth (credentials, JWT sessions). The session JWT carries the
// user id and session version; server/auth/principal.ts checks both against the database on
// every request, so sessions are revocable.

type SignedInUser = { id: string; name: string; sessionVersion: number };

export function authOptions(): NextAuthOptions {
  return {
    secret: sessionSecret(),
    session: { strategy: "jwt", maxAge: env().SESSION_TTL_HOURS * 3600 },
    pages: { signIn: "/login", error: "/login" },
    useSecureCookies: secureCookies(),
    cookies: {
      sessionToken: {
        name: sessionCookieName(),
        options: { httpOnly: true, sameSite: "lax", path: "/", secure: secureCookies() },
      },
    },
    providers: [
      CredentialsProvider({
        name: "credentials",
        credentials: { username: { type: "text" }, password: { type: "password" } },
        async authorize(credentials, req) {
          const ip = String(req.headers?.[CLIENT_IP_HEADER] ?? "unknown");
          try {
            const userAgent = req.headers?.["user-agent"];
            const facts = { action: "auth.login", actor: actorOf(null), ip, userAgent: typeof userAgent === "string" ? userAgent : null };
            const { user, sessionVersion } = await auditedAction(facts, () => authenticate(credentials?.username ?? "", credentials?.password ?? "", ip));
            return { id: user.id, name: user.username, sessionVersion } satisfies SignedInUser;
          } catch (err) {
            // next-auth hands the message to signIn() as `error`: "CODE" or "CODE:retryAfter".
            if (err instanceof AppError) {
              throw new Error(err.retryAfterSeconds ? `${err.code}:${err.retryAfterSeconds}` : err.code);
            }
            throw err;
          }
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          const u = user as unknown as SignedInUser;
          token.uid = u.id;
          token.sv = u.sessionVersion;
          // The session's own id, kept when next-auth re-issues the cookie: signing out revokes it.
          token.sid = randomUUID();
        }
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { name: token.name, uid: token.uid } };
      },
    },
    events: {
      // Signing out ends this session on the server too: a copy of the cookie stops working.
      async signOut({ token }) {
        if (typeof token?.uid !== "string" || typeof token.sid !== "string") return;
        const expiresAt = typeof token.exp === "number" ? new Date(token.exp * 1000) : new Date(Date.now() + env().SESSION_TTL_HOURS * 3600_000);
        const actor = { type: "user" as const, id: token.uid, name: typeof token.name === "string" ? token.name : null };
        await auditedAction({ action: "auth.logout", actor, target: { type: "user", id: token.uid } }, () =>
          signOut({ userId: token.uid as string, credentialId: token.sid as string, expiresAt }),
        );
      },
    },
    logger: {
      error: (code, metadata) => logger.warn({ code, metadata: metadata instanceof Error ? metadata.message : undefined }, "next-auth error"),
      warn: (code) => logger.debug({ code }, "next-auth warning"),
      debug: () => undefined,
    },
  };
}
