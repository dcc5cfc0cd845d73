import { AiInfraError, type AiInfraClient, createAiInfraClient, unwrap } from "../../sdk/src/index";
import { normalizeUrl, readConfig, type SavedConfig } from "./config";
import type { Out } from "./output";

// What a command runs with: the console's address and token (flags and environment over the
// saved config), a client, and the exit codes: 0 ok, 1 failure, 2 usage, 3 authentication,
// 4 not found.

export const EXIT = { ok: 0, failure: 1, usage: 2, auth: 3, notFound: 4 } as const;

/** An error the CLI reports in its own words, with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}

export type GlobalOptions = { url?: string; json?: boolean };

export type Ctx = {
  out: Out;
  env: NodeJS.ProcessEnv;
  config: SavedConfig;
  url: () => string;
  /** A client signed in (or CliError 3 telling how to sign in). */
  client: () => AiInfraClient;
  /** A client without a token (sign-in, health). */
  anonymous: () => AiInfraClient;
  clientWith: (token: string) => AiInfraClient;
};

export const CLI_VERSION = typeof __AIINFRA_VERSION__ === "string" ? __AIINFRA_VERSION__ : "0.0.0-dev";
declare const __AIINFRA_VERSION__: string | undefined;

export function makeCtx(opts: GlobalOptions, out: Out, env: NodeJS.ProcessEnv = process.env): Ctx {
  const config = readConfig(env);
  const url = () => {
    const raw = opts.url ?? env.AIINFRA_URL ?? config.url;
    if (!raw) throw new CliError("no console address: run `aiinfra config set-url https://console.example.com` or pass --url", EXIT.usage);
    try {
      return normalizeUrl(raw);
    } catch (err) {
      throw new CliError((err as Error).message, EXIT.usage);
    }
  };
  const make = (token: string | undefined) => createAiInfraClient({ baseUrl: url(), token, userAgent: `aiinfra-cli/${CLI_VERSION}` });
  return {
    out,
    env,
    config,
    url,
    anonymous: () => make(undefined),
    clientWith: (token) => make(token),
    client: () => {
      if (env.AIINFRA_TOKEN) return make(env.AIINFRA_TOKEN);
      if (!config.token) throw new CliError("not signed in: run `aiinfra login` (or set AIINFRA_TOKEN)", EXIT.auth);
      // The saved token is for the saved address only: another one (--url, AIINFRA_URL) needs AIINFRA_TOKEN.
      const to = url();
      if (config.url !== to) {
        throw new CliError(
          `not signed in to ${to} (the saved sign-in is for ${config.url ?? "no address"}): run \`aiinfra login --url ${to}\` or set AIINFRA_TOKEN`,
          EXIT.auth,
        );
      }
      return make(config.token);
    },
  };
}

/** The exit code and stderr line of anything a command threw. */
export function describeError(err: unknown): { code: number; text: string } {
  // An empty message: the exit code of a program the CLI ran (ssh), which spoke for itself.
  if (err instanceof CliError) return { code: err.exitCode, text: err.message ? `error: ${err.message}` : "" };
  if (err instanceof AiInfraError) {
    const issues = err.issues.length ? `\n${err.issues.map((i) => `  ${i.path || "(body)"}: ${i.message}`).join("\n")}` : "";
    const code = err.status === 401 ? EXIT.auth : err.status === 404 ? EXIT.notFound : EXIT.failure;
    const hint = err.code === "UNAUTHENTICATED" ? "\n(sign in again: aiinfra login)" : "";
    return { code, text: `error: ${err.code}: ${err.message}${err.requestId ? ` (request id ${err.requestId})` : ""}${issues}${hint}` };
  }
  const e = err as NodeJS.ErrnoException & { cause?: { code?: string; message?: string } };
  // fetch's own failure: the console did not answer (refused, unknown name, TLS ...).
  if (e instanceof TypeError && e.message === "fetch failed")
    return {
      code: EXIT.failure,
      text: `error: cannot reach the console (${e.cause?.code ?? e.cause?.message ?? "no answer"}): check its address (aiinfra config get url)`,
    };
  return { code: EXIT.failure, text: `error: ${e?.message ?? String(err)}` };
}

export { unwrap };
