import "server-only";
import type { TGpuReading } from "@/lib/contracts/metrics";

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

export const TELEMETRY_FIELDS = ["index", "uuid", "name", "utilization.gpu", "memory.used", "memory.total", "temperature.gpu", "power.draw"] as const;
export const TELEMETRY_COMMAND = `nvidia-smi --query-gpu=${TELEMETRY_FIELDS.join(",")} --format=csv,noheader,nounits`;

export type GpuReading = TGpuReading;

/** One poll's readings; a value a card does not report ("[N/A]") is null, not an error. */
export function parseTelemetry(output: string): GpuReading[] {
  const numeric = ["index", "utilization.gpu", "memory.used", "memory.total", "temperature.gpu", "power.draw"] as const;
  const num = (v: CsvValue) => (typeof v === "number" ? v : null);
  return parseNvidiaSmiCsv(output, TELEMETRY_FIELDS, numeric)
    .filter((r) => typeof r.index === "number")
    .map((r) => ({
      index: r.index as number,
      uuid: r.uuid === null ? null : String(r.uuid),
      name: r.name === null ? null : String(r.name),
      utilization: num(r["utilization.gpu"]),
      memoryUsedMb: num(r["memory.used"]),
      memoryTotalMb: num(r["memory.total"]),
      temperature: num(r["temperature.gpu"]),
      powerW: num(r["power.draw"]),
    }));
}
