import { z } from "zod";
import { ZEmail, ZIdParams, ZNullableTimestamp, ZPage, ZPageQuery, ZPassword, ZQueryBool, ZTimestamp, ZUsername } from "./common";
import { endpoint } from "./endpoint";

// Accounts: the signed-in user's profile and password, and the admin's user management.

export const ROLES = ["admin", "user"] as const;
export const ZRole = z.enum(ROLES);
export type TRole = z.infer<typeof ZRole>;

export const ZUserProfile = z.object({
  id: z.string(),
  username: z.string(),
  email: z.string(),
  nickname: z.string().nullable(),
  role: ZRole,
  isActive: z.boolean(),
  balanceCents: z.number().int(),
  createdAt: ZTimestamp,
  lastLoginAt: ZNullableTimestamp,
});
export type TUserProfile = z.infer<typeof ZUserProfile>;

export const ZUpdateMeRequest = z
  .object({
    // Shown to administrators next to other names: no control or text-direction characters
    // (U+202E and friends would make it read as something else).
    nickname: z
      .string()
      .trim()
      .max(64, "must be at most 64 characters")
      .regex(/^[^\p{Cc}\u202A-\u202E\u2066-\u2069]*$/u, "must not contain control or text-direction characters")
      .nullable()
      .optional(),
    email: ZEmail.optional(),
  })
  .strict();
export type TUpdateMeRequest = z.infer<typeof ZUpdateMeRequest>;

export const ZChangePasswordRequest = z
  .object({
    currentPassword: z.string().min(1, "is required"),
    newPassword: ZPassword,
  })
  .strict();

export const ZChangePasswordResponse = z.object({
  /** A fresh login token: every older session and token has just been ended. */
  token: z.string(),
  expiresAt: ZTimestamp,
});

export const ZAdminUserQuery = ZPageQuery.extend({
  search: z.string().trim().max(100).optional(),
  role: ZRole.optional(),
  isActive: ZQueryBool.optional(),
});

export const ZAdminCreateUserRequest = z.object({ username: ZUsername, email: ZEmail, password: ZPassword, role: ZRole.default("user") }).strict();
export type TAdminCreateUserRequest = z.infer<typeof ZAdminCreateUserRequest>;

export const ZAdminUpdateUserRequest = z
  .object({ role: ZRole.optional(), isActive: z.boolean().optional() })
  .strict()
  .refine((v) => v.role !== undefined || v.isActive !== undefined, { message: "give role or isActive" });
export type TAdminUpdateUserRequest = z.infer<typeof ZAdminUpdateUserRequest>;

export const usersEndpoints = {
  getMe: endpoint({
    method: "GET",
    path: "/api/v1/users/me",
    auth: "user",
    tag: "Users",
    summary: "The signed-in user's profile",
    response: ZUserProfile,
  }),
  updateMe: endpoint({
    method: "PATCH",
    path: "/api/v1/users/me",
    audit: "user.update_self",
    auth: "user",
    tag: "Users",
    summary: "Change nickname or email",
    body: ZUpdateMeRequest,
    response: ZUserProfile,
    errors: ["CONFLICT"],
  }),
  changePassword: endpoint({
    method: "POST",
    path: "/api/v1/users/me/password",
    audit: "user.password_change",
    auth: "user",
    tag: "Users",
    summary: "Change the password; ends every other session and token",
    body: ZChangePasswordRequest,
    response: ZChangePasswordResponse,
    errors: ["INVALID_CREDENTIALS", "RATE_LIMITED"],
  }),
  adminListUsers: endpoint({
    method: "GET",
    path: "/api/v1/admin/users",
    auth: "admin",
    tag: "Admin",
    summary: "List users (search by username, email or nickname)",
    query: ZAdminUserQuery,
    response: ZPage(ZUserProfile),
  }),
  adminCreateUser: endpoint({
    method: "POST",
    path: "/api/v1/admin/users",
    audit: "user.admin_create",
    auth: "admin",
    tag: "Admin",
    summary: "Create an account (also when self-registration is off)",
    body: ZAdminCreateUserRequest,
    response: ZUserProfile,
    status: 201,
    errors: ["CONFLICT"],
  }),
  adminUpdateUser: endpoint({
    method: "PATCH",
    path: "/api/v1/admin/users/{id}",
    audit: "user.admin_update",
    auth: "admin",
    tag: "Admin",
    summary: "Change a user's role or active flag; ends the user's sessions and tokens",
    params: ZIdParams,
    body: ZAdminUpdateUserRequest,
    response: ZUserProfile,
    errors: ["NOT_FOUND", "CONFLICT"],
  }),
};
