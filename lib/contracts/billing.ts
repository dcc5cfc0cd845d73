import { z } from "zod";
import { ZId, ZIdParams, ZNullableTimestamp, ZPage, ZPageQuery, ZTimestamp } from "./common";
import { endpoint } from "./endpoint";

// Billing: the ledger (every change of a balance, append-only), the running-time meter's
// summary, recharge codes, and the administrators' adjustments, revenue and platform stats.

export const LEDGER_KINDS = ["recharge", "usage", "adjustment", "refund"] as const;
export const ZLedgerKind = z.enum(LEDGER_KINDS);
export type TLedgerKind = z.infer<typeof ZLedgerKind>;

/** The largest amount one code, adjustment or balance may hold: ¥1,000,000 (balances are 32-bit). */
export const MAX_AMOUNT_CENTS = 100_000_000;

const ZTime = z.iso.datetime({ offset: true, error: "must be an ISO-8601 time" });

export const ZLedgerEntry = z.object({
  id: z.string(),
  userId: z.string(),
  kind: ZLedgerKind,
  /** Signed: credits positive, charges negative. */
  amountCents: z.number().int(),
  balanceAfterCents: z.number().int(),
  instanceId: z.string().nullable(),
  /** The instance's name, for usage and refunds. */
  instanceName: z.string().nullable(),
  /** Recharges: the code's last characters and its batch's description. */
  recharge: z.object({ codeHint: z.string(), description: z.string() }).nullable(),
  /** The server's note in English (adjustments: the administrator's reason); pages say the rest from the fields. */
  note: z.string().nullable(),
  periodStart: ZNullableTimestamp,
  periodEnd: ZNullableTimestamp,
  createdAt: ZTimestamp,
});
export type TLedgerEntry = z.infer<typeof ZLedgerEntry>;

export const ZLedgerQuery = ZPageQuery.extend({
  kind: ZLedgerKind.optional(),
  from: ZTime.optional(),
  to: ZTime.optional(),
  /** Administrators: another user's ledger. */
  userId: ZId.optional(),
  /** Only this instance's entries (usage and refunds). */
  instanceId: ZId.optional(),
}).refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: "must be after from", path: ["to"] });
export type TLedgerQuery = z.infer<typeof ZLedgerQuery>;

const ZUtcOffset = z.coerce
  .number({ error: "must be a number" })
  .int("must be a whole number")
  .min(-840, "must be at least -840")
  .max(840, "must be at most 840");

export const USAGE_GROUPS = ["day", "instance"] as const;

export const ZUsageQuery = z
  .object({
    from: ZTime.optional(),
    to: ZTime.optional(),
    /** day: a row per instance and day (of the charges, at the viewer's midnight: utcOffset); instance: a row per instance. */
    groupBy: z.enum(USAGE_GROUPS, { error: "must be day or instance" }).default("day"),
    /** Minutes to add to UTC for the viewer's local time; 0 by default. */
    utcOffset: ZUtcOffset.optional(),
    instanceId: ZId.optional(),
    /** Administrators: another user's usage. */
    userId: ZId.optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: "must be after from", path: ["to"] })
  .refine((q) => !q.from || Date.parse(q.to ?? new Date().toISOString()) - Date.parse(q.from) <= 366 * 86_400_000, {
    message: "must be within 366 days of to",
    path: ["from"],
  });
export type TUsageQuery = z.input<typeof ZUsageQuery>;

export const ZUsageRow = z.object({
  instanceId: z.string(),
  instanceName: z.string(),
  specName: z.string(),
  /** The local day (YYYY-MM-DD) of the charges; null when grouped per instance. */
  day: z.string().nullable(),
  /** Charged, net of refunds. */
  usageCents: z.number().int(),
  /** Running time charged, net of refunded time. */
  runningSeconds: z.number().int(),
});
export type TUsageRow = z.infer<typeof ZUsageRow>;

export const ZUsage = z.object({
  from: ZTimestamp,
  to: ZTimestamp,
  groupBy: z.enum(USAGE_GROUPS),
  /** Newest day first, then the largest cost. */
  items: z.array(ZUsageRow),
  usageCents: z.number().int(),
  runningSeconds: z.number().int(),
});
export type TUsage = z.infer<typeof ZUsage>;

export const ZBillingSummary = z.object({
  balanceCents: z.number().int(),
  /** What the user's running instances cost per hour together. */
  burnCentsPerHour: z.number().int(),
  runningInstances: z.number().int(),
  /** How long the balance lasts at that rate; null when nothing is charged. */
  secondsLeft: z.number().int().nullable(),
  /** secondsLeft is under the warning threshold (or the balance is used up while instances run). */
  lowBalance: z.boolean(),
  lowBalanceMinutes: z.number().int(),
  /** Launching or starting needs this many minutes of the spec's price. */
  minBalanceMinutes: z.number().int(),
});
export type TBillingSummary = z.infer<typeof ZBillingSummary>;

export const ZAdjustmentRequest = z
  .object({
    amountCents: z
      .number({ error: "must be a number of cents" })
      .int("must be a whole number of cents")
      .refine((n) => n !== 0, "must not be zero")
      .refine((n) => Math.abs(n) <= MAX_AMOUNT_CENTS, `must be at most ${MAX_AMOUNT_CENTS} cents either way`),
    reason: z.string().trim().min(1, "is required").max(500, "must be at most 500 characters"),
    /** A retry with the same key (a double submit, a timeout) makes no second entry: it answers the first. */
    idempotencyKey: z.string().trim().min(8, "must be at least 8 characters").max(100, "must be at most 100 characters").optional(),
  })
  .strict();

export const ZInvariantReport = z.object({
  ok: z.boolean(),
  usersChecked: z.number().int(),
  mismatches: z.array(z.object({ userId: z.string(), username: z.string(), balanceCents: z.number().int(), ledgerSumCents: z.number().int() })),
});

export const ZRevenueQuery = z
  .object({
    from: ZTime.optional(),
    to: ZTime.optional(),
    /** Minutes to add to UTC for the viewer's local time (days are cut at local midnight); 0 by default. */
    utcOffset: ZUtcOffset.optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: "must be after from", path: ["to"] })
  .refine((q) => !q.from || Date.parse(q.to ?? new Date().toISOString()) - Date.parse(q.from) <= 366 * 86_400_000, {
    message: "must be within 366 days of to",
    path: ["from"],
  });

export const ZRevenue = z.object({
  from: ZTimestamp,
  to: ZTimestamp,
  /** Usage charged, net of refunds. */
  usageCents: z.number().int(),
  rechargeCents: z.number().int(),
  byDay: z.array(z.object({ day: z.string(), usageCents: z.number().int(), rechargeCents: z.number().int() })),
  bySpec: z.array(z.object({ specName: z.string(), usageCents: z.number().int() })),
});
export type TRevenue = z.infer<typeof ZRevenue>;

export const ZAdminStats = z.object({
  users: z.object({ total: z.number().int(), active: z.number().int(), activeLast30Days: z.number().int() }),
  instances: z.record(z.string(), z.number().int()),
  nodes: z.object({ total: z.number().int(), online: z.number().int() }),
  gpus: z.object({ total: z.number().int(), busy: z.number().int(), idle: z.number().int() }),
  revenue: z.object({ totalCents: z.number().int(), last30DaysCents: z.number().int() }),
  balances: z.object({ totalCents: z.number().int() }),
});
export type TAdminStats = z.infer<typeof ZAdminStats>;

// --- Recharge codes -------------------------------------------------------------------------

export const ZCreateCodesRequest = z
  .object({
    amountCents: z
      .number({ error: "must be a number of cents" })
      .int("must be a whole number of cents")
      .min(1, "must be at least 1")
      .max(MAX_AMOUNT_CENTS, `must be at most ${MAX_AMOUNT_CENTS}`),
    count: z.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(1000, "must be at most 1000"),
    maxUses: z
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(100_000, "must be at most 100000")
      .default(1),
    expiresAt: ZTime.nullable()
      .optional()
      .refine((t) => !t || Date.parse(t) > Date.now(), "must be in the future"),
    description: z.string().trim().min(1, "is required").max(200, "must be at most 200 characters"),
  })
  .strict();
export type TCreateCodesRequest = z.input<typeof ZCreateCodesRequest>;

export const ZRechargeBatch = z.object({
  id: z.string(),
  amountCents: z.number().int(),
  count: z.number().int(),
  maxUses: z.number().int(),
  expiresAt: ZNullableTimestamp,
  description: z.string(),
  createdBy: z.string().nullable(),
  disabledAt: ZNullableTimestamp,
  createdAt: ZTimestamp,
  /** Codes with at least one use, redemptions, and the money they brought in. */
  usedCodes: z.number().int(),
  redemptions: z.number().int(),
  redeemedCents: z.number().int(),
});
export type TRechargeBatch = z.infer<typeof ZRechargeBatch>;

export const CODE_STATUSES = ["active", "used_up", "expired", "disabled"] as const;

export const ZRechargeCode = z.object({
  id: z.string(),
  batchId: z.string(),
  /** The code's last characters (the code itself is not stored). */
  hint: z.string(),
  uses: z.number().int(),
  maxUses: z.number().int(),
  status: z.enum(CODE_STATUSES),
  disabledAt: ZNullableTimestamp,
  createdAt: ZTimestamp,
  /** Who redeemed it, newest first (at most 5). */
  redeemedBy: z.array(z.object({ username: z.string(), at: ZTimestamp })),
});
export type TRechargeCode = z.infer<typeof ZRechargeCode>;

export const ZCreatedCodes = z.object({
  batch: ZRechargeBatch,
  /** The codes, shown this once. */
  codes: z.array(z.string()),
});

export const ZCodeStatusQuery = ZPageQuery.extend({ status: z.enum(CODE_STATUSES).optional() });

export const ZRedeemRequest = z.object({ code: z.string().trim().min(1, "is required").max(64, "is not a recharge code") }).strict();
export const ZRedeemResult = z.object({ amountCents: z.number().int(), balanceCents: z.number().int(), recordId: z.string() });

export const ZRechargeRecord = z.object({
  id: z.string(),
  amountCents: z.number().int(),
  codeHint: z.string(),
  description: z.string(),
  createdAt: ZTimestamp,
});
export type TRechargeRecord = z.infer<typeof ZRechargeRecord>;

export const billingEndpoints = {
  billingSummary: endpoint({
    method: "GET",
    path: "/api/v1/billing/summary",
    auth: "user",
    tag: "Billing",
    summary: "My balance, what my running instances cost per hour, and how long the balance lasts",
    response: ZBillingSummary,
  }),
  listLedger: endpoint({
    method: "GET",
    path: "/api/v1/billing/ledger",
    auth: "user",
    tag: "Billing",
    summary: "My ledger, newest first (administrators: any user's with userId); filter by kind and time",
    query: ZLedgerQuery,
    response: ZPage(ZLedgerEntry),
    errors: ["FORBIDDEN"],
  }),
  billingUsage: endpoint({
    method: "GET",
    path: "/api/v1/billing/usage",
    auth: "user",
    tag: "Billing",
    summary:
      "My usage per instance and day (or per instance), summed from the ledger: cost net of refunds and running time (default: the last 30 days; administrators: any user's with userId)",
    query: ZUsageQuery,
    response: ZUsage,
    errors: ["FORBIDDEN"],
  }),
  exportLedger: endpoint({
    method: "GET",
    path: "/api/v1/billing/ledger/export",
    auth: "user",
    tag: "Billing",
    summary: "The same ledger as CSV (all matching entries)",
    query: ZLedgerQuery,
    produces: "text/csv",
    errors: ["FORBIDDEN"],
  }),
  createAdjustment: endpoint({
    method: "POST",
    path: "/api/v1/admin/users/{id}/adjustments",
    audit: "billing.adjust",
    auth: "admin",
    tag: "Billing",
    summary: "Credit or debit a user's balance with a reason (a ledger entry of kind adjustment)",
    params: ZIdParams,
    body: ZAdjustmentRequest,
    response: ZLedgerEntry,
    status: 201,
    errors: ["NOT_FOUND", "BALANCE_LIMIT"],
  }),
  billingInvariant: endpoint({
    method: "GET",
    path: "/api/v1/admin/billing/invariant",
    auth: "admin",
    tag: "Billing",
    summary: "Checks that every user's balance equals the sum of their ledger entries",
    response: ZInvariantReport,
  }),
  revenue: endpoint({
    method: "GET",
    path: "/api/v1/admin/billing/revenue",
    auth: "admin",
    tag: "Billing",
    summary: "Usage revenue (net of refunds) and recharges per day (cut at the viewer's midnight: utcOffset), and usage per spec (default: the last 30 days)",
    query: ZRevenueQuery,
    response: ZRevenue,
  }),
  adminStats: endpoint({
    method: "GET",
    path: "/api/v1/admin/stats",
    auth: "admin",
    tag: "Billing",
    summary: "Platform statistics: users, instances by status, nodes, GPUs, revenue",
    response: ZAdminStats,
  }),
  createRechargeCodes: endpoint({
    method: "POST",
    path: "/api/v1/recharge/codes",
    audit: "recharge.create_codes",
    auth: "admin",
    tag: "Recharge",
    summary: "Generates a batch of recharge codes; the codes are in this response only",
    body: ZCreateCodesRequest,
    response: ZCreatedCodes,
    status: 201,
  }),
  listRechargeBatches: endpoint({
    method: "GET",
    path: "/api/v1/recharge/batches",
    auth: "admin",
    tag: "Recharge",
    summary: "Recharge-code batches with their usage, newest first",
    query: ZPageQuery,
    response: ZPage(ZRechargeBatch),
  }),
  listBatchCodes: endpoint({
    method: "GET",
    path: "/api/v1/recharge/batches/{id}/codes",
    auth: "admin",
    tag: "Recharge",
    summary: "A batch's codes (hint, uses, status)",
    params: ZIdParams,
    query: ZCodeStatusQuery,
    response: ZPage(ZRechargeCode),
    errors: ["NOT_FOUND"],
  }),
  disableRechargeBatch: endpoint({
    method: "POST",
    path: "/api/v1/recharge/batches/{id}/disable",
    audit: "recharge.disable_batch",
    auth: "admin",
    tag: "Recharge",
    summary: "Disables every code of a batch (idempotent)",
    params: ZIdParams,
    response: ZRechargeBatch,
    errors: ["NOT_FOUND"],
  }),
  disableRechargeCode: endpoint({
    method: "POST",
    path: "/api/v1/recharge/codes/{id}/disable",
    audit: "recharge.disable_code",
    auth: "admin",
    tag: "Recharge",
    summary: "Disables one code (idempotent)",
    params: ZIdParams,
    response: ZRechargeCode,
    errors: ["NOT_FOUND"],
  }),
  redeemRechargeCode: endpoint({
    method: "POST",
    path: "/api/v1/recharge/redeem",
    audit: "recharge.redeem",
    auth: "user",
    tag: "Recharge",
    summary: "Redeems a recharge code into my balance",
    body: ZRedeemRequest,
    response: ZRedeemResult,
    errors: [
      "RECHARGE_CODE_UNKNOWN",
      "RECHARGE_CODE_EXPIRED",
      "RECHARGE_CODE_USED_UP",
      "RECHARGE_CODE_DISABLED",
      "RECHARGE_CODE_REDEEMED",
      "REDEEM_LOCKED",
      "BALANCE_LIMIT",
    ],
  }),
  listRechargeRecords: endpoint({
    method: "GET",
    path: "/api/v1/recharge/records",
    auth: "user",
    tag: "Recharge",
    summary: "My redeemed codes, newest first",
    query: ZPageQuery,
    response: ZPage(ZRechargeRecord),
  }),
};
