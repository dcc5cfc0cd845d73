import { run } from "./main";

// The bundled entry (dist/aiinfra.mjs).
process.exitCode = await run(process.argv.slice(2));
