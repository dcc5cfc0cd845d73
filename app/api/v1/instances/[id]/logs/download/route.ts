// GET /api/v1/instances/{id}/logs/download?timestamps=: the whole log as a text file.
// Auth: user (own instances; admins: any).
import { Readable } from "node:stream";
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { instanceLogDownload } from "@/server/instances/logs";

export const GET = handle(api.downloadInstanceLogs, async ({ principal, params, query }) => {
  const { name, stream } = await instanceLogDownload(principal, params.id, query.timestamps ?? false);
  const file = `${name.replace(/[^\w.-]+/g, "_")}.log`;
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: { "content-type": "text/plain; charset=utf-8", "content-disposition": `attachment; filename="${file}"`, "cache-control": "no-store" },
  });
});
