import { describe, expect, it } from "vitest";
import { RingBuffer } from "./ring";

describe("terminal ring buffer", () => {
  it("keeps the newest bytes up to its capacity", () => {
    const r = new RingBuffer(10);
    r.push(Buffer.from("hello "));
    r.push(Buffer.from("world"));
    expect(r.contents().toString()).toBe("ello world");
    expect(r.length).toBe(10);
    r.push(Buffer.from("0123456789abc"));
    expect(r.contents().toString()).toBe("3456789abc");
  });

  it("stays bounded under a flood of small chunks", () => {
    const r = new RingBuffer(1024);
    for (let i = 0; i < 100_000; i++) r.push(Buffer.from(`line ${i}\n`));
    expect(r.length).toBe(1024);
    expect(r.contents().toString().endsWith("line 99999\n")).toBe(true);
  });
});
