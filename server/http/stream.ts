import "server-only";
import { Readable } from "node:stream";

// Streaming responses: newline-delimited JSON, one object per line, flushed as produced.

export function ndjsonResponse(events: AsyncIterable<unknown>, requestId: string): Response {
  const encoder = new TextEncoder();
  const iterator = events[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(`${JSON.stringify(value)}\n`));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(body, {
    headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store", "x-request-id": requestId },
  });
}

/** Turns callback-style progress into an async iterable: push() events, end() or fail(). */
export function channel<T>() {
  const queue: T[] = [];
  let finished = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  return {
    push(value: T) {
      queue.push(value);
      notify();
    },
    end() {
      finished = true;
      notify();
    },
    async *[Symbol.asyncIterator](): AsyncGenerator<T> {
      for (;;) {
        while (queue.length) yield queue.shift()!;
        if (finished) return;
        await new Promise<void>((r) => (wake = r));
      }
    },
  };
}

/**
 * A CSV download streamed from `lines` (header first). The first line is produced before
 * answering, so a refusal (403) is an error response, not a file.
 */
export async function csvResponse(lines: AsyncGenerator<string>, filename: string): Promise<Response> {
  const first = await lines.next();
  async function* all() {
    if (!first.done) yield first.value;
    yield* lines;
  }
  return new Response(Readable.toWeb(Readable.from(all())) as ReadableStream, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${filename}"`, "cache-control": "no-store" },
  });
}
