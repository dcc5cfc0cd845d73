// Metering across a crash, against a console process of its own (2-second intervals): the
// console is killed (SIGKILL) between intervals while the container keeps running, then
// restarted; the missed intervals are charged exactly once, contiguous with the rest, and
// every balance still equals the sum of its ledger.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { bearer, expect, fundUser, login, test } from "../fixtures";
import { launchSetup, waitForStatus } from "../node-fixtures";
import { start, tempPostgresDb } from "../process";

const INTERVAL_SEC = 2;
const ADMIN_PASSWORD = "billing-admin-pw";
/** 100 cents a second: every 2-second interval is a 200-cent charge. */
const PRICE = 360_000;

type Entry = { kind: string; amountCents: number; periodStart: string | null; periodEnd: string | null; instanceId: string | null };

test("a console killed between intervals back-fills the missed ones exactly once after restart", async ({ playwright }, testInfo) => {
  test.setTimeout(150_000);
  const env: Record<string, string> = {
    ADMIN_PASSWORD,
    BILLING_INTERVAL_SEC: String(INTERVAL_SEC),
    RECONCILE_INTERVAL_SEC: "2",
    NODE_HEALTH_INTERVAL_SEC: "3600",
    GPU_POLL_SEC: "3600",
  };
  const pg = testInfo.project.metadata.db === "postgres" ? await tempPostgresDb("aic_billing") : null;
  env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), "aic-billing-"));
  if (pg) env.DATABASE_URL = pg.url;

  let c = await start(env);
  let instanceId = "";
  try {
    let api = await playwright.request.newContext({ baseURL: c.url });
    let admin = await login(api, "admin", ADMIN_PASSWORD);
    const me = (await (await api.get("/api/v1/users/me", { headers: bearer(admin) })).json()) as { id: string };
    await fundUser(api, admin, me.id, 10_000_000);
    const { node, image, spec } = await launchSetup(api, admin, { pricePerHourCents: PRICE });
    const launched = await api.post("/api/v1/instances", {
      headers: bearer(admin),
      data: { name: "metered", imageId: image.id, specId: spec.id, nodeId: node.id },
    });
    expect(launched.status(), await launched.text()).toBe(202);
    instanceId = ((await launched.json()) as { id: string }).id;
    await waitForStatus(api, admin, instanceId, "running");

    const usage = async () => {
      const res = await api.get(`/api/v1/billing/ledger?kind=usage&pageSize=100`, { headers: bearer(admin) });
      return ((await res.json()) as { items: Entry[] }).items.filter((e) => e.instanceId === instanceId).reverse();
    };
    await expect.poll(async () => (await usage()).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);

    // Killed right after an interval was charged: between intervals.
    const before = await usage();
    c.child.kill("SIGKILL");
    await new Promise((r) => c.child.once("exit", r));
    await api.dispose();
    const killedAt = Date.now();
    await new Promise((r) => setTimeout(r, 4 * INTERVAL_SEC * 1000));

    c = await start(env);
    api = await playwright.request.newContext({ baseURL: c.url });
    admin = await login(api, "admin", ADMIN_PASSWORD);
    const restartedAt = Date.now();
    // The downtime is charged: intervals reach past the restart.
    await expect.poll(async () => Date.parse((await usage()).at(-1)?.periodEnd ?? "0"), { timeout: 30_000 }).toBeGreaterThan(restartedAt);

    const after = await usage();
    // Exactly once: no interval twice, each starting where the previous ended, all at the full price.
    const starts = after.map((e) => e.periodStart);
    expect(new Set(starts).size).toBe(starts.length);
    for (let i = 1; i < after.length; i++) expect(after[i]!.periodStart, `interval ${i}`).toBe(after[i - 1]!.periodEnd);
    for (const e of after) expect(e.amountCents).toBe(-(PRICE / 3600) * INTERVAL_SEC);
    expect(after.slice(0, before.length)).toEqual(before);
    const downtime = after.filter((e) => Date.parse(e.periodStart!) >= killedAt - INTERVAL_SEC * 1000 && Date.parse(e.periodEnd!) <= restartedAt);
    expect(downtime.length).toBeGreaterThanOrEqual(3);
    testInfo.annotations.push({
      type: "back-filled",
      description: `${downtime.length} intervals of ${INTERVAL_SEC} s during ${Math.round((restartedAt - killedAt) / 1000)} s down`,
    });

    // Stop: a final partial charge closes the run; the ledger and balances agree.
    expect((await api.post(`/api/v1/instances/${instanceId}/stop`, { headers: bearer(admin) })).status()).toBe(200);
    const invariant = await (await api.get("/api/v1/admin/billing/invariant", { headers: bearer(admin) })).json();
    expect(invariant).toMatchObject({ ok: true, mismatches: [] });
    expect((await api.delete(`/api/v1/instances/${instanceId}`, { headers: bearer(admin) })).status()).toBe(204);
    await api.dispose();
  } finally {
    await c.stop();
    await pg?.drop();
  }
});
