// Live container stats over socket.io against a real container: subscribers receive a
// sample about every second; another user's instance is refused; stopping ends the feed.
import { bearer, expect, test, uniq } from "../fixtures";
import { launchSetup, waitForStatus } from "../node-fixtures";
import { connect, outcome } from "../socket";

test("two subscribers get live stats; another user is refused; stop ends the feed", async ({ api, adminToken, baseURL, clientIp, newUser }) => {
  test.setTimeout(90_000);
  const { node, image, spec } = await launchSetup(api, adminToken);
  const [u, other] = [await newUser(), await newUser()];
  const res = await api.post("/api/v1/instances", {
    headers: bearer(u.token),
    data: { name: `stats-${uniq(3)}`, imageId: image.id, specId: spec.id, nodeId: node.id },
  });
  const { id } = (await res.json()) as { id: string };
  await waitForStatus(api, u.token, id, "running");

  const samples: Record<string, { ts: string; memoryLimit: number; pids: number; instanceId: string }[]> = { a: [], b: [] };
  const ended: string[] = [];
  const sockets = { a: connect(baseURL!, "/stats", { token: u.token, ip: clientIp }), b: connect(baseURL!, "/stats", { token: u.token, ip: clientIp }) };
  for (const [k, s] of Object.entries(sockets)) {
    expect(await outcome(s)).toEqual({ connected: true });
    s.on("stats", (x) => samples[k]!.push(x));
    s.on("stats-end", () => ended.push(k));
    expect(await s.timeout(10_000).emitWithAck("subscribe", { instanceId: id })).toEqual({ ok: true, gpuTelemetry: false }); // no GPUs, so no GPU feed;
  }
  await expect.poll(() => Math.min(samples.a!.length, samples.b!.length), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
  const last = samples.a!.at(-1)!;
  expect(last).toMatchObject({ instanceId: id, memoryLimit: 2 ** 30, pids: expect.any(Number) });
  expect(last).toHaveProperty("cpuPercent");
  expect(last).toHaveProperty("networkRx");
  // About one per second.
  const span = Date.parse(samples.a!.at(-1)!.ts) - Date.parse(samples.a![0]!.ts);
  expect(span / (samples.a!.length - 1)).toBeGreaterThan(500);
  expect(span / (samples.a!.length - 1)).toBeLessThan(3000);

  const intruder = connect(baseURL!, "/stats", { token: other.token, ip: clientIp });
  expect(await intruder.timeout(10_000).emitWithAck("subscribe", { instanceId: id })).toMatchObject({ error: { code: "NOT_FOUND" } });
  intruder.disconnect();

  expect((await api.post(`/api/v1/instances/${id}/stop`, { headers: bearer(u.token) })).status()).toBe(200);
  await expect.poll(() => ended.sort(), { timeout: 15_000 }).toEqual(["a", "b"]);
  for (const s of Object.values(sockets)) s.disconnect();
  expect((await api.delete(`/api/v1/instances/${id}`, { headers: bearer(u.token) })).status()).toBe(204);
});
