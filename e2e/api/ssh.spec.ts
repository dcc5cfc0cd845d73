// The SSH jump host of the built console, as a user meets it: a key added through the API,
// the command the API gives, run by the real OpenSSH client with the console's host key
// checked (StrictHostKeyChecking against the API's known_hosts line). On the local engine and
// on the TLS engine (a remote node: every byte through the Docker API over TLS), with the
// console's own tools (the image has no sftp-server).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { bearer, expect, test, type TestUser, uniq } from "../fixtures";
import { freshRegistryImage, launchRunning, launchSetup, tls, TLS_DOCKER } from "../node-fixtures";
import { keyFiles } from "../ssh-fixtures";

type Access = {
  enabled: boolean;
  host: string;
  port: number;
  username: string;
  command: string;
  config: string;
  knownHosts: string;
  hostKeyFingerprint: string;
};

function ssh(args: string[], input = ""): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("ssh", args);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Adds a new key for the user through the API; answers the private key's file. */
async function userKey(api: APIRequestContext, u: TestUser, dir: string): Promise<string> {
  const file = keyFiles(dir, `k${uniq(3)}`);
  const res = await api.post("/api/v1/users/me/ssh-keys", {
    headers: bearer(u.token),
    data: { name: "laptop", publicKey: readFileSync(`${file}.pub`, "utf8") },
  });
  expect(res.status(), await res.text()).toBe(201);
  return file;
}

/** `ssh` options for the API's command: this key only, the console's host key pinned from the API. */
function options(a: Access, key: string, dir: string): string[] {
  const known = path.join(dir, `known_hosts_${uniq(3)}`);
  writeFileSync(known, `${a.knownHosts}\n`);
  return [
    "-i",
    key,
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    "IdentityAgent=none",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `UserKnownHostsFile=${known}`,
    "-o",
    "BatchMode=yes",
  ];
}

/** The API's command (`ssh -p <port> <user>@<host>`) as arguments. */
const commandArgs = (a: Access) => a.command.split(" ").slice(1);

async function access(api: APIRequestContext, token: string, id: string): Promise<Access> {
  const res = await api.get(`/api/v1/instances/${id}/ssh`, { headers: bearer(token) });
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

test("a user's key and the API's command open their instance on the local engine; another user's key does not", async ({ api, adminToken, newUser }) => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), "aic-e2e-ssh-"));
  const [alice, bob] = [await newUser(), await newUser()];
  const { node, image, spec } = await launchSetup(api, adminToken);
  const inst = await launchRunning(api, alice.token, { name: `ssh ${uniq(3)}`, imageId: image.id, specId: spec.id, nodeId: node.id });
  const key = await userKey(api, alice, dir);
  const a = await access(api, alice.token, inst.id);
  expect(a.command).toBe(`ssh -p ${a.port} ${inst.id}.${alice.username}@127.0.0.1`);
  const opts = options(a, key, dir);

  const hello = await ssh([...opts, ...commandArgs(a), "echo hello from $(hostname); echo oops >&2; exit 3"]);
  expect(hello.stderr).toBe("oops\n");
  expect(hello.stdout).toMatch(/^hello from \S+\n$/);
  expect(hello.code).toBe(3);

  const data = "x".repeat(100_000);
  const stored = await ssh([...opts, ...commandArgs(a), "cat > /tmp/in.txt; wc -c < /tmp/in.txt"], data);
  expect(stored.stdout.trim()).toBe("100000");

  // The host alias from the API's ~/.ssh/config stanza works for scp too.
  const config = path.join(dir, "config");
  writeFileSync(config, a.config);
  const alias = /^Host (\S+)/.exec(a.config)![1]!;
  const local = path.join(dir, "up.txt");
  writeFileSync(local, `payload ${uniq()}\n`);
  execFileSync("scp", ["-F", config, ...opts, local, `${alias}:/tmp/up.txt`]);
  execFileSync("scp", ["-F", config, ...opts, `${alias}:/tmp/up.txt`, path.join(dir, "down.txt")]);
  expect(readFileSync(path.join(dir, "down.txt"), "utf8")).toBe(readFileSync(local, "utf8"));

  const bobKey = await userKey(api, bob, dir);
  const refused = await ssh([...options(a, bobKey, dir), ...commandArgs(a), "true"]);
  expect(refused.code).toBe(255);
  expect(refused.stderr).toContain("Permission denied (publickey)");
  // Bob cannot even learn the command for Alice's instance.
  expect((await api.get(`/api/v1/instances/${inst.id}/ssh`, { headers: bearer(bob.token) })).status()).toBe(404);
  expect((await api.delete(`/api/v1/instances/${inst.id}`, { headers: bearer(alice.token) })).status()).toBe(204);
});

test("on a remote (TLS) engine: commands with stdin, sftp with the console's own sftp-server, and a -L forward", async ({ api, adminToken, newUser }) => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), "aic-e2e-ssh-"));
  const u = await newUser();
  const h = bearer(adminToken);
  const node = await (
    await api.post("/api/v1/nodes", {
      headers: h,
      data: { name: `tls-${uniq()}`, dockerAddress: TLS_DOCKER, useTls: true, ...tls(), cpuCores: 4, memoryGb: 8 },
    })
  ).json();
  expect((await (await api.post(`/api/v1/nodes/${node.id}/test`, { headers: h, data: {} })).json()).online).toBe(true);
  const image = await (await api.post("/api/v1/images", { headers: h, data: { name: `bb ${uniq(3)}`, address: freshRegistryImage() } })).json();
  const spec = await (
    await api.post("/api/v1/specs", { headers: h, data: { name: `tls-cpu ${uniq(3)}`, cpuCores: 1, memoryGb: 1, pricePerHourCents: 60 } })
  ).json();
  const inst = await launchRunning(api, u.token, { name: "remote", imageId: image.id, specId: spec.id, nodeId: node.id });
  const key = await userKey(api, u, dir);
  const a = await access(api, u.token, inst.id);
  const opts = options(a, key, dir);

  const counted = await ssh([...opts, ...commandArgs(a), "wc -l"], "1\n2\n3\n4\n");
  expect(counted.stdout.trim()).toBe("4");
  expect(counted.code).toBe(0);

  const local = path.join(dir, "blob.bin");
  writeFileSync(local, Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 256)));
  const batch = path.join(dir, "batch");
  writeFileSync(batch, `put ${local} /tmp/blob.bin\nget /tmp/blob.bin ${local}.back\n`);
  const sftpOpts = opts.concat(["-P", String(a.port)]);
  execFileSync("sftp", ["-b", batch, ...sftpOpts, `${a.username}@${a.host}`]);
  expect(readFileSync(`${local}.back`).equals(readFileSync(local))).toBe(true);

  await ssh([...opts, ...commandArgs(a), "mkdir -p /tmp/w && echo remote-page > /tmp/w/index.html && (busybox httpd -p 127.0.0.1:8090 -h /tmp/w &)"]);
  const free = 30000 + Math.floor(Math.random() * 10000);
  const tunnel = spawn("ssh", [...opts, "-N", "-o", "ExitOnForwardFailure=yes", "-L", `${free}:localhost:8090`, ...commandArgs(a)]);
  try {
    await expect
      .poll(
        () =>
          fetch(`http://127.0.0.1:${free}/`)
            .then((r) => r.text())
            .catch(() => ""),
        { timeout: 20_000 },
      )
      .toBe("remote-page\n");
  } finally {
    tunnel.kill();
  }
  expect((await api.delete(`/api/v1/instances/${inst.id}`, { headers: bearer(u.token) })).status()).toBe(204);
});
