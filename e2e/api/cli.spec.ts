// The aiinfra CLI (the bundled packages/cli/dist/aiinfra.mjs, as `npx aiinfra` runs it) against
// a real console: version without sign-in, config, password and token sign-in (config file
// 0600), whoami, images and specs, an instance's whole life by name with --wait, table and
// --json output, errors on stderr with code and request id, and the exit codes.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { bearer, expect, test, uniq } from "../fixtures";
import { launchSetup } from "../node-fixtures";

const CLI = path.resolve("packages/cli/dist/aiinfra.mjs");

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
  const elsewhere = await run(["whoami", "--url", `http://127.0.0.1:${closed}`]);
  expect(elsewhere.code).toBe(1);
  expect(elsewhere.stderr).toMatch(/cannot reach the console \(ECONNREFUSED\)/);

  const out = await run(["logout"]);
  expect(out).toMatchObject({ code: 0, stdout: "signed out\n" });
  // The login token is ended on the console too.
  expect((await api.get("/api/v1/users/me", { headers: bearer(saved.token) })).status()).toBe(401);
  expect((await run(["whoami"])).code).toBe(3);

  const withToken = await run(["login", "--token", token]);
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
  const url = String(testInfo.project.use.baseURL);
  const dir = mkdtempSync(path.join(os.tmpdir(), "aic-cli-"));
  const { node, image, spec } = await launchSetup(api, adminToken);
  const u = await newUser();
  const env = { AIINFRA_URL: url, AIINFRA_TOKEN: u.token };
  const run = (...args: string[]) => cli(args, { configDir: dir, env });

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
