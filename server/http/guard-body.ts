import "server-only";
import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { DEFAULT_MAX_BODY_BYTES } from "@/lib/contracts/endpoint";
import { assertWellFormed, readTextLimited } from "./body";
import { AppError, errorResponse, ref } from "./errors";

// The body rules of handle() (size limit while reading, well-formed strings) for route
// handlers that are not ours: next-auth's sign-in endpoints read the body themselves.

type Handler<C> = (req: NextRequest, ctx: C) => Promise<Response>;

async function checkedCopy(req: NextRequest, limit: number): Promise<NextRequest> {
  const text = await readTextLimited(req, limit);
  const type = req.headers.get("content-type") ?? "";
  if (type.includes("application/json") && text.trim() !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new AppError("INVALID_JSON", ref("serverMessages.invalidJson"));
    }
    assertWellFormed(parsed, "body");
  }
  return new NextRequest(req.url, { method: req.method, headers: req.headers, body: text });
}

export function guardBody<C>(handler: Handler<C>, limit = DEFAULT_MAX_BODY_BYTES): Handler<C> {
  return async (req, ctx) => {
    if (req.method === "GET" || req.method === "HEAD") return handler(req, ctx);
    let checked: NextRequest;
    try {
      checked = await checkedCopy(req, limit);
    } catch (err) {
      return errorResponse(err, randomUUID());
    }
    return handler(checked, ctx);
  };
}
