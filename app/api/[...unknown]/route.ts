// Any /api path no route matches: a JSON 404 in the API's error format (not an HTML page).
import { randomUUID } from "node:crypto";
import { errorResponse, AppError } from "@/server/http/errors";

function notFound(req: Request): Response {
  return errorResponse(new AppError("NOT_FOUND", `No API route ${req.method} ${new URL(req.url).pathname}`), randomUUID());
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
