import type { z } from "zod";
import type { ErrorCode } from "./errors";

// One endpoint = one entry of the API contract: the route handler, the OpenAPI document
// and the browser client all read the same definition.

export type AuthMode = "public" | "user" | "admin";
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export type Endpoint = {
  method: HttpMethod;
  /** OpenAPI-style path, e.g. /api/v1/users/{id}. */
  path: string;
  auth: AuthMode;
  summary: string;
  tag: string;
  /**
   * The audit action a state-changing endpoint records (instance.create): one event per
   * request, in the change's transaction; required of every POST, PUT, PATCH and DELETE.
   */
  audit?: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** JSON response schema; absent for 204 responses and for non-JSON bodies (see `produces`). */
  response?: z.ZodType;
  /** Success status; 200 by default. */
  status?: 200 | 201 | 202 | 204;
  /** Content type of a non-JSON response (CSV, HTML ...). */
  produces?: string;
  /** Error codes worth documenting beyond the ones every endpoint can answer. */
  errors?: ErrorCode[];
  /** Exempt from the per-principal API rate limit (health probes). */
  unlimited?: boolean;
  /** Largest request body in bytes; DEFAULT_MAX_BODY_BYTES unless the route needs more. */
  maxBodyBytes?: number;
};

/** What a request body may weigh unless its endpoint says otherwise: every form fits. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

export const maxBodyBytesOf = (e: Pick<Endpoint, "maxBodyBytes">): number => e.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

export function endpoint<const E extends Endpoint>(e: E): E {
  return e;
}

type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;
type InferIn<S> = S extends z.ZodType ? z.input<S> : undefined;

export type EndpointParams<E extends Endpoint> = Infer<E["params"]>;
export type EndpointQuery<E extends Endpoint> = Infer<E["query"]>;
export type EndpointBody<E extends Endpoint> = Infer<E["body"]>;
/** What a client receives. */
export type EndpointResponse<E extends Endpoint> = Infer<E["response"]>;
export type EndpointRequest<E extends Endpoint> = {
  params?: InferIn<E["params"]>;
  query?: InferIn<E["query"]>;
  body?: InferIn<E["body"]>;
};
