#!/usr/bin/env node
// Copies browser assets shipped inside npm packages into public/vendor, so pages load them
// from the console itself (nothing is fetched from the internet at run time).
import { cpSync, mkdirSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const swagger = path.dirname(require.resolve("swagger-ui-dist/package.json"));
const out = path.join(root, "public/vendor/swagger-ui");
mkdirSync(out, { recursive: true });
for (const file of ["swagger-ui.css", "swagger-ui-bundle.js"]) cpSync(path.join(swagger, file), path.join(out, file));
