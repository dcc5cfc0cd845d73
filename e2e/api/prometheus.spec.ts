// GET /metrics for Prometheus, with a GPU node (the fixture nvidia-smi: two RTX 4090, GPU 0 at
// 35 %, 1024 MiB used), a running GPU instance and a queued job run: Debian's promtool finds
// nothing to report, and Debian's Prometheus really scrapes the console and answers PromQL over
// DCGM_FI_DEV_GPU_UTIL with the fixture GPUs. Who may read it: loopback (the default
// allowlist) or the bearer token from the settings; anyone else is refused.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { bearer, expect, test, uniq } from "../fixtures";
import { GPU_MODEL, gpuLaunchSetup, launchRunning } from "../node-fixtures";
import { freePort } from "../slurm-fixtures";

/** /metrics as a client on this machine sees it (loopback, no proxy header). */
async function scrape(baseURL: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${baseURL}/metrics`, { headers });
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

const series = (text: string, name: string) => text.split("\n").filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));

test("metrics of GPUs, nodes, instances and runs pass promtool, and a real Prometheus scrapes them", async ({ api, adminToken, newUser, baseURL }) => {
  test.setTimeout(120_000);
  const setup = await gpuLaunchSetup(api, adminToken);
  const user = await newUser();
  const instance = await launchRunning(api, user.token, { name: `prom-${uniq(3)}`, imageId: setup.image.id, specId: setup.spec.id, nodeId: setup.node.id });
  // A run that waits: no node carries its tag.
  const job = await api.post("/api/v1/jobs", {
    headers: bearer(user.token),
    data: {
      executor: "container",
      name: `prom ${uniq()}`,
      imageId: setup.image.id,
      specId: setup.spec.id,
      nodeTags: [`nowhere-${uniq()}`],
      container: { command: "true" },
    },
  });
  expect(job.status(), await job.text()).toBe(201);

  const node = setup.node.name;
  let text = "";
  await expect
    .poll(
      async () => {
        text = (await scrape(baseURL!)).text;
        return series(text, "DCGM_FI_DEV_GPU_UTIL").filter((l) => l.includes(`Hostname="${node}"`)).length;
      },
      { timeout: 30_000 },
    )
    .toBe(2);
  const got = await scrape(baseURL!);
  expect(got.status).toBe(200);
  expect(got.type).toContain("text/plain");
  text = got.text;
  const gpu0 = series(text, "DCGM_FI_DEV_GPU_UTIL").find((l) => l.includes(`Hostname="${node}"`) && l.includes('gpu="0"'))!;
  expect(gpu0).toMatch(new RegExp(`device="nvidia0",model_name="${GPU_MODEL}"`));
  expect(gpu0).toMatch(/UUID="GPU-[^"]+"/);
  expect(gpu0).toMatch(/ 35$/);
  expect(series(text, "DCGM_FI_DEV_FB_USED").find((l) => l.includes(`Hostname="${node}"`) && l.includes('gpu="0"'))).toMatch(/ 1024$/);
  expect(series(text, "aiinfra_node_up")).toContain(`aiinfra_node_up{node="${node}"} 1`);
  expect(series(text, "aiinfra_node_gpus")).toContain(`aiinfra_node_gpus{node="${node}",model="${GPU_MODEL}"} 2`);
  expect(series(text, "aiinfra_node_gpus_allocated")).toContain(`aiinfra_node_gpus_allocated{node="${node}"} 1`);
  expect(series(text, "aiinfra_instances")).toContain(`aiinfra_instances{status="running",node="${node}"} 1`);
  // Who holds the GPU: joinable with the DCGM series on Hostname and gpu.
  const holder = series(text, "aiinfra_gpu_allocation_memory_bytes").find((l) => l.includes(`instance_id="${instance.id}"`));
  expect(holder).toContain(`Hostname="${node}",gpu="0"`);
  expect(holder).toContain(`user="${user.username}"`);
  expect(holder).toMatch(new RegExp(` ${24 * 1024 ** 3}$`));
  expect(Number(series(text, "aiinfra_job_queue_depth")[0]!.split(" ")[1])).toBeGreaterThanOrEqual(1);
  expect(series(text, "aiinfra_http_request_duration_seconds_count").some((l) => l.includes('route="/api/v1/instances",method="POST",status="202"'))).toBe(
    true,
  );
  expect(series(text, "aiinfra_ledger_entries_total").some((l) => l.includes('kind="adjustment"'))).toBe(true);

  // promtool (Debian's prometheus package) has nothing to say.
  const lint = execFileSync("sh", ["-c", "promtool check metrics 2>&1; echo rc=$?"], { input: text, encoding: "utf8" });
  expect(lint.trim()).toBe("rc=0");

  // Debian's Prometheus scrapes the console every second; PromQL finds the fixture GPUs.
  const dir = mkdtempSync(path.join(os.tmpdir(), "aic-prom-"));
  const port = await freePort();
  const target = new URL(baseURL!).host;
  writeFileSync(
    path.join(dir, "prometheus.yml"),
    `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: aiinfra\n    metrics_path: /metrics\n    static_configs:\n      - targets: ["${target}"]\n`,
  );
  let prom: ChildProcess | null = null;
  try {
    prom = spawn(
      "prometheus",
      [`--config.file=${path.join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`],
      { stdio: "ignore" },
    );
    const query = `DCGM_FI_DEV_GPU_UTIL{Hostname="${node}"}`;
    type Result = { metric: Record<string, string>; value: [number, string] };
    let results: Result[] = [];
    await expect
      .poll(
        async () => {
          try {
            const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(query)}`);
            results = ((await res.json()) as { data: { result: Result[] } }).data.result;
          } catch {
            results = [];
          }
          return results.length;
        },
        { timeout: 30_000 },
      )
      .toBe(2);
    expect(results.map((r) => [r.metric.gpu, r.metric.model_name, r.value[1]]).sort()).toEqual([
      ["0", GPU_MODEL, "35"],
      ["1", GPU_MODEL, expect.any(String)],
    ]);
    const up = await (await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent('up{job="aiinfra"}')}`)).json();
    expect(up.data.result[0].value[1]).toBe("1");

    // Every query of the shipped Grafana dashboard is valid PromQL over these series, and the
    // GPU panels (the per-instance one included) show the fixture node's GPUs.
    const dashboard = JSON.parse(readFileSync("deploy/grafana/aiinfra-console.json", "utf8")) as { panels: { title: string; targets?: { expr: string }[] }[] };
    for (const panel of dashboard.panels) {
      for (const { expr } of panel.targets ?? []) {
        const q = expr.replaceAll("$hostname", node).replaceAll("$gpu", ".*");
        const answer = await (await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`)).json();
        expect(answer.status, `${panel.title}: ${q}: ${JSON.stringify(answer)}`).toBe("success");
        if (expr.includes("DCGM_")) expect(answer.data.result.length, `${panel.title} shows no GPU`).toBeGreaterThan(0);
        if (panel.title === "GPU utilization by instance") expect(answer.data.result.map((r: Result) => r.metric.instance_name)).toContain(instance.name);
      }
    }
  } finally {
    prom?.kill();
  }
});

test("/metrics answers loopback and the bearer token; other addresses and wrong tokens are refused", async ({ api, adminToken, baseURL }) => {
  const a = { headers: bearer(adminToken) };
  const token = `metrics-${uniq(16)}`;
  const set = await api.patch("/api/v1/admin/settings", { ...a, data: { metricsToken: token } });
  expect(set.status(), await set.text()).toBe(200);
  const settings = await set.json();
  expect(settings.metricsTokenSet).toBe(true);
  expect(JSON.stringify(settings)).not.toContain(token);
  try {
    // From elsewhere (a proxy hop the console trusts says so): the token is needed.
    const away = { "x-forwarded-for": "203.0.113.50" };
    const refused = await scrape(baseURL!, away);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("metrics bearer token");
    expect((await scrape(baseURL!, { ...away, authorization: "Bearer wrong-token-wrong-token-wrong" })).status).toBe(401);
    const ok = await scrape(baseURL!, { ...away, authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("aiinfra_build_info{version=");
    // A token too short is refused with the field named; nothing changes.
    const short = await api.patch("/api/v1/admin/settings", { ...a, data: { metricsToken: "short" } });
    expect(short.status()).toBe(400);
    expect((await short.json()).error.issues[0].path).toBe("metricsToken");
    expect((await scrape(baseURL!, { ...away, authorization: `Bearer ${token}` })).status).toBe(200);
    // POST is not a scrape.
    expect((await fetch(`${baseURL}/metrics`, { method: "POST" })).status).toBe(405);
  } finally {
    await api.patch("/api/v1/admin/settings", { ...a, data: { metricsToken: null } });
  }
  expect((await (await api.get("/api/v1/admin/settings", a)).json()).metricsTokenSet).toBe(false);
});
