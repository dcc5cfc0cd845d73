// Reading a run's output for `::` lines: lines across chunks and UTF-8 split between chunks
// are whole; a line without end (a job printing megabytes without a newline) is skipped in
// bounded memory, and the lines after it are read again.
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { eachLine } from "./container-executor";

const read = async (chunks: (string | Buffer)[]) => {
  const lines: string[] = [];
  await eachLine(Readable.from(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c))), (l) => lines.push(l));
  return lines;
};

describe("output lines", () => {
  it("joins lines across chunks, keeps the last partial one, and decodes UTF-8 split between chunks", async () => {
    const snow = Buffer.from("雪");
    expect(await read(["a", "b\nc", "d\n::progress 5\nta", "il"])).toEqual(["ab", "cd", "::progress 5", "tail"]);
    expect(await read([Buffer.concat([Buffer.from("x"), snow.subarray(0, 1)]), Buffer.concat([snow.subarray(1), Buffer.from("\n")])])).toEqual(["x雪"]);
  });

  it("skips a line longer than 64 KiB without holding it, and reads on after it", async () => {
    const chunk = "y".repeat(1024 * 1024);
    const lines = await read([...Array.from({ length: 20 }, () => chunk), "\n::progress 42\n", "z".repeat(70 * 1024)]);
    expect(lines).toEqual(["::progress 42"]);
  });
});
