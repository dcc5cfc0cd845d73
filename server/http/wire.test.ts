// Responses from handlers' results: the derived schema takes Dates where timestamps are due
// and answers exactly what the JSON round trip it replaced answered; unknown fields are still
// dropped, and what the schema refuses is still refused.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { api } from "@/lib/contracts";
import type { Endpoint } from "@/lib/contracts/endpoint";
import { toWire, wireSchema } from "./wire";

const roundTrip = (schema: z.ZodType, value: unknown) => schema.parse(JSON.parse(JSON.stringify(value)));

const instance = {
  id: "i1",
  name: "train",
  remark: null,
  status: "running",
  statusMessage: null,
  statusRef: null,
  exitCode: null,
  userId: "u1",
  username: "alice",
  imageId: null,
  imageName: "img",
  imageAddress: "busybox",
  specId: null,
  specName: "spec",
  nodeId: "n1",
  nodeName: "node",
  gpuModel: null,
  gpuCount: 0,
  gpuMemoryGb: 0,
  memorySplit: false,
  cpuCores: 1,
  memoryGb: 1,
  systemDiskGb: 0,
  dataDiskGb: 0,
  pricePerHourCents: 100,
  withoutGpu: false,
  gpus: [{ index: 0, memoryGb: 8, exclusive: true }],
  containerId: null,
  dataPath: "/root/data",
  apps: [{ port: 8888, name: "JupyterLab", kind: "jupyter", url: "/apps/i1/8888/lab" }],
  costCents: 12,
  runningSeconds: 360,
  createdAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)),
  updatedAt: new Date(Date.UTC(2026, 0, 3)),
  startedAt: null,
  stoppedAt: new Date(Date.UTC(2026, 0, 4)),
  // Row fields the contract does not name: never on the wire.
  volumeName: "secret-volume",
  leaseOwner: "process-1",
  meteredMs: 5,
};

describe("wireSchema", () => {
  it("answers exactly what the JSON round trip answered, Dates and all", () => {
    const page = { items: [instance, { ...instance, id: "i2", startedAt: new Date(0) }], total: 2, page: 1, pageSize: 20 };
    const schema = api.listInstances.response;
    const wire = wireSchema(schema).parse(page);
    expect(wire).toEqual(roundTrip(schema, page));
    expect(JSON.stringify(wire)).toBe(JSON.stringify(roundTrip(schema, page)));
    expect(JSON.stringify(wire)).not.toContain("secret-volume");
    expect((wire as { items: { createdAt: string }[] }).items[0]!.createdAt).toBe("2026-01-02T03:04:05.678Z");
  });

  it("still refuses what the schema refuses", () => {
    const schema = api.listInstances.response;
    expect(wireSchema(schema).safeParse({ items: [{ ...instance, createdAt: new Date("nonsense") }], total: 1, page: 1, pageSize: 20 }).success).toBe(false);
    expect(wireSchema(schema).safeParse({ items: [{ ...instance, status: "exploded" }], total: 1, page: 1, pageSize: 20 }).success).toBe(false);
  });

  it("keeps strictness, nullability and refinements of the schemas it rebuilds", () => {
    const strict = z.object({ at: z.iso.datetime().nullable() }).strict();
    expect(wireSchema(strict).safeParse({ at: new Date(0), extra: 1 }).success).toBe(false);
    expect(wireSchema(strict).parse({ at: null })).toEqual({ at: null });
    const refined = z.object({ at: z.iso.datetime() }).refine(() => false, "never");
    expect(wireSchema(refined)).toBe(refined);
  });

  it("leaves every schema without timestamps as it is, and derives each endpoint's schema once", () => {
    for (const e of Object.values(api) as Endpoint[]) {
      if (!e.response) continue;
      const text = JSON.stringify(z.toJSONSchema(e.response, { unrepresentable: "any" }));
      if (!text.includes('"date-time"')) expect(wireSchema(e.response), e.path).toBe(e.response);
      expect(wireSchema(e.response)).toBe(wireSchema(e.response));
    }
  });
});

describe("toWire", () => {
  it("writes Dates and toJSON values as JSON would, without the text", () => {
    const value = { a: new Date(0), b: [new Date(1), { c: null, d: { toJSON: () => "x" } }], e: undefined };
    expect(toWire(value)).toEqual(JSON.parse(JSON.stringify(value)));
  });
});
