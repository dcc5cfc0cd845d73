// npm run sdk:generate [-- --check]: writes the TypeScript SDK's types (packages/sdk/src/schema.ts)
// and the Python client (packages/python/aiinfra_client.py) from the API contracts (the document
// the console serves at /api/openapi.json); --check only says whether they are current.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pythonSource } from "../packages/python/generate";
import { schemaSource } from "../packages/sdk/generate";
import { buildOpenApiDocument } from "../server/openapi/document";

const document = buildOpenApiDocument("sdk");
const outputs = [
  { file: path.join(import.meta.dirname, "../packages/sdk/src/schema.ts"), source: await schemaSource(document) },
  { file: path.join(import.meta.dirname, "../packages/python/aiinfra_client.py"), source: pythonSource(document) },
];
let stale = false;
for (const { file, source } of outputs) {
  const name = path.relative(process.cwd(), file);
  if (process.argv.includes("--check")) {
    let current = "";
    try {
      current = readFileSync(file, "utf8");
    } catch {}
    if (current !== source) {
      console.error(`${name} is not current: run npm run sdk:generate`);
      stale = true;
    } else console.log(`${name} is current`);
  } else {
    writeFileSync(file, source);
    console.log(`wrote ${name}`);
  }
}
if (stale) process.exit(1);
