// The jobs API over HTTP against the shared consoles: who may see and do what (another
// user's jobs and runs are not found; workers and the system status are for administrators),
// bad input names its field and makes nothing, a container run on this test's own node
// (tagged) succeeds and its workload never appears among the instances, and a log download's
// file name is safe whatever the job is called.
import { bearer, expect, test, uniq } from "../fixtures";
import { launchSetup } from "../node-fixtures";

test("jobs and runs belong to their owner; workers and system status to administrators", async ({ api, adminToken, newUser }) => {
  test.setTimeout(120_000);
  const { node, image, spec } = await launchSetup(api, adminToken);
  const tag = `t-${uniq(4)}`;
  expect((await api.put(`/api/v1/workers/${node.id}`, { headers: bearer(adminToken), data: { tags: [tag] } })).status()).toBe(200);
  const alice = await newUser();
  const bob = await newUser();
  const a = bearer(alice.token);
  const b = bearer(bob.token);

  expect((await api.get("/api/v1/jobs")).status()).toBe(401);
  expect((await api.get("/api/v1/workers", { headers: a })).status()).toBe(403);
  expect((await api.get("/api/v1/system/status", { headers: a })).status()).toBe(403);
  expect((await api.put(`/api/v1/workers/${node.id}`, { headers: a, data: { maxJobs: 1 } })).status()).toBe(403);

  // Bad input: the field is named, nothing is made.
  const bad = await api.post("/api/v1/jobs", { headers: a, data: { executor: "container", name: "x", specId: spec.id, container: { command: "true" } } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.issues).toMatchObject([{ path: "imageId", message: "is required for container jobs" }]);
  const badCron = await api.post("/api/v1/jobs", {
    headers: a,
    data: { executor: "http", name: "x", http: { url: "https://example.com" }, trigger: "cron", cron: "61 * * * *" },
  });
  expect(badCron.status()).toBe(400);
  expect((await badCron.json()).error.issues[0].path).toBe("cron");
  expect((await (await api.get("/api/v1/jobs", { headers: a })).json()).total).toBe(0);

  const name = `evil"; filename=x.sh\r\n ${uniq(3)}`.replace(/[\r\n]/g, "");
  const made = await api.post("/api/v1/jobs", {
    headers: a,
    data: { executor: "container", name, imageId: image.id, specId: spec.id, nodeTags: [tag], container: { command: "echo hello from the job" } },
  });
  expect(made.status(), await made.text()).toBe(201);
  const job = (await made.json()) as { id: string };
  const runs = async () =>
    ((await (await api.get(`/api/v1/runs?jobId=${job.id}`, { headers: a })).json()) as { items: { id: string; status: string }[] }).items;
  await expect.poll(async () => (await runs())[0]?.status, { timeout: 60_000 }).toBe("succeeded");
  const run = (await runs())[0]!;

  // Bob sees none of it, and can do nothing to it.
  for (const [method, path] of [
    ["GET", `/api/v1/jobs/${job.id}`],
    ["PATCH", `/api/v1/jobs/${job.id}`],
    ["DELETE", `/api/v1/jobs/${job.id}`],
    ["POST", `/api/v1/jobs/${job.id}/trigger`],
    ["POST", `/api/v1/jobs/${job.id}/pause`],
    ["GET", `/api/v1/runs/${run.id}`],
    ["GET", `/api/v1/runs/${run.id}/logs`],
    ["GET", `/api/v1/runs/${run.id}/logs/download`],
    ["POST", `/api/v1/runs/${run.id}/cancel`],
    ["POST", `/api/v1/runs/${run.id}/retry`],
  ] as const) {
    const res = await api.fetch(path, { method, headers: b, ...(method === "PATCH" ? { data: { name: "mine" } } : {}) });
    expect(res.status(), `${method} ${path}`).toBe(404);
  }
  expect((await (await api.get("/api/v1/runs", { headers: b })).json()).total).toBe(0);
  expect((await (await api.get("/api/v1/queue", { headers: b })).json()).items).toEqual([]);

  // Alice reads her output; the download's file name carries nothing of the job's name but safe characters.
  const logs = await (await api.get(`/api/v1/runs/${run.id}/logs`, { headers: a })).json();
  expect(logs).toMatchObject({ live: false, lines: [{ text: "hello from the job" }] });
  const file = await api.get(`/api/v1/runs/${run.id}/logs/download`, { headers: a });
  expect(file.status()).toBe(200);
  expect(file.headers()["content-disposition"]).toMatch(/^attachment; filename="[\w.-]+\.log"$/);
  expect(await file.text()).toContain("hello from the job");

  // The run's workload is not an instance: not listed, not reachable.
  expect((await (await api.get("/api/v1/instances?status=deleted", { headers: a })).json()).total).toBe(0);
  const admin = await (await api.get(`/api/v1/workers`, { headers: bearer(adminToken) })).json();
  expect(admin.items.find((w: { id: string }) => w.id === node.id)).toMatchObject({ tags: [tag], status: "online" });
  const status = await (await api.get("/api/v1/system/status", { headers: bearer(adminToken) })).json();
  expect(status.runsToday).toBeGreaterThanOrEqual(1);
});

test("the OpenAPI document describes the jobs API", async ({ api }) => {
  const doc = await (await api.get("/api/openapi.json")).json();
  for (const path of [
    "/api/v1/jobs",
    "/api/v1/jobs/{id}",
    "/api/v1/jobs/{id}/pause",
    "/api/v1/runs/{id}/logs",
    "/api/v1/runs/{id}/retry",
    "/api/v1/queue",
    "/api/v1/workers",
    "/api/v1/system/status",
  ]) {
    expect(doc.paths[path], path).toBeDefined();
  }
});
