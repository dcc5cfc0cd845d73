import "server-only";
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { type Endpoint, type EndpointBody, type EndpointParams, type EndpointQuery, maxBodyBytesOf } from "@/lib/contracts/endpoint";
import { ref } from "@/lib/i18n/message-ref";
import { actorOf, auditedAction } from "../audit/audit.service";
import { isAdmin } from "../auth/permissions";
import { resolvePrincipal, type Principal } from "../auth/principal";
import { env } from "../env";
import { logger } from "../logger";
import { observeRequest } from "../metrics/exporter";
import { assertWellFormed, readTextLimited } from "./body";
import { clientIp } from "./client-ip";
import { AppError, errorResponse, validationError, zodIssues } from "./errors";
import { checkOrigin } from "./origin";
import { toWire, wireSchema } from "./wire";
import { consumeOrThrow } from "./rate-limit";

// The one route wrapper: declared auth, Origin check for cookie-authenticated writes, rate
// limit, size-limited body, well-formed Unicode in every input string, zod-parsed
// params/query/body, output parsed through the response schema, errors as
// { error: { code, message, messageKey, params, requestId, issues? } }. Handlers are one service call.

type Dated<T> = T extends string ? string | Date : T extends (infer U)[] ? Dated<U>[] : T extends object ? { [K in keyof T]: Dated<T[K]> } : T;

/** The response body (Dates allowed where the wire has ISO strings), or a ready Response. */
// biome-ignore lint/suspicious/noConfusingVoidType: handlers without a body return nothing (void), not undefined
type Result<E extends Endpoint> = E["response"] extends z.ZodType ? Dated<z.input<E["response"]>> | Response : Response | void;

type Principalled<E extends Endpoint> = E["auth"] extends "public" ? Principal | null : Principal;

export type RouteContext<E extends Endpoint> = {
  req: Request;
  params: EndpointParams<E>;
  query: EndpointQuery<E>;
  body: EndpointBody<E>;
  principal: Principalled<E>;
  requestId: string;
  ip: string;
};

type NextContext = { params: Promise<Record<string, string | string[]>> };

function parse<S extends z.ZodType | undefined>(schema: S, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  assertWellFormed(value, where);
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw validationError(zodIssues(result.error, where), where);
}

async function readBody(req: Request, limit: number): Promise<unknown> {
  const text = await readTextLimited(req, limit);
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("INVALID_JSON", ref("serverMessages.invalidJson"));
  }
}

function requestIdOf(req: Request): string {
  const incoming = req.headers.get("x-request-id");
  return incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
}

export function handle<E extends Endpoint>(endpoint: E, fn: (ctx: RouteContext<E>) => Promise<Result<E>>) {
  return async (req: Request, next: NextContext): Promise<Response> => {
    const started = performance.now();
    const requestId = requestIdOf(req);
    const ip = clientIp(req.headers);
    let principal: Principal | null = null;
    let response: Response;
    try {
      principal = await resolvePrincipal(req.headers);
      const run = async (): Promise<unknown> => {
        if (endpoint.auth !== "public" && !principal) throw new AppError("UNAUTHENTICATED", ref("serverMessages.signInFirst"));
        if (endpoint.auth === "admin" && principal && !isAdmin(principal)) {
          throw new AppError("FORBIDDEN", ref("serverMessages.adminsOnly"));
        }
        if (principal?.via === "session") checkOrigin(req);
        if (!endpoint.unlimited) {
          await consumeOrThrow("api", principal ? `u:${principal.userId}` : `ip:${ip}`);
        }
        if (endpoint.auth === "admin" && endpoint.audit && principal) {
          await consumeOrThrow(
            "admin-ops",
            principal.userId,
            "RATE_LIMITED",
            `Too many administrative changes (at most ${env().RATE_LIMIT_ADMIN_PER_MIN} a minute)`,
          );
        }
        const url = new URL(req.url);
        const ctx = {
          req,
          requestId,
          ip,
          principal,
          params: parse(endpoint.params, rawParams, "path"),
          query: parse(endpoint.query, Object.fromEntries(url.searchParams), "query"),
          body: endpoint.body ? parse(endpoint.body, await readBody(req, maxBodyBytesOf(endpoint)), "body") : undefined,
        } as RouteContext<E>;
        return fn(ctx);
      };
      const rawParams = (await next?.params) ?? {};
      const result = endpoint.audit
        ? await auditedAction(
            {
              action: endpoint.audit,
              actor: actorOf(principal),
              ip,
              userAgent: req.headers.get("user-agent"),
              requestId,
              target: defaultTarget(endpoint.audit, rawParams),
            },
            run,
          )
        : await run();
      response = toResponse(endpoint, result);
    } catch (err) {
      response = errorResponse(err, requestId);
    }
    response.headers.set("x-request-id", requestId);
    observeRequest(endpoint.path, req.method, response.status, (performance.now() - started) / 1000);
    logger.info(
      {
        requestId,
        method: req.method,
        path: new URL(req.url).pathname,
        status: response.status,
        ms: Math.round(performance.now() - started),
        userId: principal?.userId,
      },
      "api",
    );
    return response;
  };
}

/** The path's {id}, as the target of the action's kind (services name it, or a better one). */
function defaultTarget(action: string, params: Record<string, string | string[]>) {
  const id = params.id;
  return typeof id === "string" && /^[\w.-]{1,64}$/.test(id) ? { type: action.split(".")[0]!, id } : undefined;
}

function toResponse(endpoint: Endpoint, result: unknown): Response {
  if (result instanceof Response) return result;
  if (endpoint.status === 204 || !endpoint.response) return new Response(null, { status: 204 });
  // The response schema checks what goes on the wire and drops every field it does not name.
  // Dates are taken as they are where the schema wants timestamps; elsewhere (rare), the
  // result is made JSON-like first and checked again, which also gives the error if it fails.
  const direct = wireSchema(endpoint.response).safeParse(result);
  const wire = direct.success ? direct.data : endpoint.response.parse(toWire(result));
  return Response.json(wire, { status: endpoint.status ?? 200 });
}
