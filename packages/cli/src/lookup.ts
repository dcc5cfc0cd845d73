import { readFileSync } from "node:fs";
import { AiInfraError, type Page, paginate } from "../../sdk/src/index";
import { CliError, type Ctx, EXIT, unwrap } from "./context";
import { ask } from "./prompt";

// What commands share: whole lists, things named by id or name, confirmations, numbers and
// files from flags.

/** Every item of a list endpoint (pages of 100), at most `limit`. */
export async function all<T>(get: (page: number) => Promise<Page<T>>, limit?: number): Promise<T[]> {
  const out: T[] = [];
  for await (const x of paginate(get, { limit })) out.push(x);
  return out;
}

/** An entry by id or exact name among `list`. */
export async function pick<T extends { id: string; name: string }>(what: string, ref: string, list: () => Promise<T[]>): Promise<T> {
  const items = await list();
  const found = items.filter((x) => x.id === ref || x.name === ref);
  if (found.length === 1) return found[0]!;
  if (found.length > 1) throw new CliError(`${found.length} ${what}s are named ${ref}: use an id (${found.map((x) => x.id).join(", ")})`, EXIT.usage);
  const names = items
    .slice(0, 10)
    .map((x) => x.name)
    .join(", ");
  throw new CliError(`no ${what} ${ref}${names ? ` (try: ${names})` : ""}`, EXIT.notFound);
}

/**
 * A thing of the caller's by id, or by its exact name: `byId` answers the GET of the id (a 404
 * means it is not an id), `named` the list filtered by the name.
 */
export async function byIdOrName<T extends { id: string; name: string }>(
  what: string,
  ref: string,
  byId: () => Promise<{ data?: T; error?: unknown; response: Response }>,
  named: () => Promise<Page<T>>,
): Promise<T> {
  const got = await byId();
  if (got.response.ok) return got.data as T;
  if (got.response.status !== 404) return unwrap(Promise.resolve(got));
  const found = (await named()).items.filter((x) => x.name === ref);
  if (found.length === 1) return found[0]!;
  if (found.length > 1) throw new CliError(`${found.length} ${what}s are named ${ref}: use an id (${found.map((x) => x.id).join(", ")})`, EXIT.usage);
  throw new CliError(`no ${what} ${ref}`, EXIT.notFound);
}

/** Asks before destroying something; without a terminal only --yes goes on. */
export async function confirm(_ctx: Ctx, question: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) throw new CliError("refusing without --yes (no terminal to ask)", EXIT.usage);
  const answer = await ask(`${question} [y/N] `);
  if (!/^y(es)?$/i.test(answer.trim())) throw new CliError("cancelled", EXIT.failure);
}

/** A failure worth another try while following something: the console or the node did not answer for now. */
export function transient(err: unknown): boolean {
  if (err instanceof AiInfraError) return err.status >= 500 || err.code === "NODE_UNREACHABLE" || err.code === "CLUSTER_UNREACHABLE";
  return err instanceof TypeError && err.message === "fetch failed";
}

/**
 * Polls `fn` every second until it answers true; a transient failure is said once on stderr
 * and tried again (for up to `patience` polls in a row), any other failure ends it.
 */
export async function follow(c: Ctx, fn: () => Promise<boolean>, patience = 120): Promise<void> {
  let failing = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    try {
      if (await fn()) return;
      if (failing) c.out.error("(reading again)");
      failing = 0;
    } catch (err) {
      if (!transient(err) || ++failing > patience) throw err;
      if (failing === 1) c.out.error(`(cannot read now: ${(err as Error).message}; trying again)`);
    }
  }
}

/** A whole number of at least `min` from a flag. */
export function whole(flag: string, min = 1) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) throw new CliError(`${flag} must be a whole number of at least ${min}`, EXIT.usage);
    return n;
  };
}

/** An amount in yuan ("12.5") as cents. */
export function cents(flag: string) {
  return (v: string): number => {
    if (!/^\d+(\.\d{1,2})?$/.test(v.trim())) throw new CliError(`${flag} must be an amount in yuan with at most 2 decimals (e.g. 50 or 12.50)`, EXIT.usage);
    const c = Math.round(Number(v) * 100);
    if (c < 1) throw new CliError(`${flag} must be more than 0`, EXIT.usage);
    return c;
  };
}

/** A file's text ("-": stdin), named by its flag in errors. */
export function readText(flag: string, file: string): string {
  try {
    return readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CliError(`${flag} ${file}: ${e.code === "ENOENT" ? "no such file" : e.message}`, EXIT.usage);
  }
}

/** One of a set of values, for a flag. */
export function oneOf<T extends string>(flag: string, values: readonly T[]) {
  return (v: string): T => {
    if (!(values as readonly string[]).includes(v)) throw new CliError(`${flag} must be one of ${values.join(", ")}`, EXIT.usage);
    return v as T;
  };
}
