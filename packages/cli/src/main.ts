import { Command, CommanderError } from "commander";
import { billingCommands } from "./commands/billing";
import { instanceCommands } from "./commands/instances";
import { jobCommands } from "./commands/jobs";
import { sessionCommands } from "./commands/session";
import { completionScript } from "./completion";
import { CLI_VERSION, CliError, type Ctx, describeError, EXIT, makeCtx } from "./context";
import type { Out } from "./output";

// aiinfra: the console from a terminal or a script. Every command takes --json (the API's
// answer as it came) and prints a table otherwise; errors go to stderr with the API's code and
// request id; exit codes: 0 ok, 1 failure, 2 usage, 3 authentication, 4 not found.

export function buildProgram(out: Out, env: NodeJS.ProcessEnv = process.env): Command {
  const program = new Command("aiinfra")
    .description("AI Infra Console from the command line")
    .version(CLI_VERSION, "-V, --version", "print the CLI's version")
    .option("--url <url>", "the console's address (overrides AIINFRA_URL and the saved one)")
    .option("--json", "print machine-readable JSON (the API's answer)")
    .showHelpAfterError("(aiinfra --help for usage)")
    .configureOutput({ writeOut: (s) => out.write(s.replace(/\n$/, "")), writeErr: (s) => out.error(s.replace(/\n$/, "")) })
    .exitOverride();
  const ctx = (): Ctx => {
    const o = program.opts<{ url?: string; json?: boolean }>();
    out.json = !!o.json;
    return makeCtx(o, out, env);
  };
  sessionCommands(program, ctx);
  instanceCommands(program, ctx);
  jobCommands(program, ctx);
  billingCommands(program, ctx);
  program
    .command("completion <shell>")
    .description("Print the shell completion script: source <(aiinfra completion bash), or zsh")
    .action((shell: string) => {
      if (shell !== "bash" && shell !== "zsh") throw new CliError("completion is for bash or zsh", EXIT.usage);
      out.write(completionScript(program, shell).trimEnd());
    });
  return program;
}

/** Runs the CLI; answers the exit code. */
export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const out: Out = { json: false, write: (s) => process.stdout.write(`${s}\n`), error: (s) => process.stderr.write(`${s}\n`) };
  const program = buildProgram(out, env);
  try {
    await program.parseAsync(argv, { from: "user" });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end this way too.
      if (err.exitCode === 0) return EXIT.ok;
      return EXIT.usage;
    }
    const { code, text } = describeError(err);
    if (text) out.error(text);
    return code;
  }
}
