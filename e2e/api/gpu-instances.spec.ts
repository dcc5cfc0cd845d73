// GPU instances for real: the GPU-host engine (fixture NVIDIA hook) starts containers that
// ask for GPUs, and the node's sshd serves the fixture nvidia-smi. A whole GPU and an
// 8 GB share (HAMi-core) are placed, started with the GPUs they hold, fed live GPU
// readings on /stats, and recorded in the instance's history.
import { execFileSync } from "node:child_process";
import { bearer, expect, test, uniq } from "../fixtures";
import { gpuLaunchSetup, launchRunning, SSH } from "../node-fixtures";
import { connect, outcome } from "../socket";

const onGpuHost = (...args: string[]) => execFileSync("docker", ["-H", "unix:///var/run/docker-gpu.sock", ...args], { encoding: "utf8" }).trim();

type GpuEvent = { nodeId: string; ts: string; gpus: { index: number; utilization: number | null; memoryUsedMb: number | null }[] };

test("a whole GPU and a GPU share really start, stream GPU readings and keep GPU history", async ({ api, adminToken, baseURL, clientIp, newUser }) => {
  test.setTimeout(120_000);
  const whole = await gpuLaunchSetup(api, adminToken);
  const user = await newUser();
  const h = { headers: bearer(user.token) };

  const a = await launchRunning(api, user.token, { name: `gpu-${uniq(3)}`, imageId: whole.image.id, specId: whole.spec.id, nodeId: whole.node.id });
  expect(a).toMatchObject({ gpuCount: 1, gpus: [{ index: 0, memoryGb: 24, exclusive: true }] });
  const container = `aic-${a.id}`;
  expect(JSON.parse(onGpuHost("inspect", "-f", "{{json .HostConfig.DeviceRequests}}", container))).toEqual([
    expect.objectContaining({ Driver: "nvidia", DeviceIDs: ["0"], Capabilities: [["gpu"]] }),
  ]);
  // The engine's NVIDIA driver handed the container its GPU.
  expect(onGpuHost("exec", container, "sh", "-c", "tr '\\0' '\\n' < /proc/1/environ | grep ^NVIDIA_VISIBLE_DEVICES=")).toBe("NVIDIA_VISIBLE_DEVICES=0");

  // Live: the subscriber gets the node's latest GPU poll at once, then each new one.
  const socket = connect(baseURL!, "/stats", { token: user.token, ip: clientIp });
  expect(await outcome(socket)).toEqual({ connected: true });
  const events: GpuEvent[] = [];
  socket.on("gpu", (e: GpuEvent) => events.push(e));
  expect(await socket.timeout(10_000).emitWithAck("subscribe", { instanceId: a.id })).toEqual({ ok: true, gpuTelemetry: true });
  await expect.poll(() => new Set(events.map((e) => e.ts)).size, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
  expect(events.every((e) => e.nodeId === whole.node.id)).toBe(true);
  // Only the GPU this instance holds: the node's other GPU belongs to other tenants.
  expect(events.every((e) => e.gpus.length === 1 && e.gpus[0]!.index === 0)).toBe(true);
  expect(events.at(-1)!.gpus.find((g) => g.index === 0)).toMatchObject({ utilization: 35, memoryUsedMb: 1024 });
  socket.disconnect();

  // History: the collector records what the instance's GPU showed (every 5 s here).
  await expect
    .poll(
      async () =>
        (await (await api.get(`/api/v1/instances/${a.id}/metrics?from=${new Date(Date.now() - 600_000).toISOString()}&step=1`, h)).json()).points.at(-1)
          ?.gpuUtilization ?? null,
      { timeout: 20_000 },
    )
    .toBe(35);
  const points = (await (await api.get(`/api/v1/instances/${a.id}/metrics?from=${new Date(Date.now() - 600_000).toISOString()}&step=1`, h)).json()).points;
  expect(points.at(-1)).toMatchObject({ gpuMemoryUsedMb: 1024, gpuMemoryLimitMb: 24 * 1024 });

  // A share: 8 GB of the other GPU through HAMi-core.
  const shared = await gpuLaunchSetup(api, adminToken, { split: true });
  const b = await launchRunning(api, user.token, { name: `share-${uniq(3)}`, imageId: shared.image.id, specId: shared.spec.id, nodeId: shared.node.id });
  expect(b.gpus).toEqual([{ index: expect.any(Number), memoryGb: 8, exclusive: false }]);
  const env = JSON.parse(onGpuHost("inspect", "-f", "{{json .Config.Env}}", `aic-${b.id}`)) as string[];
  expect(env).toContain("CUDA_DEVICE_MEMORY_LIMIT_0=8192m");
  expect(onGpuHost("exec", `aic-${b.id}`, "sh", "-c", "tr '\\0' '\\n' < /proc/1/environ | grep ^NVIDIA_VISIBLE_DEVICES=")).toBe(
    `NVIDIA_VISIBLE_DEVICES=${b.gpus[0].index}`,
  );

  // Stopping releases the GPU; the history stays readable.
  expect(await (await api.post(`/api/v1/instances/${a.id}/stop`, h)).json()).toMatchObject({ status: "stopped", gpus: [] });
  expect((await (await api.get(`/api/v1/instances/${a.id}/metrics`, h)).json()).points.length).toBeGreaterThan(0);
  for (const id of [a.id, b.id]) expect((await api.delete(`/api/v1/instances/${id}`, h)).status()).toBe(204);
});

test("GPU memory split binds only a HAMi-core library that passed the node's connection test", async ({ api, adminToken, newUser }) => {
  test.setTimeout(60_000);
  const shared = await gpuLaunchSetup(api, adminToken, { split: true });
  const user = await newUser();
  const admin = { headers: bearer(adminToken) };
  const launch = () =>
    api.post("/api/v1/instances", {
      headers: bearer(user.token),
      data: { name: `share-${uniq(3)}`, imageId: shared.image.id, specId: shared.spec.id, nodeId: shared.node.id },
    });
  const testHami = async () =>
    ((await (await api.post(`/api/v1/nodes/${shared.node.id}/test`, admin)).json()).checks as { key: string; ok: boolean | null }[]).find(
      (c) => c.key === "hami_core",
    );

  // A directory named like the library: saved, its test fails, and no share is placed there.
  expect((await api.patch(`/api/v1/nodes/${shared.node.id}`, { ...admin, data: { hamiCorePath: SSH.hamiDirectory } })).status()).toBe(200);
  expect((await launch()).status()).toBe(409);
  expect(await testHami()).toMatchObject({ ok: false });
  const refused = await launch();
  expect(refused.status()).toBe(409);
  expect((await refused.json()).error.message).toContain("HAMi-core library to pass the node's connection test");

  // The real library passes; shares are placed again.
  await api.patch(`/api/v1/nodes/${shared.node.id}`, { ...admin, data: { hamiCorePath: SSH.hamiCorePath } });
  expect((await launch()).status()).toBe(409);
  expect(await testHami()).toMatchObject({ ok: true });
  const b = await launchRunning(api, user.token, { name: `share-${uniq(3)}`, imageId: shared.image.id, specId: shared.spec.id, nodeId: shared.node.id });
  expect(b.gpus).toEqual([{ index: expect.any(Number), memoryGb: 8, exclusive: false }]);
  const binds = JSON.parse(onGpuHost("inspect", "-f", "{{json .HostConfig.Mounts}}", `aic-${b.id}`)) as { Source: string; ReadOnly: boolean }[];
  expect(binds.filter((m) => m.Source.includes("/hami/"))).toEqual([expect.objectContaining({ Source: SSH.hamiCorePath, ReadOnly: true })]);
  expect((await api.delete(`/api/v1/instances/${b.id}`, { headers: bearer(user.token) })).status()).toBe(204);
});
