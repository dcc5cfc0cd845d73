import "server-only";

// What a run says about itself on its output: a line `::progress 42` sets its progress
// (0–100), and the last line `::result {json}` (a JSON value of at most RESULT_MAX_CHARS)
// becomes its result. Anything else is just output. Pure.

export const RESULT_MAX_CHARS = 64 * 1024;

export type RunSignal = { progress: number } | { result: unknown } | null;

export function runSignal(line: string): RunSignal {
  const text = line.trim();
  const progress = /^::progress\s+(\d{1,3}(?:\.\d+)?)$/.exec(text);
  if (progress) {
    const value = Number(progress[1]);
    return value <= 100 ? { progress: Math.round(value) } : null;
  }
  const result = /^::result\s+([\s\S]+)$/.exec(text);
  if (result && result[1]!.length <= RESULT_MAX_CHARS) {
    try {
      return { result: JSON.parse(result[1]!) as unknown };
    } catch {
      return null;
    }
  }
  return null;
}
