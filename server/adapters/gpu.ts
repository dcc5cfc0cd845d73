import "server-only";

// Parsing nvidia-smi's CSV output (--format=csv,noheader,nounits). "[N/A]" and similar
// placeholders become null rather than errors: real cards omit values now and then.

const MISSING = /^\[?(N\/A|Not Supported|Unknown Error|Insufficient Permissions|GPU requires reset)\]?$/i;

export type CsvValue = string | number | null;

export function parseNvidiaSmiCsv<F extends string>(output: string, fields: readonly F[], numeric: readonly F[]): Record<F, CsvValue>[] {
  return output
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const cells = line.split(",").map((c) => c.trim());
      const row = {} as Record<F, CsvValue>;
      fields.forEach((f, i) => {
        const cell = cells[i];
        if (cell === undefined || cell === "" || MISSING.test(cell)) row[f] = null;
        else if (numeric.includes(f)) {
          const n = Number(cell);
          row[f] = Number.isFinite(n) ? n : null;
        } else row[f] = cell;
      });
      return row;
    });
}

export const DETECT_FIELDS = ["index", "name", "memory.total", "uuid"] as const;
export const DETECT_COMMAND = `nvidia-smi --query-gpu=${DETECT_FIELDS.join(",")} --format=csv,noheader,nounits`;

/** GPUs from the detect command's output; memory.total is MiB. */
export function parseDetectedGpus(output: string) {
  return parseNvidiaSmiCsv(output, DETECT_FIELDS, ["index", "memory.total"]).map((r) => ({
    index: Number(r.index ?? 0),
    name: String(r.name ?? "unknown"),
    memoryGb: Math.round(Number(r["memory.total"] ?? 0) / 1024),
    uuid: r.uuid === null ? null : String(r.uuid),
  }));
}
