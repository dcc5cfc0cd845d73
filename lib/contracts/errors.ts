// Error codes the API answers with, and the HTTP status of each. Browser-safe: the UI
// switches on codes to show translated messages.

export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  ACCOUNT_DISABLED: 401,
  FORBIDDEN: 403,
  ORIGIN_REFUSED: 403,
  REGISTRATION_DISABLED: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  CONFLICT: 409,
  NO_CAPACITY: 409,
  INVALID_STATE: 409,
  NODE_UNREACHABLE: 409,
  UNPROCESSABLE: 422,
  INSUFFICIENT_BALANCE: 422,
  BALANCE_LIMIT: 422,
  RECHARGE_CODE_UNKNOWN: 404,
  RECHARGE_CODE_EXPIRED: 422,
  RECHARGE_CODE_USED_UP: 422,
  RECHARGE_CODE_DISABLED: 422,
  RECHARGE_CODE_REDEEMED: 409,
  REDEEM_LOCKED: 429,
  RATE_LIMITED: 429,
  ACCOUNT_LOCKED: 429,
  INTERNAL: 500,
  ENGINE_ERROR: 502,
  CLUSTER_UNREACHABLE: 502,
  CLUSTER_AUTH_FAILED: 502,
  CLUSTER_ERROR: 502,
  UNAVAILABLE: 503,
  MAINTENANCE: 503,
  LIMIT_REACHED: 409,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** A parameter of a message: a value, or a part already rendered in each locale (a nested message, a list). */
export type TMessageParam = string | number | { "en-US": string; "zh-CN": string };
/** A server message as a dictionary key (lib/i18n `serverMessages.*`, `errors.*`) and its parameters. */
export type TMessageRef = { key: string; params?: Record<string, TMessageParam> };

/** One problem with the input; `key`/`params` say `message` in the reader's language. */
export type ErrorIssue = { path: string; message: string; key?: string; params?: Record<string, TMessageParam> };

export type ErrorBody = {
  error: {
    code: ErrorCode;
    /** English, for scripts and logs. */
    message: string;
    /** The same message as a dictionary key and parameters, for clients that translate. */
    messageKey: string;
    params: Record<string, TMessageParam>;
    requestId: string;
    issues?: ErrorIssue[];
  };
};
