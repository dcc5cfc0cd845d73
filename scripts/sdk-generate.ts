// npm run sdk:generate [-- --check]: writes packages/sdk/src/schema.ts from the API contracts
// (the document the console serves at /api/openapi.json); --check only says whether it is current.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { schemaSource } from "../packages/sdk/generate";
import { buildOpenApiDocument } from "../server/openapi/document";

const file = path.join(import.meta.dirname, "../packages/sdk/src/schema.ts");
const source = await schemaSource(buildOpenApiDocument("sdk"));
if (process.argv.includes("--check")) {
  const current = (() => {
    try {
      return readFileSync(file, "utf8");
    } catch {
      return "";
    }
  })();
  if (current !== source) {
    console.error("packages/sdk/src/schema.ts is not current: run npm run sdk:generate");
    process.exit(1);
  }
  console.log("packages/sdk/src/schema.ts is current");
} else {
  writeFileSync(file, source);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
