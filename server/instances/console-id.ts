import "server-only";
import { randomUUID } from "node:crypto";
import { ensureSetting } from "../settings/settings.repo";
import { LABELS } from "./workload";

// This console installation's id, on every container and volume it makes: the reconciler
// looks only at its own (another console may share a Docker engine) and reports those
// without a live instance.

export const CONSOLE_LABEL = "io.ai-infra-console.console";

let cached: Promise<string> | undefined;

export function consoleId(): Promise<string> {
  cached ??= ensureSetting("console.id", JSON.stringify(randomUUID())).then((v) => JSON.parse(v) as string);
  cached.catch(() => (cached = undefined));
  return cached;
}

export async function consoleLabels(): Promise<Record<string, string>> {
  return { [LABELS.managed]: "true", [CONSOLE_LABEL]: await consoleId() };
}
