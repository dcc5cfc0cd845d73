// Query helpers that need no database.
import { describe, expect, it } from "vitest";
import { inChunks, nameTakenIn } from "./query";

describe("inChunks", () => {
  it("splits long id lists and joins the answers in order", async () => {
    const ids = Array.from({ length: 1203 }, (_, i) => String(i));
    const seen: number[] = [];
    const out = await inChunks(
      ids,
      async (chunk) => {
        seen.push(chunk.length);
        return chunk.map(Number);
      },
      500,
    );
    expect(seen).toEqual([500, 500, 203]);
    expect(out).toEqual(ids.map(Number));
    expect(await inChunks([], async () => [1])).toEqual([]);
  });
});

describe("nameTakenIn", () => {
  it("ignores case and spaces around, and the row being renamed", () => {
    const rows = [{ id: "a", name: "A100 x1" }];
    expect(nameTakenIn(rows, " a100 X1 ")).toBe(true);
    expect(nameTakenIn(rows, "A100 x1", "a")).toBe(false);
    expect(nameTakenIn(rows, "A100 x2")).toBe(false);
  });
});
