#!/usr/bin/env node
// Bundles the aiinfra CLI (packages/cli, with the SDK and its dependencies) into one file,
// packages/cli/dist/aiinfra.cjs: `npx aiinfra` in a clone, or `npm install -g ./packages/cli`.
// Built for a fast start (`aiinfra --help` is measured by npm run bench): CommonJS (Node's ESM
// loader costs ~20 ms more to start), and the heavier Node built-ins (child_process, crypto,
// readline: ~15 ms together, and commander requires child_process at its top) loaded on first
// use instead of at start.
import { chmodSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "packages/cli");
const { version } = JSON.parse(readFileSync(path.join(cli, "package.json"), "utf8"));
const outfile = path.join(cli, "dist/aiinfra.cjs");

/**
 * node:X for the LAZY built-ins resolves to a stand-in whose exports (the names the real module
 * has, read here at build time) are getters that require the real one on first read.
 */
const LAZY = /^(node:)?(child_process|crypto|readline)$/;
const lazyBuiltins = {
  name: "lazy-builtins",
  setup(b) {
    b.onResolve({ filter: LAZY }, (a) =>
      a.namespace === "lazy" ? { path: a.path, external: true } : { path: a.path.replace(/^node:/, ""), namespace: "lazy" },
    );
    b.onLoad({ filter: /.*/, namespace: "lazy" }, async (a) => {
      const names = Object.keys(await import(`node:${a.path}`)).filter((k) => k !== "default");
      return {
        contents: `let m; const real = () => (m ??= require("node:${a.path}"));
for (const k of ${JSON.stringify(names)}) Object.defineProperty(exports, k, { enumerable: true, get: () => real()[k] });`,
        loader: "js",
      };
    });
  },
};

await build({
  entryPoints: [path.join(cli, "src/bin.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "cjs",
  plugins: [lazyBuiltins],
  target: "node20",
  minify: true,
  legalComments: "none",
  define: { __AIINFRA_VERSION__: JSON.stringify(version) },
  banner: { js: "#!/usr/bin/env node" },
});
chmodSync(outfile, 0o755);
console.log(`built ${path.relative(root, outfile)}`);
