// The aiinfra CLI (the bundled packages/cli/dist/aiinfra.cjs, as `npx aiinfra` runs it) against
// a real console: version without sign-in, config, password and token sign-in (config file
// 0600), whoami, images and specs, an instance's whole life by name with --wait, table and
// --json output, errors on stderr with code and request id, and the exit codes.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import type { TestInfo } from "@playwright/test";
import { bearer, expect, test, uniq } from "../fixtures";
import { launchSetup } from "../node-fixtures";
import { mapUser, registerCluster } from "../slurm-fixtures";
import { keyFiles } from "../ssh-fixtures";

const CLI = path.resolve("packages/cli/dist/aiinfra.cjs");

type Result = { code: number; stdout: string; stderr: string };

function cli(args: string[], opts: { env?: Record<string, string>; input?: string; configDir: string }): Promise<Result> {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env.PATH ?? "", HOME: opts.configDir, AIINFRA_CONFIG_DIR: opts.configDir, ...opts.env };
    const child = spawn(process.execPath, [CLI, ...args], { env: env as unknown as NodeJS.ProcessEnv, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.input ?? "");
  });
}

/** A fresh config directory, and the CLI run against this test's console with `token` from the environment. */
function cliAs(testInfo: TestInfo, token: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "aic-cli-"));
  const env = { AIINFRA_URL: String(testInfo.project.use.baseURL), AIINFRA_TOKEN: token };
  return { dir, env, run: (...args: string[]) => cli(args, { configDir: dir, env }) };
}

/** A command left running (logs -f): its output so far, and its end. */
function background(args: string[], opts: { env: Record<string, string>; configDir: string }) {
  const env = { PATH: process.env.PATH ?? "", HOME: opts.configDir, AIINFRA_CONFIG_DIR: opts.configDir, ...opts.env };
  const child = spawn(process.execPath, [CLI, ...args], { env: env as unknown as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  const got = { stdout: "", stderr: "" };
  child.stdout.on("data", (d) => (got.stdout += d));
  child.stderr.on("data", (d) => (got.stderr += d));
  const ended = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
  return { got, ended, kill: () => child.kill() };
}

test("version needs nothing; config, sign-in with a password or a token, whoami, sign-out; exit codes", async ({ newUser, api }, testInfo) => {
  const url = String(testInfo.project.use.baseURL);
  const dir = mkdtempSync(path.join(os.tmpdir(), "aic-cli-"));
  const run = (args: string[], extra: { env?: Record<string, string>; input?: string } = {}) => cli(args, { configDir: dir, ...extra });

  const version = await run(["version"]);
  expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^aiinfra \d+\.\d+\.\d+\n$/) });
  expect(JSON.parse((await run(["version", "--json"])).stdout)).toEqual({ cli: expect.any(String), console: null, url: null });
  expect((await run(["--version"])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  const usage = await run(["instances", "frobnicate"]);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toContain("unknown command");
  expect((await run(["whoami"])).code).toBe(3);

  expect((await run(["config", "set-url", "ftp://x"])).code).toBe(2);
  expect((await run(["config", "set-url", url])).code).toBe(0);
  expect(JSON.parse((await run(["config", "get", "--json"])).stdout)).toMatchObject({ url, urlFrom: "config", signedIn: false });
  const withServer = JSON.parse((await run(["version", "--json"])).stdout);
  expect(withServer).toMatchObject({ url, console: expect.any(String) });

  const u = await newUser();
  const wrong = await run(["login", "-u", u.username], { input: "not-the-password\n" });
  expect(wrong.code).toBe(3);
  expect(wrong.stderr).toMatch(/^error: INVALID_CREDENTIALS: .+ \(request id [\w-]+\)/);
  const login = await run(["login", "-u", u.username], { input: `${u.password}\n` });
  expect(login.code, login.stderr).toBe(0);
  expect(login.stdout).toContain(`signed in to ${url} as ${u.username}`);
  expect(login.stdout).not.toContain(u.password);
  const file = path.join(dir, "config.json");
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(statSync(dir).mode & 0o077).toBe(0);
  const saved = JSON.parse(readFileSync(file, "utf8"));
  expect(saved).toMatchObject({ url, username: u.username, tokenKind: "login", token: expect.any(String) });
  // The config never prints the token.
  expect((await run(["config", "get"])).stdout).not.toContain(saved.token);

  const who = await run(["whoami"]);
  expect(who.code).toBe(0);
  expect(who.stdout).toMatch(new RegExp(`^user:\\s+${u.username}$`, "m"));
  expect(JSON.parse((await run(["whoami", "--json"])).stdout)).toMatchObject({ id: u.id, username: u.username, role: "user" });

  // An API token from the environment wins over the saved login; a bad one is an authentication failure.
  const token = (await (await api.post("/api/v1/users/me/tokens", { headers: bearer(u.token), data: { name: "cli" } })).json()).token as string;
  const viaEnv = await run(["whoami", "--json"], { env: { AIINFRA_TOKEN: token } });
  expect(JSON.parse(viaEnv.stdout).username).toBe(u.username);
  const bad = await run(["whoami"], { env: { AIINFRA_TOKEN: "aic_not_a_token" } });
  expect(bad.code).toBe(3);
  expect(bad.stderr).toMatch(/UNAUTHENTICATED/);
  // --url over the saved address.
  const closed = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
  // The saved token is never sent to another address; with a token for it, that address is asked.
  const elsewhere = await run(["whoami", "--url", `http://127.0.0.1:${closed}`]);
  expect(elsewhere.code).toBe(3);
  expect(elsewhere.stderr).toContain(`not signed in to http://127.0.0.1:${closed} (the saved sign-in is for ${url})`);
  const unreachable = await run(["whoami", "--url", `127.0.0.1:${closed}`], { env: { AIINFRA_TOKEN: token } });
  expect(unreachable.code).toBe(1);
  expect(unreachable.stderr).toMatch(/cannot reach the console \(ECONNREFUSED\)/);

  const out = await run(["logout"]);
  expect(out).toMatchObject({ code: 0, stdout: "signed out\n" });
  // The login token is ended on the console too.
  expect((await api.get("/api/v1/users/me", { headers: bearer(saved.token) })).status()).toBe(401);
  expect((await run(["whoami"])).code).toBe(3);

  const withToken = await run(["login", "--token", "-"], { input: `${token}\n` });
  expect(withToken.code, withToken.stderr).toBe(0);
  expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ tokenKind: "api", token, username: u.username });
  expect((await run(["login", "--token", "aic_wrong"])).code).toBe(3);
});

test("an instance's life from the CLI: create by names with --wait, list, get, stop, start, restart, delete", async ({
  api,
  adminToken,
  newUser,
}, testInfo) => {
  test.setTimeout(180_000);
  const { node, image, spec } = await launchSetup(api, adminToken);
  const u = await newUser();
  const { run } = cliAs(testInfo, u.token);

  const imgs = await run("images", "list");
  expect(imgs.code).toBe(0);
  expect(imgs.stdout.split("\n")[0]).toMatch(/^ID\s+NAME\s+ADDRESS\s+DESCRIPTION$/);
  expect(imgs.stdout).toContain(image.name);
  expect((JSON.parse((await run("specs", "list", "--json")).stdout) as { id: string }[]).map((s) => s.id)).toContain(spec.id);

  const name = `cli-${uniq(4)}`;
  const created = await run("instances", "create", "--image", image.name, "--spec", spec.name, "--node", node.id, "--name", name, "--wait", "--json");
  expect(created.code, created.stderr).toBe(0);
  const inst = JSON.parse(created.stdout);
  expect(inst).toMatchObject({ name, status: "running", nodeId: node.id, imageId: image.id, specId: spec.id });

  const list = await run("instances", "list");
  const header = list.stdout.split("\n")[0]!;
  expect(header).toMatch(/^ID\s+NAME\s+STATUS\s+NODE\s+SPEC\s+IMAGE\s+GPUS\s+PRICE\/H\s+CREATED$/);
  expect(list.stdout.split("\n").find((l) => l.startsWith(inst.id))).toMatch(new RegExp(`^${inst.id}\\s+${name}\\s+running\\s+${node.name}`));
  expect((JSON.parse((await run("instances", "list", "--json", "--status", "running")).stdout) as { id: string }[]).map((i) => i.id)).toContain(inst.id);

  const got = await run("instances", "get", name);
  expect(got.stdout).toMatch(/^status:\s+running$/m);
  expect(got.stdout).toMatch(new RegExp(`^id:\\s+${inst.id}$`, "m"));

  const stopped = await run("instances", "stop", name, "--wait");
  expect(stopped).toMatchObject({ code: 0, stdout: `${name} (${inst.id}): stopped\n` });
  const started = await run("instances", "start", inst.id, "--wait", "--json");
  expect(JSON.parse(started.stdout)).toMatchObject({ id: inst.id, status: "running" });
  expect((await run("instances", "restart", name)).code).toBe(0);

  // No terminal to ask: deleting needs --yes.
  const unasked = await run("instances", "delete", name);
  expect(unasked.code).toBe(2);
  expect(unasked.stderr).toContain("--yes");
  const deleted = await run("instances", "delete", name, "--yes");
  expect(deleted).toMatchObject({ code: 0, stdout: `deleted ${name} (${inst.id})\n` });
  const gone = await run("instances", "get", inst.id);
  expect(gone.code).toBe(4);

  const noImage = await run("instances", "create", "--image", "no-such-image", "--spec", spec.name);
  expect(noImage.code).toBe(4);
  expect(noImage.stderr).toMatch(/no image no-such-image/);
  const missingFlag = await run("instances", "create", "--spec", spec.name);
  expect(missingFlag.code).toBe(2);
  expect(missingFlag.stderr).toContain("--image");
});

test("an instance's output followed (-f), its stats, and ssh through the jump host from the CLI", async ({ api, adminToken, newUser }, testInfo) => {
  test.setTimeout(180_000);
  const { node, image, spec } = await launchSetup(api, adminToken);
  const u = await newUser();
  const { dir, env, run } = cliAs(testInfo, u.token);
  const name = `cli-${uniq(4)}`;
  expect((await run("instances", "create", "--image", image.name, "--spec", spec.name, "--node", node.id, "--name", name, "--wait")).code).toBe(0);

  // ssh --print: the API's command; without a key of the user's the connection is refused.
  const printed = await run("instances", "ssh", name, "--print");
  expect(printed.stdout).toMatch(new RegExp(`^ssh -p \\d+ \\S+\\.${u.username}@\\S+\\n$`));
  expect((await run("instances", "ssh", name, "--config")).stdout).toMatch(new RegExp(`^Host aiinfra-${name}$`, "m"));
  const key = keyFiles(dir, "id_cli");
  const added = await api.post("/api/v1/users/me/ssh-keys", { headers: bearer(u.token), data: { name: "cli", publicKey: readFileSync(`${key}.pub`, "utf8") } });
  expect(added.status()).toBe(201);
  const sshOpts = ["-i", key, "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "BatchMode=yes"];

  const follower = background(["instances", "logs", name, "-f", "--tail", "5"], { env, configDir: dir });
  // ssh runs a command in the container (the jump host's key checked from the API's known_hosts
  // line): its exit code is the CLI's, and what it writes to the container's own output is followed.
  const viaSsh = await run("instances", "ssh", name, "--", ...sshOpts, "sh", "-c", "'echo followed-line-1 > /proc/1/fd/1; echo via-ssh; exit 3'");
  expect(viaSsh.stdout).toBe("via-ssh\n");
  expect(viaSsh.code, viaSsh.stderr).toBe(3);
  expect(readFileSync(path.join(dir, "known_hosts"), "utf8")).toMatch(/ssh-ed25519 /);
  await expect.poll(() => follower.got.stdout, { timeout: 15_000 }).toContain("followed-line-1\n");
  expect((await run("instances", "ssh", name, "--", ...sshOpts, "sh", "-c", "'echo followed-line-2 > /proc/1/fd/1'")).code).toBe(0);
  await expect.poll(() => follower.got.stdout, { timeout: 15_000 }).toContain("followed-line-2\n");
  // Each line once, in order.
  expect(follower.got.stdout.match(/followed-line-\d/g)).toEqual(["followed-line-1", "followed-line-2"]);

  const logs = await run("instances", "logs", name, "--json");
  const lines = logs.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { stream: string; time: string; text: string });
  expect(lines.slice(-2)).toEqual([
    { stream: "stdout", time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), text: "followed-line-1" },
    { stream: "stdout", time: expect.any(String), text: "followed-line-2" },
  ]);

  const stats = await run("instances", "stats", name);
  expect(stats.code, stats.stderr).toBe(0);
  expect(stats.stdout.split("\n")[1]).toMatch(/^TIME\s+CPU %\s+MEMORY\s+NET RX\/TX\s+DISK R\/W\s+PIDS$/);
  expect(JSON.parse((await run("instances", "stats", name, "--json")).stdout)).toMatchObject({
    cpuPercent: expect.any(Number),
    memoryUsage: expect.any(Number),
    pids: expect.any(Number),
  });

  // Like docker logs -f: following ends when the instance stops.
  expect((await run("instances", "stop", name, "--wait")).code).toBe(0);
  expect(await Promise.race([follower.ended, new Promise((r) => setTimeout(() => r("still following"), 20_000))])).toBe(0);
  expect((await run("instances", "delete", name, "--yes")).code).toBe(0);
});

test("jobs and runs from the CLI: create, trigger --wait, logs and -f, cancel, retry, pause, resume, delete", async ({
  api,
  adminToken,
  newUser,
}, testInfo) => {
  test.setTimeout(240_000);
  const { node, image, spec } = await launchSetup(api, adminToken);
  const tag = `cli-${uniq(4)}`;
  expect((await api.put(`/api/v1/workers/${node.id}`, { headers: bearer(adminToken), data: { tags: [tag] } })).status()).toBe(200);
  const u = await newUser();
  const { dir, run } = cliAs(testInfo, u.token);
  const name = `job-${uniq(4)}`;
  const jobFile = path.join(dir, "job.json");
  writeFileSync(
    jobFile,
    JSON.stringify({ executor: "container", nodeTags: [tag], container: { command: "echo first-line; echo err-line >&2; sleep 2; echo late-line" } }),
  );

  // Bad flags are named; nothing is made.
  expect((await run("jobs", "create", "--name", name, "--command", "true", "--paused")).stderr).toContain("--paused needs --cron");
  const noName = await run("jobs", "create", "--command", "true");
  expect(noName).toMatchObject({ code: 2, stderr: expect.stringContaining("--name is required") });
  const noImage = await run("jobs", "create", "--name", name, "--file", jobFile);
  expect(noImage.code).toBe(1);
  expect(noImage.stderr).toMatch(/VALIDATION_FAILED[\s\S]*imageId: is required for container jobs/);

  const created = await run(
    "jobs",
    "create",
    "--name",
    name,
    "--file",
    jobFile,
    "--image",
    image.name,
    "--spec",
    spec.name,
    "--cron",
    "0 0 1 1 *",
    "--paused",
    "--json",
  );
  expect(created.code, created.stderr).toBe(0);
  const job = JSON.parse(created.stdout);
  expect(job).toMatchObject({ name, executor: "container", status: "paused", trigger: "cron", cron: "0 0 1 1 *", imageId: image.id, specId: spec.id });
  const listed = await run("jobs", "list");
  expect(listed.stdout.split("\n")[0]).toMatch(/^ID\s+NAME\s+EXECUTOR\s+STATUS\s+TRIGGER\s+NEXT RUN\s+LAST RUN$/);
  expect(listed.stdout).toMatch(new RegExp(`^${job.id}\\s+${name}\\s+container\\s+paused`, "m"));
  expect((await run("jobs", "resume", name)).stdout).toBe(`${name} (${job.id}): active\n`);
  expect((await run("jobs", "get", name)).stdout).toMatch(
    new RegExp(`^id:\\s+${job.id}\\nname:\\s+${name}\\nexecutor:\\s+container\\nstatus:\\s+active$`, "m"),
  );

  // trigger --wait: the run's fields, exit code 0 when it succeeded.
  const done = await run("jobs", "trigger", name, "--wait");
  expect(done.code, done.stderr).toBe(0);
  expect(done.stdout).toMatch(/^status:\s+succeeded$/m);
  const runId = /^id:\s+(\S+)$/m.exec(done.stdout)![1]!;
  const logs = await run("runs", "logs", runId);
  // The log kept with an ended run holds both streams.
  expect(logs.stdout).toContain("err-line\n");
  expect(logs.stdout).toMatch(/late-line\n$/);
  const runs = JSON.parse((await run("runs", "list", "--job", name, "--json")).stdout) as { id: string; status: string }[];
  expect(runs.map((r) => r.id)).toContain(runId);
  expect(JSON.parse((await run("runs", "get", runId, "--json")).stdout)).toMatchObject({ id: runId, jobId: job.id, status: "succeeded" });

  // -f from the start: lines as they come, then the run's end decides the exit code.
  const triggered = JSON.parse((await run("jobs", "trigger", job.id, "--json")).stdout) as { id: string };
  const followed = await run("runs", "logs", triggered.id, "-f");
  expect(followed.code, followed.stderr).toBe(0);
  expect(followed.stdout.match(/late-line/g)).toHaveLength(1);

  // A failing command: --wait exits 1 and says why; retry makes attempt 2.
  const failing = `fail-${uniq(4)}`;
  writeFileSync(jobFile, JSON.stringify({ executor: "container", nodeTags: [tag], container: { command: "exit 3" } }));
  expect(
    (await run("jobs", "create", "--name", failing, "--file", jobFile, "--image", image.id, "--spec", spec.id, "--cron", "0 0 1 1 *", "--paused")).code,
  ).toBe(0);
  const failed = await run("jobs", "trigger", failing, "--wait", "--json");
  expect(failed.code).toBe(1);
  expect(failed.stderr).toMatch(/failed: Exited with code 3/);
  const failedRun = JSON.parse(failed.stdout) as { id: string };
  expect((await run("runs", "retry", failedRun.id)).stdout).toMatch(/ \(attempt 2\): queued\n$/);

  // A long run is cancelled.
  writeFileSync(jobFile, JSON.stringify({ executor: "container", nodeTags: [tag], container: { command: "sleep 300" } }));
  const slow = `slow-${uniq(4)}`;
  expect((await run("jobs", "create", "--name", slow, "--file", jobFile, "--image", image.id, "--spec", spec.id, "--cron", "0 0 1 1 *", "--paused")).code).toBe(
    0,
  );
  const long = JSON.parse((await run("jobs", "trigger", slow, "--json")).stdout) as { id: string };
  expect((await run("runs", "cancel", long.id)).code).toBe(0);
  await expect.poll(async () => JSON.parse((await run("runs", "get", long.id, "--json")).stdout).status, { timeout: 60_000 }).toBe("cancelled");

  expect((await run("jobs", "pause", name)).stdout).toBe(`${name} (${job.id}): paused\n`);
  expect((await run("jobs", "delete", name)).code).toBe(2);
  expect((await run("jobs", "delete", name, "--yes")).stdout).toBe(`deleted job ${name} (${job.id})\n`);
  expect((await run("jobs", "get", job.id)).code).toBe(4);
  expect((await run("runs", "get", "no-such-run")).code).toBe(4);
});

test("Slurm from the CLI: clusters, nodes, submit --script --wait, list, cancel", async ({ api, adminToken, newUser }, testInfo) => {
  test.setTimeout(240_000);
  const cluster = await registerCluster(api, adminToken);
  const u = await newUser();
  await mapUser(api, adminToken, cluster.id, u.id, "aicslurm1");
  const { dir, run } = cliAs(testInfo, u.token);

  const clusters = await run("slurm", "clusters");
  expect(clusters.stdout.split("\n")[0]).toMatch(/^ID\s+NAME\s+STATUS\s+SLURM\s+MESSAGE$/);
  expect(clusters.stdout).toMatch(new RegExp(`^${cluster.id}\\s+${cluster.name}\\s+healthy\\s+22\\.05\\.8`, "m"));
  const nodes = await run("slurm", "nodes", cluster.name);
  expect(nodes.stdout.split("\n")[0]).toMatch(/^NAME\s+STATE\s+CPUS\s+MEMORY MB\s+GPUS\s+PARTITIONS\s+REASON$/);
  expect((JSON.parse((await run("slurm", "nodes", cluster.id, "--json")).stdout) as { items: { gpus: { total: number } }[] }).items[0]!.gpus.total).toBe(2);

  const script = path.join(dir, "hello.sh");
  writeFileSync(script, '#!/bin/bash\necho "hello from $(id -un) on $SLURM_JOB_PARTITION"\n');
  const missing = await run("slurm", "jobs", "submit", "--cluster", cluster.name, "--script", path.join(dir, "nope.sh"));
  expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining("no such file") });
  const submitted = await run("slurm", "jobs", "submit", "--cluster", cluster.name, "--script", script, "--partition", "debug", "--time", "2", "--wait");
  expect(submitted.code, submitted.stderr).toBe(0);
  expect(submitted.stdout).toContain("hello from aicslurm1 on debug\n");
  expect(submitted.stdout).toMatch(/^status:\s+succeeded$/m);
  expect(submitted.stdout).toMatch(/^slurm job:\s+\d+$/m);

  const listed = await run("slurm", "jobs", "list", "--cluster", cluster.name);
  expect(listed.stdout.split("\n")[0]).toMatch(/^RUN\s+JOB\s+SLURM JOB\s+STATUS\s+SLURM STATE\s+NODES\s+QUEUED\s+COST$/);
  expect(listed.stdout).toMatch(/\shello\.sh\s+\d+\s+succeeded\s+COMPLETED\s/);
  // The whole queue is for administrators.
  expect((await run("slurm", "jobs", "list", "--cluster", cluster.name, "--queue")).code).toBe(1);

  writeFileSync(script, "#!/bin/bash\nsleep 300\n");
  const long = JSON.parse((await run("slurm", "jobs", "submit", "--cluster", cluster.id, "--script", script, "--name", "long", "--json")).stdout) as {
    id: string;
  };
  await expect.poll(async () => JSON.parse((await run("runs", "get", long.id, "--json")).stdout).slurm?.jobId, { timeout: 60_000 }).toEqual(expect.any(Number));
  expect((await run("slurm", "jobs", "cancel", long.id)).code).toBe(0);
  await expect.poll(async () => JSON.parse((await run("runs", "get", long.id, "--json")).stdout).status, { timeout: 60_000 }).toBe("cancelled");
});

test("billing and administration from the CLI; shell completion", async ({ api, adminToken, newUser }, testInfo) => {
  test.setTimeout(120_000);
  const u = await newUser("user", { balanceCents: 0 });
  const { dir, run: asUser } = cliAs(testInfo, u.token);
  const { run: asAdmin } = cliAs(testInfo, adminToken);

  // Administrators: codes as CSV (shown once), nodes, users. Users may not.
  expect((await asUser("codes", "generate", "--amount", "5", "--count", "1")).code).toBe(1);
  expect((await asAdmin("codes", "generate", "--amount", "five", "--count", "2")).code).toBe(2);
  const codes = await asAdmin("codes", "generate", "--amount", "12.50", "--count", "2", "--description", "cli test");
  expect(codes.code, codes.stderr).toBe(0);
  const csv = codes.stdout.trim().split("\n");
  expect(csv[0]).toBe("code,amount,batch");
  expect(csv).toHaveLength(3);
  const [code, amount] = csv[1]!.split(",");
  expect(amount).toBe("12.50");

  const { node } = await launchSetup(api, adminToken);
  const nodes = await asAdmin("nodes", "list");
  expect(nodes.stdout.split("\n")[0]).toMatch(/^ID\s+NAME\s+STATUS\s+GPUS\s+CPU\s+MEMORY\s+DOCKER\s+MESSAGE$/);
  expect(nodes.stdout).toMatch(new RegExp(`^${node.id}\\s+${node.name}\\s+online`, "m"));
  const tested = await asAdmin("nodes", "test", node.name);
  expect(tested.code, tested.stderr).toBe(0);
  expect(tested.stdout).toMatch(new RegExp(`^${node.name}: online\\nCHECK\\s+RESULT\\s+MESSAGE\\ndocker\\s+ok\\s+`));
  expect((await asUser("nodes", "list")).code).toBe(1);
  const users = JSON.parse((await asAdmin("users", "list", "--search", u.username, "--json")).stdout) as { username: string }[];
  expect(users.map((x) => x.username)).toEqual([u.username]);

  // A user redeems a code and sees it in the balance and the ledger.
  const before = await asUser("billing", "balance");
  expect(before.stdout).toMatch(/^balance:\s+¥0\.00$/m);
  const redeemed = await asUser("billing", "redeem", code!);
  expect(redeemed).toMatchObject({ code: 0, stdout: "added ¥12.50; balance ¥12.50\n" });
  expect((await asUser("billing", "redeem", code!)).code).toBe(1);
  expect(JSON.parse((await asUser("billing", "balance", "--json")).stdout)).toMatchObject({ balanceCents: 1250 });
  const ledger = await asUser("billing", "ledger");
  expect(ledger.stdout.split("\n")[0]).toMatch(/^TIME\s+KIND\s+AMOUNT\s+BALANCE\s+INSTANCE\s+NOTE$/);
  expect(ledger.stdout).toMatch(/\srecharge\s+\+¥12\.50\s+¥12\.50\s/);
  expect((await asUser("billing", "ledger", "--kind", "gift")).code).toBe(2);

  // Completion: bash completes commands and options from the real script.
  const script = path.join(dir, "completion.bash");
  writeFileSync(script, (await asUser("completion", "bash")).stdout);
  const complete = (line: string) =>
    execFileSync("bash", ["-c", `source ${script}; COMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _aiinfra; echo "\${COMPREPLY[*]}"`], {
      encoding: "utf8",
    }).trim();
  expect(complete("aiinfra ins").split(" ")).toEqual(["instances", "instance"]);
  expect(complete("aiinfra instances l").split(" ").sort()).toEqual(["list", "logs", "ls"]);
  expect(complete("aiinfra instances logs x --fo")).toBe("--follow");
  // After an option that takes a value, file names (the shell's default), not options.
  expect(complete("aiinfra slurm jobs submit --script ''")).toBe("");
  expect((await asUser("completion", "fish")).code).toBe(2);
});
