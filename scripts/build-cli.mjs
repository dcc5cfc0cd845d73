#!/usr/bin/env node
// Bundles the aiinfra CLI (packages/cli, with the SDK and its dependencies) into one file,
// packages/cli/dist/aiinfra.mjs: `npx aiinfra` in a clone, or `npm install -g ./packages/cli`.
import { chmodSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "packages/cli");
const { version } = JSON.parse(readFileSync(path.join(cli, "package.json"), "utf8"));
const outfile = path.join(cli, "dist/aiinfra.mjs");

await build({
  entryPoints: [path.join(cli, "src/bin.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: true,
  legalComments: "none",
  define: { __AIINFRA_VERSION__: JSON.stringify(version) },
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
chmodSync(outfile, 0o755);
console.log(`built ${path.relative(root, outfile)}`);
