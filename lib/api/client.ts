import type { Endpoint, EndpointRequest, EndpointResponse } from "../contracts/endpoint";
import type { ErrorBody, ErrorCode, ErrorIssue, TMessageRef } from "../contracts/errors";

// The browser's API client: typed by the same endpoint contracts the server uses.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | "NETWORK",
    message: string,
    readonly issues: ErrorIssue[] = [],
    readonly retryAfterSeconds?: number,
    readonly requestId?: string,
    /** The message as a dictionary key and parameters (messageKey/params of the answer). */
    readonly ref?: TMessageRef,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function buildPath(path: string, params?: Record<string, unknown>, query?: Record<string, unknown>): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(params?.[name] ?? "")));
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== "") qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${filled}?${s}` : filled;
}

export async function call<E extends Endpoint>(endpoint: E, req: EndpointRequest<E> = {}): Promise<EndpointResponse<E>> {
  const url = buildPath(endpoint.path, req.params as Record<string, unknown>, req.query as Record<string, unknown>);
  let res: Response;
  try {
    res = await fetch(url, {
      method: endpoint.method,
      credentials: "same-origin",
      headers: req.body !== undefined ? { "content-type": "application/json" } : undefined,
      body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
    });
  } catch {
    throw new ApiError(0, "NETWORK", "Network error");
  }
  if (res.status === 204) return undefined as EndpointResponse<E>;
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (data as ErrorBody | null)?.error;
    const retry = Number(res.headers.get("retry-after"));
    throw new ApiError(
      res.status,
      e?.code ?? "INTERNAL",
      e?.message ?? `HTTP ${res.status}`,
      e?.issues ?? [],
      Number.isFinite(retry) && retry > 0 ? retry : undefined,
      e?.requestId,
      e?.messageKey ? { key: e.messageKey, params: e.params ?? {} } : undefined,
    );
  }
  return data as EndpointResponse<E>;
}
