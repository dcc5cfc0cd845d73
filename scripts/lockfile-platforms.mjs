#!/usr/bin/env node
// The npm registry mirror these machines reach lacks a few packages built for other
// platforms (next's macOS and Windows compilers). `npm install` then leaves them out of
// package-lock.json, and `npm ci` refuses the lock as out of sync. This adds the missing
// optional platform packages as entries npm skips on Linux (by their os/cpu), so `npm ci`
// works here and elsewhere. Run after `npm install` changes the lock: npm run lock:platforms
import { readFileSync, writeFileSync } from "node:fs";

const file = "package-lock.json";
const lock = JSON.parse(readFileSync(file, "utf8"));
const packages = lock.packages;
const added = [];

for (const [where, pkg] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (packages[key] || (where && packages[`${where}/node_modules/${name}`])) continue;
    const m = /(darwin|linux|win32|freebsd|android|openbsd|sunos|aix)-(x64|arm64|ia32|arm|ppc64|s390x|riscv64)/.exec(name);
    if (!m) continue;
    packages[key] = { version, optional: true, os: [m[1]], cpu: [m[2]] };
    added.push(`${name}@${version}`);
  }
}

const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
lock.packages = sorted;
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length ? `added ${added.join(", ")}` : "lock file complete");
