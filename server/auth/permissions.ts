import "server-only";
import type { Principal } from "./principal";

// Named permission predicates. Route auth modes use these; services re-check with them.

export const isAdmin = (p: Principal): boolean => p.role === "admin";

export const canManageUsers = isAdmin;
export const canManageSettings = isAdmin;
