// Request input checks: bodies read only up to their limit (by Content-Length and while
// streaming), and lone surrogates found wherever they hide, named by their path.
import { describe, expect, it } from "vitest";
import { AppError } from "./errors";
import { assertWellFormed, declaredTooLarge, illFormedPath, readTextLimited } from "./body";

/** A chunked body (no Content-Length) of `chunks` pieces of `size` bytes; counts what was pulled. */
function streamed(chunks: number, size: number) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === chunks) return controller.close();
      pulled++;
      controller.enqueue(new Uint8Array(size).fill(0x61));
    },
  });
  return { req: new Request("http://x/", { method: "POST", body, duplex: "half" } as RequestInit), pulled: () => pulled };
}

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
}

describe("readTextLimited", () => {
  it("reads a body within the limit", async () => {
    const req = new Request("http://x/", { method: "POST", body: '{"a":"ü"}' });
    expect(await readTextLimited(req, 64)).toBe('{"a":"ü"}');
  });
  it("refuses a declared Content-Length over the limit without reading", async () => {
    const s = streamed(10, 10);
    const headers = new Headers({ "content-length": String(300 * 2 ** 20) });
    const req = new Request("http://x/", { method: "POST", body: s.req.body, headers, duplex: "half" } as RequestInit);
    expect(await code(readTextLimited(req, 1024))).toBe("PAYLOAD_TOO_LARGE");
    expect(s.pulled()).toBeLessThanOrEqual(1);
  });
  it("stops a chunked body at the limit instead of reading all of it", async () => {
    const s = streamed(100_000, 1024); // 100 MB if it were read to the end
    expect(await code(readTextLimited(s.req, 64 * 1024))).toBe("PAYLOAD_TOO_LARGE");
    expect(s.pulled()).toBeLessThan(70);
  });
  it("counts bytes, not characters", async () => {
    const req = new Request("http://x/", { method: "POST", body: "é".repeat(40) }); // 80 bytes
    expect(await code(readTextLimited(req, 64))).toBe("PAYLOAD_TOO_LARGE");
  });
  it("treats a malformed Content-Length as too large", () => {
    expect(declaredTooLarge("12abc", 100)).toBe(true);
    expect(declaredTooLarge("-1", 100)).toBe(true);
    expect(declaredTooLarge("100", 100)).toBe(false);
    expect(declaredTooLarge(undefined, 100)).toBe(false);
  });
});

describe("well-formed strings", () => {
  it("finds lone surrogates in values and keys, at any depth", () => {
    expect(illFormedPath({ a: "ok", b: ["x", { c: "\ud800" }] })).toBe("b.1.c");
    expect(illFormedPath({ "k\udc00": 1 })).toBe("k\udc00");
    expect(illFormedPath("\udfff")).toBe("");
    expect(illFormedPath({ emoji: "😀", cjk: "显卡", n: 1, z: null })).toBeNull();
  });
  it("answers a 400 naming the field", () => {
    try {
      assertWellFormed({ username: "\ud800" }, "body");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).status).toBe(400);
      expect((err as AppError).issues).toEqual([
        { path: "username", message: expect.stringContaining("lone surrogate"), key: "serverMessages.issues.unicode" },
      ]);
    }
  });
});
