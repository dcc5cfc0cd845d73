// The OpenAPI document lists every route handler under app/api (and nothing else), with
// the methods each file exports. next-auth's own endpoints and the JSON 404 catch-all are
// not part of the contract.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "./document";

const API_DIR = path.join(process.cwd(), "app/api");
const NOT_CONTRACT = new Set(["/api/auth/{nextauth}", "/api/{unknown}"]);

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return routeFiles(full);
    return name === "route.ts" ? [full] : [];
  });
}

function routesOnDisk(): string[] {
  return routeFiles(API_DIR).flatMap((file) => {
    const route = `/${path.relative(path.join(process.cwd(), "app"), path.dirname(file))}`.replace(/\[\.\.\.(\w+)\]/g, "{$1}").replace(/\[(\w+)\]/g, "{$1}");
    if (NOT_CONTRACT.has(route)) return [];
    const src = readFileSync(file, "utf8");
    const methods = [...src.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!);
    expect(methods.length, `${file} exports no handler`).toBeGreaterThan(0);
    return methods.map((m) => `${m} ${route}`);
  });
}

describe("OpenAPI document", () => {
  const doc = buildOpenApiDocument("test") as { openapi: string; paths: Record<string, Record<string, { responses: object }>> };

  it("documents exactly the route handlers on disk", () => {
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(documented.sort()).toEqual(routesOnDisk().sort());
    expect(documented.length).toBeGreaterThan(15);
  });

  it("is OpenAPI 3.1 with error responses on every operation", () => {
    expect(doc.openapi).toBe("3.1.0");
    for (const ops of Object.values(doc.paths)) for (const op of Object.values(ops)) expect(Object.keys(op.responses)).toContain("500");
  });

  it("names the audit action of every state-changing operation, and of no read", () => {
    const ops = Object.entries(doc.paths).flatMap(([p, byMethod]) =>
      Object.entries(byMethod).map(([m, op]) => ({ route: `${m.toUpperCase()} ${p}`, action: (op as { "x-audit-action"?: string })["x-audit-action"] })),
    );
    const unnamed = ops.filter((o) => !o.route.startsWith("GET ") && !o.action).map((o) => o.route);
    expect(unnamed).toEqual([]);
    expect(ops.filter((o) => o.route.startsWith("GET ") && o.action)).toEqual([]);
    for (const o of ops) if (o.action) expect(o.action).toMatch(/^[a-z_]+(\.[a-z_]+)+$/);
  });
});
