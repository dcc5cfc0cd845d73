import { z } from "zod";
import { ZEmail, ZPassword, ZTimestamp, ZUsername } from "./common";
import { endpoint } from "./endpoint";
import { ZUserProfile } from "./users";

// Sign-in for API clients (browsers sign in through next-auth) and self-registration.

export const ZLoginRequest = z
  .object({
    /** Username or email. */
    username: z.string().trim().toLowerCase().min(1, "is required").max(254),
    password: z.string().min(1, "is required").max(128),
  })
  .strict();
export type TLoginRequest = z.infer<typeof ZLoginRequest>;

export const ZLoginResponse = z.object({ token: z.string(), expiresAt: ZTimestamp, user: ZUserProfile });

export const ZRegisterRequest = z.object({ username: ZUsername, email: ZEmail, password: ZPassword }).strict();
export type TRegisterRequest = z.infer<typeof ZRegisterRequest>;

export const ZAuthConfig = z.object({
  registrationEnabled: z.boolean(),
  /** Apps are served on their own domains (APPS_DOMAIN): administrators may open other users' apps only then. */
  appsOnOwnDomains: z.boolean(),
  /** The console is in maintenance: the banner every page shows. */
  maintenance: z.object({ enabled: z.boolean(), message: z.string() }),
});

export const authEndpoints = {
  login: endpoint({
    method: "POST",
    path: "/api/v1/auth/login",
    audit: "auth.login",
    auth: "public",
    tag: "Auth",
    summary: "Sign in with username (or email) and password; answers a bearer token",
    body: ZLoginRequest,
    response: ZLoginResponse,
    errors: ["INVALID_CREDENTIALS", "ACCOUNT_DISABLED", "ACCOUNT_LOCKED", "RATE_LIMITED"],
  }),
  register: endpoint({
    method: "POST",
    path: "/api/v1/auth/register",
    audit: "user.register",
    auth: "public",
    tag: "Auth",
    summary: "Create an account (when registration is enabled)",
    body: ZRegisterRequest,
    response: ZUserProfile,
    status: 201,
    errors: ["REGISTRATION_DISABLED", "CONFLICT", "RATE_LIMITED"],
  }),
  logout: endpoint({
    method: "POST",
    path: "/api/v1/auth/logout",
    audit: "auth.logout",
    auth: "user",
    tag: "Auth",
    summary: "Sign out: the login token (or browser session) the request came with stops working at once, on every console process",
    status: 204,
    errors: ["INVALID_STATE"],
  }),
  config: endpoint({
    method: "GET",
    path: "/api/v1/auth/config",
    auth: "public",
    tag: "Auth",
    summary: "What the sign-in pages need to know (is registration open)",
    response: ZAuthConfig,
  }),
};
