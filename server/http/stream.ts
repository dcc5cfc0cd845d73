import "server-only";

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
