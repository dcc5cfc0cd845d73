// Recovery against a console process of its own: killed (SIGKILL) right after a launch was
// accepted, then restarted, the instance ends in a definite state that matches Docker; and
// containers killed or removed with the docker CLI are reflected within a reconcile period.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { bearer, expect, fundUser, login, test } from "../fixtures";
import { launchSetup } from "../node-fixtures";
import { start, tempPostgresDb, type Running } from "../process";

const RECONCILE_SEC = 2;
const LEASE_SEC = 3;
const ADMIN_PASSWORD = "recovery-admin-pw";

const running = (id: string) => {
  try {
    return (
      execFileSync("docker", ["inspect", "-f", "{{.State.Running}}", `aic-${id}`], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() === "true"
    );
  } catch {
    return null; // no such container
  }
};

async function statusOf(request: APIRequestContext, c: Running, token: string, id: string) {
  return (await (await request.get(`${c.url}/api/v1/instances/${id}`, { headers: bearer(token) })).json()) as {
    status: string;
    statusMessage: string | null;
    exitCode: number | null;
  };
}

test("a console killed mid-create ends the instance in a definite state after restart; docker kill/rm are reconciled", async ({ playwright }, testInfo) => {
  test.setTimeout(180_000);
  const env: Record<string, string> = {
    ADMIN_PASSWORD,
    RECONCILE_INTERVAL_SEC: String(RECONCILE_SEC),
    INSTANCE_LEASE_SEC: String(LEASE_SEC),
    NODE_HEALTH_INTERVAL_SEC: "3600",
  };
  const pg = testInfo.project.metadata.db === "postgres" ? await tempPostgresDb("aic_recovery") : null;
  env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), "aic-recovery-"));
  if (pg) env.DATABASE_URL = pg.url;

  let c = await start(env);
  const ids: string[] = [];
  try {
    const api = await playwright.request.newContext({ baseURL: c.url });
    const admin = await login(api, "admin", ADMIN_PASSWORD);
    await fundUser(api, admin, (await (await api.get("/api/v1/users/me", { headers: bearer(admin) })).json()).id);
    const { node, image, spec } = await launchSetup(api, admin);
    const launch = async (name: string, ctx = api, token = admin) => {
      const res = await ctx.post(`${c.url}/api/v1/instances`, { headers: bearer(token), data: { name, imageId: image.id, specId: spec.id, nodeId: node.id } });
      expect(res.status(), await res.text()).toBe(202);
      const id = ((await res.json()) as { id: string }).id;
      ids.push(id);
      return id;
    };

    const interrupted = await launch("interrupted");
    c.child.kill("SIGKILL");
    await new Promise((r) => c.child.once("exit", r));
    await api.dispose();

    c = await start(env);
    const api2 = await playwright.request.newContext({ baseURL: c.url });
    const token = await login(api2, "admin", ADMIN_PASSWORD);
    await expect
      .poll(async () => (await statusOf(api2, c, token, interrupted)).status, { timeout: (LEASE_SEC + 3 * RECONCILE_SEC) * 1000 + 10_000 })
      .toMatch(/^(running|failed)$/);
    const settled = await statusOf(api2, c, token, interrupted);
    // What the console says is what Docker has.
    if (settled.status === "running") expect(running(interrupted)).toBe(true);
    else {
      expect(settled.statusMessage).toMatch(/console stopped while/);
      expect(running(interrupted)).toBeNull();
    }
    const nodeNow = await (await api2.get(`${c.url}/api/v1/nodes/${node.id}`, { headers: bearer(token) })).json();
    expect(nodeNow.free.cpuCores).toBe(settled.status === "running" ? 3 : 4);

    const killed = await launch("killed", api2, token);
    const removed = await launch("removed", api2, token);
    for (const id of [killed, removed]) await expect.poll(async () => (await statusOf(api2, c, token, id)).status, { timeout: 30_000 }).toBe("running");
    execFileSync("docker", ["kill", `aic-${killed}`]);
    execFileSync("docker", ["rm", "-f", `aic-${removed}`]);
    const t0 = Date.now();
    await expect
      .poll(async () => (await statusOf(api2, c, token, killed)).status, { timeout: 2 * RECONCILE_SEC * 1000 + 3000, intervals: [200] })
      .toBe("exited");
    await expect
      .poll(async () => (await statusOf(api2, c, token, removed)).status, { timeout: 2 * RECONCILE_SEC * 1000 + 3000, intervals: [200] })
      .toBe("failed");
    testInfo.annotations.push({ type: "reconciled after", description: `${Date.now() - t0} ms (period ${RECONCILE_SEC} s)` });
    expect(await statusOf(api2, c, token, killed)).toMatchObject({ exitCode: 137 });
    for (const id of ids) expect((await api2.delete(`${c.url}/api/v1/instances/${id}`, { headers: bearer(token) })).status()).toBe(204);
    await api2.dispose();
  } finally {
    await c.stop();
    for (const id of ids) {
      try {
        execFileSync("docker", ["rm", "-f", `aic-${id}`], { stdio: "ignore" });
      } catch {
        /* already gone */
      }
    }
    await pg?.drop();
  }
});
