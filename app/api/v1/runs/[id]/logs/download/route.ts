// GET /api/v1/runs/{id}/logs/download: the run's output as a text file. Auth: user (own runs; admins: any).
import { Readable } from "node:stream";
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";
import { runLogDownload } from "@/server/jobs/run-logs";

export const GET = handle(api.downloadRunLogs, async ({ principal, params, query }) => {
  const { name, stream } = await runLogDownload(principal, params.id, query.file);
  const file = `${name.replace(/[^\w.-]+/g, "_")}.log`;
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: { "content-type": "text/plain; charset=utf-8", "content-disposition": `attachment; filename="${file}"`, "cache-control": "no-store" },
  });
});
