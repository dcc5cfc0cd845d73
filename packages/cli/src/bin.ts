import { run } from "./main";

// The bundled entry (dist/aiinfra.cjs).
// A reader that went away (`aiinfra instances logs -f x | head`) ends the CLI quietly.
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
void run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
