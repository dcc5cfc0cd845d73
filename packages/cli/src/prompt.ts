import { createInterface } from "node:readline";

// Asking at the terminal: a line, or a password without echo. Without a terminal, the line
// comes from stdin (so `printf '%s\n' "$PW" | aiinfra login -u me` works in scripts).

export function ask(question: string, opts: { hidden?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    // No terminal: no question printed either (a script's stderr stays its own).
    const tty = !!process.stdin.isTTY;
    const rl = createInterface({ input: process.stdin, ...(tty ? { output: process.stderr } : {}), terminal: tty });
    if (opts.hidden && tty) {
      // Echo only the question; what is typed stays off the screen.
      const r = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WritableStream };
      r._writeToOutput = (s: string) => {
        if (s.startsWith(question)) r.output.write(question);
        else if (s === "\r\n" || s === "\n") r.output.write(s);
      };
    }
    let answered = false;
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      if (opts.hidden && tty) process.stderr.write("\n");
      resolve(answer);
    });
    rl.on("close", () => {
      if (!answered) reject(new Error("no answer (stdin closed)"));
    });
  });
}
