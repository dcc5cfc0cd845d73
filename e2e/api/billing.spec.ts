// Billing over HTTP: recharge codes from generation to redemption (each refusal named),
// the ledger and its CSV export, the balance a launch needs (422 with the amount), the
// summary, administrators' adjustments, invariant, revenue and platform stats, and who may
// call what.
import { bearer, expect, test, uniq } from "../fixtures";
import { launchSetup } from "../node-fixtures";

test("codes are generated once, redeemed into the balance, and listed with their usage", async ({ api, adminToken, newUser }) => {
  const admin = { headers: bearer(adminToken) };
  const user = await newUser("user", { balanceCents: 0 });
  const h = { headers: bearer(user.token) };

  // Bad input names the field and creates nothing.
  for (const [data, field] of [
    [{ amountCents: 100, count: 1001, description: "x" }, "count"],
    [{ amountCents: 0, count: 1, description: "x" }, "amountCents"],
    [{ amountCents: 100, count: 1, description: "" }, "description"],
    [{ amountCents: 100, count: 1, description: "x", expiresAt: "2020-01-01T00:00:00Z" }, "expiresAt"],
  ] as const) {
    const res = await api.post("/api/v1/recharge/codes", { ...admin, data });
    expect(res.status(), JSON.stringify(data)).toBe(400);
    expect((await res.json()).error.issues.map((i: { path: string }) => i.path)).toContain(field);
  }
  expect((await api.post("/api/v1/recharge/codes", { ...h, data: { amountCents: 100, count: 1, description: "x" } })).status()).toBe(403);

  const description = `e2e ${uniq(3)}`;
  const created = await api.post("/api/v1/recharge/codes", { ...admin, data: { amountCents: 2_500, count: 5, maxUses: 1, description } });
  expect(created.status()).toBe(201);
  const { batch, codes } = (await created.json()) as { batch: { id: string }; codes: string[] };
  expect(codes).toHaveLength(5);
  for (const c of codes) expect(c).toMatch(/^[2-9A-HJKMNP-TV-Z]{5}(-[2-9A-HJKMNP-TV-Z]{5}){3}$/);

  const redeemed = await api.post("/api/v1/recharge/redeem", { ...h, data: { code: codes[0]!.toLowerCase().replace(/-/g, " ") } });
  expect(redeemed.status()).toBe(200);
  expect(await redeemed.json()).toMatchObject({ amountCents: 2_500, balanceCents: 2_500 });
  const again = await api.post("/api/v1/recharge/redeem", { ...h, data: { code: codes[0] } });
  expect(again.status()).toBe(409);
  expect((await again.json()).error).toMatchObject({ code: "RECHARGE_CODE_REDEEMED", message: "You already redeemed this code" });
  const other = await newUser("user", { balanceCents: 0 });
  const late = await api.post("/api/v1/recharge/redeem", { headers: bearer(other.token), data: { code: codes[0] } });
  expect(late.status()).toBe(422);
  expect((await late.json()).error.code).toBe("RECHARGE_CODE_USED_UP");
  const unknown = await api.post("/api/v1/recharge/redeem", { ...h, data: { code: "ABCDE-FGHJK-MNPQR-STVWX" } });
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error.code).toBe("RECHARGE_CODE_UNKNOWN");
  expect((await (await api.post("/api/v1/recharge/redeem", { ...h, data: {} })).json()).error.issues[0].path).toBe("code");

  const records = await (await api.get("/api/v1/recharge/records", h)).json();
  expect(records.items).toEqual([expect.objectContaining({ amountCents: 2_500, codeHint: codes[0]!.slice(-3), description })]);

  const batches = await (await api.get("/api/v1/recharge/batches?pageSize=100", admin)).json();
  expect(batches.items.find((b: { id: string }) => b.id === batch.id)).toMatchObject({
    count: 5,
    usedCodes: 1,
    redemptions: 1,
    redeemedCents: 2_500,
    disabledAt: null,
  });
  const used = await (await api.get(`/api/v1/recharge/batches/${batch.id}/codes?status=used_up`, admin)).json();
  expect(used.items).toEqual([
    expect.objectContaining({ hint: codes[0]!.slice(-3), uses: 1, status: "used_up", redeemedBy: [{ username: user.username, at: expect.any(String) }] }),
  ]);
  // The codes themselves never come back.
  expect(JSON.stringify(await (await api.get(`/api/v1/recharge/batches/${batch.id}/codes`, admin)).json())).not.toContain(codes[1]!.slice(0, 5));

  expect((await api.post(`/api/v1/recharge/batches/${batch.id}/disable`, admin)).status()).toBe(200);
  const disabled = await api.post("/api/v1/recharge/redeem", { ...h, data: { code: codes[1] } });
  expect((await disabled.json()).error.code).toBe("RECHARGE_CODE_DISABLED");
});

test("the ledger explains the balance, exports as CSV, and administrators adjust, audit and see revenue and stats", async ({ api, adminToken, newUser }) => {
  const admin = { headers: bearer(adminToken) };
  const user = await newUser("user", { balanceCents: 0 });
  const h = { headers: bearer(user.token) };

  // Too little balance to launch: 422 with the amount needed.
  const { node, image, spec } = await launchSetup(api, adminToken);
  const poor = await api.post("/api/v1/instances", { ...h, data: { name: "poor", imageId: image.id, specId: spec.id, nodeId: node.id } });
  expect(poor.status()).toBe(422);
  expect((await poor.json()).error).toMatchObject({ code: "INSUFFICIENT_BALANCE", message: expect.stringContaining("¥1.20") });

  const bad = await api.post(`/api/v1/admin/users/${user.id}/adjustments`, { ...admin, data: { amountCents: 1.5, reason: "" } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["amountCents", "reason"]);
  expect((await api.post(`/api/v1/admin/users/${user.id}/adjustments`, { ...h, data: { amountCents: 100, reason: "self-service" } })).status()).toBe(403);
  const credit = await api.post(`/api/v1/admin/users/${user.id}/adjustments`, { ...admin, data: { amountCents: 5_000, reason: "=1+2, welcome" } });
  expect(credit.status()).toBe(201);
  expect(await credit.json()).toMatchObject({ kind: "adjustment", amountCents: 5_000, balanceAfterCents: 5_000 });
  // A retried adjustment (same key) is made once.
  for (let i = 0; i < 2; i++) {
    const res = await api.post(`/api/v1/admin/users/${user.id}/adjustments`, {
      ...admin,
      data: { amountCents: -1_000, reason: "correction", idempotencyKey: "corr-0001-retry" },
    });
    expect(await res.json()).toMatchObject({ amountCents: -1_000, balanceAfterCents: 4_000 });
  }

  const summary = await (await api.get("/api/v1/billing/summary", h)).json();
  expect(summary).toMatchObject({ balanceCents: 4_000, burnCentsPerHour: 0, runningInstances: 0, secondsLeft: null, lowBalance: false });
  const ledger = await (await api.get("/api/v1/billing/ledger", h)).json();
  expect(ledger.items.map((e: { amountCents: number; balanceAfterCents: number }) => [e.amountCents, e.balanceAfterCents])).toEqual([
    [-1_000, 4_000],
    [5_000, 5_000],
  ]);
  expect((await (await api.get("/api/v1/billing/ledger?kind=recharge", h)).json()).total).toBe(0);
  expect((await api.get("/api/v1/billing/ledger?kind=gift", h)).status()).toBe(400);
  expect((await api.get(`/api/v1/billing/ledger?userId=${(await newUser()).id}`, h)).status()).toBe(403);
  expect((await (await api.get(`/api/v1/billing/ledger?userId=${user.id}`, admin)).json()).total).toBe(2);

  const csv = await api.get("/api/v1/billing/ledger/export", h);
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const lines = (await csv.text()).trim().split("\n");
  expect(lines[0]).toBe("createdAt,kind,amountCents,balanceAfterCents,instanceName,instanceId,periodStart,periodEnd,note,id");
  expect(lines).toHaveLength(3);
  // A note that looks like a formula is defused for spreadsheets.
  expect(lines[2]).toContain(`"'=1+2, welcome"`);
  expect(lines[2]).toMatch(/,adjustment,5000,5000,/);

  expect(await (await api.get("/api/v1/admin/billing/invariant", admin)).json()).toMatchObject({ ok: true, mismatches: [] });
  const revenue = await (await api.get("/api/v1/admin/billing/revenue", admin)).json();
  expect(revenue).toMatchObject({ usageCents: expect.any(Number), rechargeCents: expect.any(Number), byDay: expect.any(Array), bySpec: expect.any(Array) });
  const stats = await (await api.get("/api/v1/admin/stats", admin)).json();
  expect(stats.users.total).toBeGreaterThanOrEqual(2);
  expect(stats).toMatchObject({ nodes: { online: expect.any(Number) }, gpus: { total: expect.any(Number) }, revenue: { totalCents: expect.any(Number) } });
  for (const url of ["/api/v1/admin/stats", "/api/v1/admin/billing/invariant", "/api/v1/admin/billing/revenue", "/api/v1/recharge/batches"])
    expect((await api.get(url, h)).status(), url).toBe(403);
});
