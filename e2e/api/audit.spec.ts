// The audit log from outside: every state-changing route in the OpenAPI document is called
// once for real (a success) and once so that it fails; each success writes exactly one
// event with the route's x-audit-action, each failure by an identified caller exactly one
// failure event with the error code (the documented rule: anonymous 401s and 429s write
// none), and no event holds a secret the request carried or the response gave. A route added
// without a recipe here fails the walk. Then: filters, a user's own events, CSV, and who may read.
import type { APIRequestContext } from "@playwright/test";
import { ADMIN, bearer, expect, login, type TestUser, test, uniq } from "../fixtures";
import { APP_IMAGE, launchSetup, LOCAL_DOCKER, waitForStatus } from "../node-fixtures";
import { registerCluster, SLURM } from "../slurm-fixtures";
import { keygen } from "../ssh-fixtures";

type Call = { method: string; path: string; token?: string; body?: unknown; secrets?: string[] };
type AuditEvent = {
  action: string;
  result: string;
  reason: string | null;
  actor: { id: string | null; name: string | null };
  target: { type: string; id: string | null; name: string | null } | null;
  requestId: string;
};

const FINGERPRINT = `SHA256:${"A".repeat(43)}`;
const randomIp = () => `10.${[0, 0, 0].map(() => 1 + Math.floor(Math.random() * 253)).join(".")}`;

class Walk {
  private readonly ids = new Map<string, Promise<unknown>>();
  constructor(
    readonly api: APIRequestContext,
    readonly admin: string,
  ) {}

  /** A funded user, signed in from an address of its own (sign-ins are throttled per address). */
  async newUser(): Promise<TestUser> {
    const username = `w${uniq()}`;
    const password = `pw-${uniq()}`;
    const made = await this.json("POST", "/api/v1/admin/users", this.admin, { username, email: `${username}@example.com`, password, role: "user" });
    await this.json("POST", `/api/v1/admin/users/${made.id}/adjustments`, this.admin, { amountCents: 100_000, reason: "walk" });
    return { id: made.id, username, email: `${username}@example.com`, password, role: "user", token: await this.signIn(username, password) };
  }

  async signIn(username: string, password: string): Promise<string> {
    const res = await this.api.post("/api/v1/auth/login", { data: { username, password }, headers: { "x-forwarded-for": randomIp() } });
    expect(res.status(), await res.text()).toBe(200);
    return (await res.json()).token;
  }

  /** `what` made once per walk (shared by the recipes that need it). */
  once<T>(what: string, make: () => Promise<T>): Promise<T> {
    if (!this.ids.has(what)) this.ids.set(what, make());
    return this.ids.get(what) as Promise<T>;
  }

  async json<T = { id: string }>(method: string, path: string, token: string, body?: unknown): Promise<T> {
    const res = await this.api.fetch(path, { method, headers: bearer(token), data: body });
    if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
    return (await res.json()) as T;
  }

  user = () => this.once("user", () => this.newUser());
  setup = () => this.once("setup", () => launchSetup(this.api, this.admin, { cpuCores: 16, memoryGb: 32 }));
  async instance(status: "running" | "stopped" = "running") {
    const [u, s] = await Promise.all([this.user(), this.setup()]);
    const made = await this.json("POST", "/api/v1/instances", u.token, { name: `w-${uniq(3)}`, imageId: s.image.id, specId: s.spec.id, nodeId: s.node.id });
    await waitForStatus(this.api, u.token, made.id, "running");
    if (status === "stopped") {
      await this.json("POST", `/api/v1/instances/${made.id}/stop`, u.token);
    }
    return { id: made.id, token: u.token };
  }
  node = () => this.json("POST", "/api/v1/nodes", this.admin, { name: `walk-${uniq()}`, dockerAddress: LOCAL_DOCKER, cpuCores: 1, memoryGb: 1 });
  spec = () => this.json("POST", "/api/v1/specs", this.admin, { name: `walk ${uniq()}`, cpuCores: 1, memoryGb: 1, pricePerHourCents: 1 });
  image = () => this.json("POST", "/api/v1/images", this.admin, { name: `walk ${uniq()}`, address: APP_IMAGE });
  cluster = () => this.once("cluster", () => registerCluster(this.api, this.admin));
  batch = () =>
    this.json<{ batch: { id: string }; codes: string[] }>("POST", "/api/v1/recharge/codes", this.admin, {
      amountCents: 100,
      count: 2,
      maxUses: 1,
      description: `walk ${uniq()}`,
    });
  /** A job whose runs wait in the queue (no node carries its tag). */
  async job() {
    const [u, s] = await Promise.all([this.user(), this.setup()]);
    const job = await this.json("POST", "/api/v1/jobs", u.token, {
      executor: "container",
      name: `walk ${uniq()}`,
      imageId: s.image.id,
      specId: s.spec.id,
      nodeTags: [`nowhere-${uniq()}`],
      trigger: "cron",
      cron: "0 0 1 1 *",
      container: { command: "true" },
    });
    return { id: job.id, token: u.token };
  }
  /** A user's webhook endpoint (to a documentation address: its deliveries are refused, quickly). */
  async webhook() {
    const u = await this.user();
    const made = await this.json<{ id: string; secret: string }>("POST", "/api/v1/webhooks", u.token, {
      url: `https://203.0.113.10/hook/${uniq(8)}`,
      eventTypes: ["instance.running"],
    });
    return { id: made.id, secret: made.secret, token: u.token };
  }
  async queuedRun() {
    const job = await this.job();
    const run = await this.json("POST", `/api/v1/jobs/${job.id}/trigger`, job.token);
    return { id: run.id, token: job.token };
  }
}

/** A valid call of each state-changing route; the key is the OpenAPI method and path. */
const RECIPES: Record<string, (w: Walk) => Promise<Call>> = {
  "POST /api/v1/auth/login": async (w) => {
    const u = await w.newUser();
    return { method: "POST", path: "/api/v1/auth/login", body: { username: u.username, password: u.password }, secrets: [u.password] };
  },
  "POST /api/v1/auth/register": async () => {
    const name = `r${uniq()}`;
    const password = `pw-${uniq(8)}`;
    return { method: "POST", path: "/api/v1/auth/register", body: { username: name, email: `${name}@example.com`, password }, secrets: [password] };
  },
  "POST /api/v1/auth/logout": async (w) => {
    const u = await w.newUser();
    return { method: "POST", path: "/api/v1/auth/logout", token: await w.signIn(u.username, u.password) };
  },
  "POST /api/v1/admin/users/{id}/adjustments": async (w) => ({
    method: "POST",
    path: `/api/v1/admin/users/${(await w.user()).id}/adjustments`,
    token: w.admin,
    body: { amountCents: 1, reason: "walk" },
  }),
  "POST /api/v1/recharge/codes": async (w) => ({
    method: "POST",
    path: "/api/v1/recharge/codes",
    token: w.admin,
    body: { amountCents: 100, count: 2, maxUses: 1, description: `walk ${uniq()}` },
  }),
  "POST /api/v1/recharge/batches/{id}/disable": async (w) => ({
    method: "POST",
    path: `/api/v1/recharge/batches/${(await w.batch()).batch.id}/disable`,
    token: w.admin,
  }),
  "POST /api/v1/recharge/codes/{id}/disable": async (w) => {
    const { batch } = await w.batch();
    const codes = await w.json<{ items: { id: string }[] }>("GET", `/api/v1/recharge/batches/${batch.id}/codes`, w.admin);
    return { method: "POST", path: `/api/v1/recharge/codes/${codes.items[0]!.id}/disable`, token: w.admin };
  },
  "POST /api/v1/recharge/redeem": async (w) => {
    const { codes } = await w.batch();
    return { method: "POST", path: "/api/v1/recharge/redeem", token: (await w.user()).token, body: { code: codes[0] }, secrets: [codes[0]!] };
  },
  "POST /api/v1/clusters": async (w) => {
    const secret = SLURM.key();
    return {
      method: "POST",
      path: "/api/v1/clusters",
      token: w.admin,
      body: { name: `walk-${uniq(4)}`, url: SLURM.url, authMode: "key", authSecret: secret, serviceUser: "root" },
      secrets: [secret],
    };
  },
  "PATCH /api/v1/clusters/{id}": async (w) => ({
    method: "PATCH",
    path: `/api/v1/clusters/${(await w.cluster()).id}`,
    token: w.admin,
    body: { name: `walk-${uniq(4)}` },
  }),
  "DELETE /api/v1/clusters/{id}": async (w) => {
    const c = await registerCluster(w.api, w.admin);
    return { method: "DELETE", path: `/api/v1/clusters/${c.id}`, token: w.admin };
  },
  "POST /api/v1/clusters/{id}/test": async (w) => ({ method: "POST", path: `/api/v1/clusters/${(await w.cluster()).id}/test`, token: w.admin }),
  "POST /api/v1/clusters/{id}/ssh-host-key": async (w) => ({
    method: "POST",
    path: `/api/v1/clusters/${(await registerCluster(w.api, w.admin)).id}/ssh-host-key`,
    token: w.admin,
    body: { hostKey: FINGERPRINT },
  }),
  "PUT /api/v1/clusters/{id}/users/{userId}": async (w) => ({
    method: "PUT",
    path: `/api/v1/clusters/${(await w.cluster()).id}/users/${(await w.newUser()).id}`,
    token: w.admin,
    body: { slurmUser: SLURM.users[0] },
  }),
  "DELETE /api/v1/clusters/{id}/users/{userId}": async (w) => {
    const c = await w.cluster();
    const u = await w.newUser();
    await w.json("PUT", `/api/v1/clusters/${c.id}/users/${u.id}`, w.admin, { slurmUser: SLURM.users[1] });
    return { method: "DELETE", path: `/api/v1/clusters/${c.id}/users/${u.id}`, token: w.admin };
  },
  "POST /api/v1/images": async (w) => ({ method: "POST", path: "/api/v1/images", token: w.admin, body: { name: `walk ${uniq()}`, address: APP_IMAGE } }),
  "PATCH /api/v1/images/{id}": async (w) => ({
    method: "PATCH",
    path: `/api/v1/images/${(await w.image()).id}`,
    token: w.admin,
    body: { description: "walked" },
  }),
  "DELETE /api/v1/images/{id}": async (w) => ({ method: "DELETE", path: `/api/v1/images/${(await w.image()).id}`, token: w.admin }),
  "POST /api/v1/images/{id}/pull": async (w) => {
    const s = await w.setup();
    return { method: "POST", path: `/api/v1/images/${s.image.id}/pull`, token: w.admin, body: { nodeId: s.node.id } };
  },
  "POST /api/v1/instances": async (w) => {
    const [u, s] = await Promise.all([w.user(), w.setup()]);
    return {
      method: "POST",
      path: "/api/v1/instances",
      token: u.token,
      body: { name: `w-${uniq(3)}`, imageId: s.image.id, specId: s.spec.id, nodeId: s.node.id },
    };
  },
  "PATCH /api/v1/instances/{id}": async (w) => {
    const i = await w.once("instance", () => w.instance());
    return { method: "PATCH", path: `/api/v1/instances/${i.id}`, token: i.token, body: { remark: "walked" } };
  },
  "POST /api/v1/instances/{id}/restart": async (w) => {
    const i = await w.instance();
    return { method: "POST", path: `/api/v1/instances/${i.id}/restart`, token: i.token };
  },
  "POST /api/v1/instances/{id}/stop": async (w) => {
    const i = await w.instance();
    return { method: "POST", path: `/api/v1/instances/${i.id}/stop`, token: i.token };
  },
  "POST /api/v1/instances/{id}/start": async (w) => {
    const i = await w.instance("stopped");
    return { method: "POST", path: `/api/v1/instances/${i.id}/start`, token: i.token, body: {} };
  },
  "DELETE /api/v1/instances/{id}": async (w) => {
    const i = await w.instance();
    return { method: "DELETE", path: `/api/v1/instances/${i.id}`, token: i.token };
  },
  "POST /api/v1/jobs": async (w) => {
    const [u, s] = await Promise.all([w.user(), w.setup()]);
    // Credentials under names no rule could guess: a job's values are never kept.
    const dsn = `postgres://app:${uniq(8)}@db/app`;
    const command = `curl -H 'X-Api: ${uniq(8)}' https://example.com`;
    return {
      method: "POST",
      path: "/api/v1/jobs",
      token: u.token,
      body: {
        executor: "container",
        name: `walk ${uniq()}`,
        imageId: s.image.id,
        specId: s.spec.id,
        trigger: "cron",
        cron: "0 0 1 1 *",
        container: { command, env: { DATABASE_URL: dsn } },
      },
      secrets: [dsn, command],
    };
  },
  "PATCH /api/v1/jobs/{id}": async (w) => {
    const j = await w.job();
    const dsn = `postgres://app:${uniq(8)}@db/app`;
    return {
      method: "PATCH",
      path: `/api/v1/jobs/${j.id}`,
      token: j.token,
      body: { description: "walked", container: { command: "true", env: { DSN: dsn } } },
      secrets: [dsn],
    };
  },
  "DELETE /api/v1/jobs/{id}": async (w) => {
    const j = await w.job();
    return { method: "DELETE", path: `/api/v1/jobs/${j.id}`, token: j.token };
  },
  "POST /api/v1/jobs/{id}/pause": async (w) => {
    const j = await w.job();
    return { method: "POST", path: `/api/v1/jobs/${j.id}/pause`, token: j.token };
  },
  "POST /api/v1/jobs/{id}/resume": async (w) => {
    const j = await w.job();
    await w.json("POST", `/api/v1/jobs/${j.id}/pause`, j.token);
    return { method: "POST", path: `/api/v1/jobs/${j.id}/resume`, token: j.token };
  },
  "POST /api/v1/jobs/{id}/disable": async (w) => {
    const j = await w.job();
    return { method: "POST", path: `/api/v1/jobs/${j.id}/disable`, token: j.token };
  },
  "POST /api/v1/jobs/{id}/trigger": async (w) => {
    const j = await w.job();
    return { method: "POST", path: `/api/v1/jobs/${j.id}/trigger`, token: j.token };
  },
  "POST /api/v1/runs/{id}/cancel": async (w) => {
    const r = await w.queuedRun();
    return { method: "POST", path: `/api/v1/runs/${r.id}/cancel`, token: r.token };
  },
  "POST /api/v1/runs/{id}/retry": async (w) => {
    const r = await w.queuedRun();
    await w.json("POST", `/api/v1/runs/${r.id}/cancel`, r.token);
    return { method: "POST", path: `/api/v1/runs/${r.id}/retry`, token: r.token };
  },
  "PUT /api/v1/workers/{id}": async (w) => ({ method: "PUT", path: `/api/v1/workers/${(await w.node()).id}`, token: w.admin, body: { maxJobs: 2 } }),
  "POST /api/v1/nodes": async (w) => {
    const password = `ssh-${uniq(8)}`;
    return {
      method: "POST",
      path: "/api/v1/nodes",
      token: w.admin,
      body: {
        name: `walk-${uniq()}`,
        dockerAddress: LOCAL_DOCKER,
        cpuCores: 1,
        memoryGb: 1,
        privateIp: "192.0.2.7",
        sshUsername: "root",
        sshPassword: password,
      },
      secrets: [password],
    };
  },
  "PATCH /api/v1/nodes/{id}": async (w) => {
    const password = `ssh-${uniq(8)}`;
    return {
      method: "PATCH",
      path: `/api/v1/nodes/${(await w.node()).id}`,
      token: w.admin,
      body: { privateIp: "192.0.2.8", sshUsername: "root", sshPassword: password },
      secrets: [password],
    };
  },
  "DELETE /api/v1/nodes/{id}": async (w) => ({ method: "DELETE", path: `/api/v1/nodes/${(await w.node()).id}`, token: w.admin }),
  "POST /api/v1/nodes/{id}/test": async (w) => ({ method: "POST", path: `/api/v1/nodes/${(await w.node()).id}/test`, token: w.admin }),
  "POST /api/v1/nodes/{id}/ssh-host-key": async (w) => ({
    method: "POST",
    path: `/api/v1/nodes/${(await w.node()).id}/ssh-host-key`,
    token: w.admin,
    body: { fingerprint: FINGERPRINT },
  }),
  "POST /api/v1/notifications/{id}/read": async (w) => {
    // A running instance's owner whose balance an administrator takes to almost nothing is warned.
    const u = await w.newUser();
    const s = await w.setup();
    const made = await w.json("POST", "/api/v1/instances", u.token, { name: `n-${uniq(3)}`, imageId: s.image.id, specId: s.spec.id, nodeId: s.node.id });
    await waitForStatus(w.api, u.token, made.id, "running");
    const { balanceCents } = await w.json<{ balanceCents: number }>("GET", "/api/v1/billing/summary", u.token);
    await w.json("POST", `/api/v1/admin/users/${u.id}/adjustments`, w.admin, { amountCents: -(balanceCents - 1), reason: "walk" });
    let id = "";
    await expect
      .poll(async () => {
        id = (await w.json<{ items: { id: string }[] }>("GET", "/api/v1/notifications", u.token)).items[0]?.id ?? "";
        return id;
      })
      .not.toBe("");
    return { method: "POST", path: `/api/v1/notifications/${id}/read`, token: u.token };
  },
  "POST /api/v1/notifications/read-all": async (w) => ({ method: "POST", path: "/api/v1/notifications/read-all", token: (await w.newUser()).token }),
  "POST /api/v1/specs": async (w) => ({
    method: "POST",
    path: "/api/v1/specs",
    token: w.admin,
    body: { name: `walk ${uniq()}`, cpuCores: 1, memoryGb: 1, pricePerHourCents: 1 },
  }),
  "PATCH /api/v1/specs/{id}": async (w) => ({ method: "PATCH", path: `/api/v1/specs/${(await w.spec()).id}`, token: w.admin, body: { pricePerHourCents: 2 } }),
  "DELETE /api/v1/specs/{id}": async (w) => ({ method: "DELETE", path: `/api/v1/specs/${(await w.spec()).id}`, token: w.admin }),
  "POST /api/v1/users/me/ssh-keys": async (w) => ({
    method: "POST",
    path: "/api/v1/users/me/ssh-keys",
    token: (await w.user()).token,
    body: { name: "walk", publicKey: keygen("ed25519").pub },
  }),
  "DELETE /api/v1/users/me/ssh-keys/{id}": async (w) => {
    const u = await w.newUser();
    const key = await w.json("POST", "/api/v1/users/me/ssh-keys", u.token, { name: "walk", publicKey: keygen("ed25519").pub });
    return { method: "DELETE", path: `/api/v1/users/me/ssh-keys/${key.id}`, token: u.token };
  },
  "PATCH /api/v1/admin/settings": async (w) => {
    const now = await w.json<{ auditRetentionDays: number }>("GET", "/api/v1/admin/settings", w.admin);
    return { method: "PATCH", path: "/api/v1/admin/settings", token: w.admin, body: { auditRetentionDays: now.auditRetentionDays } };
  },
  "POST /api/v1/users/me/tokens": async (w) => ({ method: "POST", path: "/api/v1/users/me/tokens", token: (await w.user()).token, body: { name: "walk" } }),
  "DELETE /api/v1/users/me/tokens/{id}": async (w) => {
    const u = await w.newUser();
    const t = await w.json("POST", "/api/v1/users/me/tokens", u.token, { name: "walk" });
    return { method: "DELETE", path: `/api/v1/users/me/tokens/${t.id}`, token: u.token };
  },
  "PATCH /api/v1/users/me": async (w) => ({ method: "PATCH", path: "/api/v1/users/me", token: (await w.user()).token, body: { nickname: "Walker" } }),
  "POST /api/v1/users/me/password": async (w) => {
    const u = await w.newUser();
    const next = `pw-${uniq(8)}`;
    return {
      method: "POST",
      path: "/api/v1/users/me/password",
      token: u.token,
      body: { currentPassword: u.password, newPassword: next },
      secrets: [u.password, next],
    };
  },
  "POST /api/v1/admin/users": async (w) => {
    const name = `c${uniq()}`;
    const password = `pw-${uniq(8)}`;
    return {
      method: "POST",
      path: "/api/v1/admin/users",
      token: w.admin,
      body: { username: name, email: `${name}@example.com`, password, role: "user" },
      secrets: [password],
    };
  },
  "PATCH /api/v1/admin/users/{id}": async (w) => ({
    method: "PATCH",
    path: `/api/v1/admin/users/${(await w.newUser()).id}`,
    token: w.admin,
    body: { isActive: false },
  }),
  // A chat service's webhook URL: its path is its credential (the audit log keeps the origin).
  "POST /api/v1/webhooks": async (w) => {
    const path = `services/T0/B0/${uniq(12)}`;
    return {
      method: "POST",
      path: "/api/v1/webhooks",
      token: (await w.user()).token,
      body: { url: `https://203.0.113.10/${path}`, eventTypes: ["instance.running"] },
      secrets: [path],
    };
  },
  "PATCH /api/v1/webhooks/{id}": async (w) => {
    const hook = await w.webhook();
    return { method: "PATCH", path: `/api/v1/webhooks/${hook.id}`, token: hook.token, body: { description: "walk" } };
  },
  "DELETE /api/v1/webhooks/{id}": async (w) => {
    const hook = await w.webhook();
    return { method: "DELETE", path: `/api/v1/webhooks/${hook.id}`, token: hook.token };
  },
  "POST /api/v1/webhooks/{id}/rotate-secret": async (w) => {
    const hook = await w.webhook();
    return { method: "POST", path: `/api/v1/webhooks/${hook.id}/rotate-secret`, token: hook.token, secrets: [hook.secret] };
  },
  "POST /api/v1/webhooks/{id}/test": async (w) => {
    const hook = await w.webhook();
    return { method: "POST", path: `/api/v1/webhooks/${hook.id}/test`, token: hook.token, secrets: [hook.secret] };
  },
  "POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver": async (w) => {
    const hook = await w.webhook();
    const delivery = await w.json("POST", `/api/v1/webhooks/${hook.id}/test`, hook.token);
    return { method: "POST", path: `/api/v1/webhooks/${hook.id}/deliveries/${delivery.id}/redeliver`, token: hook.token, secrets: [hook.secret] };
  },
};

/** The same call made to fail: another id in the path, or a body the contract refuses. */
function failing(route: string, call: Call): Call | null {
  if (route === "POST /api/v1/auth/login") return { ...call, body: { ...(call.body as object), password: "wrong-password" } };
  if (route === "POST /api/v1/auth/logout" || route === "POST /api/v1/notifications/read-all") return null;
  if (/\{\w+\}/.test(route)) return { ...call, path: call.path.replace(/\/[a-z0-9]{20,}(?=\/|$)/g, "/walk-missing-id") };
  return { ...call, body: { unknownField: true } };
}

/** A route's own secrets: the response's token, signing secret or codes. */
const responseSecrets = (body: unknown): string[] => {
  if (!body || typeof body !== "object") return [];
  const b = body as { token?: unknown; secret?: unknown; codes?: unknown };
  return [
    ...(typeof b.token === "string" ? [b.token] : []),
    ...(typeof b.secret === "string" ? [b.secret] : []),
    ...(Array.isArray(b.codes) ? b.codes.filter((c) => typeof c === "string") : []),
  ];
};

async function eventsOf(api: APIRequestContext, admin: string, requestId: string): Promise<(AuditEvent & Record<string, unknown>)[]> {
  const res = await api.get(`/api/v1/admin/audit-events?requestId=${encodeURIComponent(requestId)}`, { headers: bearer(admin) });
  expect(res.status()).toBe(200);
  return (await res.json()).items;
}

test("every state-changing route writes exactly one audit event, none with a secret; a failure writes one failure event", async ({ api, adminToken }) => {
  test.setTimeout(480_000);
  const doc = await (await api.get("/api/openapi.json")).json();
  const routes = Object.entries(doc.paths as Record<string, Record<string, { "x-audit-action"?: string }>>).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => method !== "get")
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, action: op["x-audit-action"] })),
  );
  expect(routes.length).toBeGreaterThan(50);
  expect(routes.filter((r) => !RECIPES[r.key]).map((r) => r.key)).toEqual([]);

  const walk = new Walk(api, adminToken);
  const problems: string[] = [];
  for (const route of routes) {
    const call = await RECIPES[route.key]!(walk);
    // The failure first: it changes nothing, and the success may end the caller's session (a password change).
    for (const [kind, c] of [
      ["failure", failing(route.key, call)],
      ["success", call],
    ] as const) {
      if (!c) continue;
      const requestId = `walk-${uniq(8)}`;
      const headers = { ...(c.token ? bearer(c.token) : {}), "x-request-id": requestId };
      // From an address of its own: the walk signs in more often than one address may.
      const res = await api.fetch(c.path, { method: c.method, headers: { ...headers, "x-forwarded-for": randomIp() }, data: c.body });
      const text = await res.text();
      const ok = res.status() < 300;
      if (ok !== (kind === "success")) {
        problems.push(`${route.key} (${kind}): HTTP ${res.status()} ${text.slice(0, 200)}`);
        continue;
      }
      let body: unknown = null;
      try {
        body = JSON.parse(text);
      } catch {}
      const secrets = [...(c.secrets ?? []), ...responseSecrets(body), ...(c.token ? [c.token] : [])];
      // A pull streams; its event is written when the stream starts.
      const events = await eventsOf(api, adminToken, requestId);
      const want = kind === "success" ? "success" : "failure";
      if (events.length !== 1) problems.push(`${route.key} (${kind}): ${events.length} events`);
      else {
        const [e] = events;
        if (e!.action !== route.action) problems.push(`${route.key}: action ${e!.action}, documented ${route.action}`);
        if (e!.result !== want) problems.push(`${route.key} (${kind}): result ${e!.result}`);
        if (kind === "failure" && !e!.reason) problems.push(`${route.key}: failure without a reason`);
        const row = JSON.stringify(e);
        for (const s of secrets) if (s && row.includes(s)) problems.push(`${route.key} (${kind}): a secret of the request is in the event: ${row}`);
      }
    }
  }
  expect(problems).toEqual([]);
});

test("admins filter the log by actor, action and result, export it as CSV; users read only their own", async ({ api, adminToken, newUser }) => {
  const u = await newUser();
  const h = { headers: bearer(u.token) };
  await api.post("/api/v1/users/me/tokens", { ...h, data: { name: "one" } });
  await api.post("/api/v1/users/me/tokens", { ...h, data: { name: "two" } });
  expect((await api.post("/api/v1/users/me/password", { ...h, data: { currentPassword: "wrong", newPassword: `pw-${uniq(8)}` } })).status()).toBe(401);

  const a = { headers: bearer(adminToken) };
  const mine = await (await api.get(`/api/v1/admin/audit-events?actor=${u.username}&action=token.create`, a)).json();
  expect(mine.total).toBe(2);
  expect(mine.items.map((e: AuditEvent) => e.target?.name)).toEqual(["two", "one"]);
  expect(mine.items[0].actor).toMatchObject({ id: u.id, name: u.username });
  const failed = await (await api.get(`/api/v1/admin/audit-events?actor=${u.username}&result=failure`, a)).json();
  expect(failed.items.map((e: AuditEvent) => [e.action, e.reason])).toEqual([["user.password_change", "INVALID_CREDENTIALS"]]);
  // What was done to the account, by whoever did it.
  const about = await (await api.get(`/api/v1/admin/audit-events?targetType=user&targetId=${u.id}&action=user.*`, a)).json();
  expect(about.items.map((e: AuditEvent) => [e.action, e.actor.name])).toEqual([
    ["user.password_change", u.username],
    ["user.admin_create", "admin"],
  ]);

  const bad = await api.get("/api/v1/admin/audit-events?action=DROP TABLE&from=yesterday&pageSize=500", a);
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["action", "from", "pageSize"]);

  const csv = await api.get(`/api/v1/admin/audit-events/export?actor=${u.username}`, a);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const lines = (await csv.text()).trim().split("\n");
  expect(lines[0]).toMatch(/^createdAt,result,action,actorType,actorName/);
  expect(lines.filter((l) => l.includes(",token.create,"))).toHaveLength(2);

  // A user's own events only, whatever they ask; the admin log is not theirs.
  const own = await (await api.get("/api/v1/users/me/audit-events?pageSize=100", h)).json();
  expect(own.total).toBeGreaterThanOrEqual(4);
  expect(own.items.every((e: AuditEvent) => e.actor.id === u.id)).toBe(true);
  expect((await api.get("/api/v1/admin/audit-events", h)).status()).toBe(403);
  expect((await api.get("/api/v1/users/me/audit-events?actor=admin", h)).status()).toBe(400);
});

test("sign-ins are audited, failed ones with the login tried, never the password", async ({ api, adminToken, newUser }) => {
  const u = await newUser();
  const wrong = `not-${uniq(8)}`;
  expect((await api.post("/api/v1/auth/login", { data: { username: u.username, password: wrong } })).status()).toBe(401);
  expect((await api.post("/api/v1/auth/login", { data: { username: `ghost-${uniq()}`, password: wrong } })).status()).toBe(401);
  await login(api, u.username, u.password);
  const a = { headers: bearer(adminToken) };
  // The account is the target; a failed attempt is nobody's known doing (not the account's owner's).
  const events = (await (await api.get(`/api/v1/admin/audit-events?targetType=user&targetId=${u.id}&action=auth.login`, a)).json()).items as AuditEvent[];
  expect(events.map((e) => [e.result, e.actor.id])).toEqual([
    ["success", u.id],
    ["failure", null],
    ["success", u.id],
  ]);
  const mine = (await (await api.get(`/api/v1/admin/audit-events?actor=${u.username}&action=auth.login`, a)).json()).items as AuditEvent[];
  expect(mine.map((e) => e.result)).toEqual(["success", "success"]);
  const text = JSON.stringify(await (await api.get("/api/v1/admin/audit-events?action=auth.login&pageSize=100", a)).json());
  expect(text).not.toContain(wrong);
  expect(text).not.toContain(ADMIN.password || "\u0000");
});
