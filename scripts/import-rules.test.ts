// The layout rules of README.md ("Import rules"), executable: every tracked source file is
// read and each import checked. A violation names the file, the import and the rule.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

type Source = { file: string; text: string };

const ROOT = path.resolve(import.meta.dirname, "..");

const isTest = (f: string) => /\.(test|spec)\.tsx?$/.test(f) || f.startsWith("e2e/") || f.startsWith("server/testing/");
const top = (f: string) => f.split("/")[0]!;

/** Import specifiers of a file: static, re-exports, side-effect and dynamic imports. */
function importsOf(text: string): { spec: string; clause: string }[] {
  const out: { spec: string; clause: string }[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\s+([^;]*?)\s*from\s*["']([^"']+)["']|(?:^|\n)\s*import\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
  for (const m of text.matchAll(re)) out.push({ spec: m[2] ?? m[3] ?? m[4]!, clause: m[1] ?? "" });
  return out;
}

/** The repository path an import points at, or null for packages. */
function target(from: string, spec: string): string | null {
  if (spec.startsWith("@/")) return spec.slice(2);
  if (spec.startsWith(".")) return path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  return null;
}

function violations(sources: Source[]): string[] {
  const found: string[] = [];
  for (const { file, text } of sources) {
    const where = top(file);
    const test = isTest(file);
    for (const { spec, clause } of importsOf(text)) {
      const to = target(file, spec);
      const toTop = to ? top(to) : null;
      const say = (rule: string) => found.push(`${file}: import "${spec}": ${rule}`);
      if (where === "lib" && toTop && toTop !== "lib") say("lib imports no project folder");
      if (where === "components" && (toTop === "server" || toTop === "app")) say("components import lib only (never server or app)");
      if (where !== "app" && toTop === "app") say("nothing imports app");
      if (where === "server" && toTop === "components") say("server never imports components");
      if (where === "packages" && toTop && toTop !== "packages") say("packages never import the console's code");
      // Prisma: the query client only in *.repo.ts (and the db folder itself); types anywhere on the server.
      const prisma =
        spec.startsWith("@prisma/") ||
        spec === "prisma" ||
        /db\/generated/.test(spec) ||
        (to !== null && /^server\/db\/client$/.test(to) && /\bdb\b/.test(clause.replace(/\btype\s+\w+/g, "")));
      if (prisma && !test && !file.endsWith(".repo.ts") && !file.startsWith("server/db/") && !file.startsWith("prisma/") && !file.startsWith("scripts/")) {
        say("Prisma is used only in *.repo.ts");
      }
    }
    if (!test && /^(app|components|lib|server)\//.test(file) && file !== "server/env.ts") {
      // Writing a variable for a library (main.ts tells next-auth its URL) is not reading one.
      const reads = [...text.matchAll(/process\.env(?:\.(\w+)|\[)(\s*\??=(?!=))?/g)].filter((m) => !m[2]);
      if (reads.length) found.push(`${file}: process.env read outside server/env.ts`);
    }
    if (where === "server" && !test && /\.tsx?$/.test(file) && !/^\s*(\/\/[^\n]*\n|\/\*[\s\S]*?\*\/\s*)*import "server-only";/.test(text)) {
      found.push(`${file}: server files start with import "server-only"`);
    }
  }
  return found;
}

function trackedSources(): Source[] {
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts", "*.tsx", "*.mjs"], { cwd: ROOT, encoding: "utf8" })
    .split("\n")
    .filter((f) => f && /^(app|components|lib|server|packages)\//.test(f));
  return files.map((file) => ({ file, text: readFileSync(path.join(ROOT, file), "utf8") }));
}

describe("import rules", () => {
  it("hold for every source file", () => {
    expect(violations(trackedSources())).toEqual([]);
  });

  it("catch each kind of violation", () => {
    const found = violations([
      { file: "lib/a.ts", text: 'import { x } from "@/server/users/users.service";' },
      { file: "components/b.tsx", text: 'import { db } from "../server/db/client";' },
      { file: "server/c.ts", text: 'import "server-only";\nimport { Page } from "@/app/page";\nconst u = process.env.SECRET;' },
      { file: "server/x/d.service.ts", text: 'import "server-only";\nimport { db } from "../db/client";' },
      {
        file: "server/x/e.service.ts",
        text: 'import "server-only";\nimport type { Prisma } from "../db/client";\nimport { disconnectDb } from "../db/client";',
      },
      { file: "server/f.ts", text: 'import { z } from "zod";' },
      { file: "server/main.ts", text: 'import "server-only";\nprocess.env.NEXTAUTH_URL = "x";' },
    ]);
    expect(found).toEqual([
      'lib/a.ts: import "@/server/users/users.service": lib imports no project folder',
      'components/b.tsx: import "../server/db/client": components import lib only (never server or app)',
      'components/b.tsx: import "../server/db/client": Prisma is used only in *.repo.ts',
      'server/c.ts: import "@/app/page": nothing imports app',
      "server/c.ts: process.env read outside server/env.ts",
      'server/x/d.service.ts: import "../db/client": Prisma is used only in *.repo.ts',
      'server/f.ts: server files start with import "server-only"',
    ]);
  });
});
