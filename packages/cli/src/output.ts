// How commands print: `--json` prints the API's answer exactly as it came (the SDK's types
// document it), otherwise a table or key: value lines for people. Errors go to stderr.

export type Column<T> = { header: string; value: (row: T) => unknown };

export const cell = (v: unknown): string => {
  if (v === null || v === undefined || v === "") return "-";
  if (Array.isArray(v)) return v.length ? v.map(cell).join(",") : "-";
  if (typeof v === "object") return JSON.stringify(v);
  // One line per row: a value's own line breaks and tabs become spaces.
  return String(v).replace(/[\r\n\t]+/g, " ");
};

/** Columns padded to their widest cell; the last column is not padded. */
export function table<T>(rows: T[], columns: Column<T>[]): string {
  const cells = [columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => cell(c.value(r))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => [...line[i]!].length)));
  return cells.map((line) => line.map((v, i) => (i === line.length - 1 ? v : v.padEnd(widths[i]!))).join("  ")).join("\n");
}

/** "key: value" lines, keys aligned. */
export function fields(pairs: [string, unknown][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${cell(v)}`).join("\n");
}

export type Out = { json: boolean; write: (text: string) => void; error: (text: string) => void };

export function print(out: Out, value: unknown, human: () => string): void {
  out.write(out.json ? JSON.stringify(value, null, 2) : human());
}

export const money = (cents: number | null | undefined) => (typeof cents === "number" ? `¥${(cents / 100).toFixed(2)}` : "-");
