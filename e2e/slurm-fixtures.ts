import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { bearer, expect, uniq } from "./fixtures";
import { SSH } from "./node-fixtures";

// The Slurm fixture (scripts/test-env-slurm.sh): a real single-host Slurm 22.05 with
// slurmrestd on 127.0.0.1:6820 and a unix socket, partitions debug (default) and batch, one
// node with 2 CPUs and 2 GPUs (GRES), Unix users aicslurm1 and aicslurm2 for console users.

const FIX = process.env.AIC_FIXTURES ?? "/var/lib/aic-test";

export const SLURM = {
  url: "http://127.0.0.1:6820",
  socket: "/run/slurmrestd/slurmrestd.sock",
  /** The cluster's HS256 key, base64 (key mode). */
  key: () => readFileSync(path.join(FIX, "slurm", "jwt_hs256.key")).toString("base64"),
  /** A long-lived token of root (token mode). */
  rootToken: () => /SLURM_ROOT_TOKEN=(\S+)/.exec(readFileSync(path.join(FIX, "slurm", "env"), "utf8"))![1]!,
  users: ["aicslurm1", "aicslurm2"] as const,
};

type Api = APIRequestContext;

export type Cluster = { id: string; name: string; status: string; statusMessage: string | null; apiVersion: string | null; release: string | null };

/** Registers the fixture cluster (key mode, service user root, the test sshd as login node). */
export async function registerCluster(api: Api, adminToken: string, extra: Record<string, unknown> = {}): Promise<Cluster> {
  const res = await api.post("/api/v1/clusters", {
    headers: bearer(adminToken),
    data: {
      name: `aictest-${uniq(4)}`,
      url: SLURM.url,
      authMode: "key",
      authSecret: SLURM.key(),
      serviceUser: "root",
      loginHost: SSH.host,
      loginPort: SSH.port,
      loginUser: SSH.username,
      loginPrivateKey: SSH.privateKey(),
      ...extra,
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as Cluster;
}

/** Maps a console user to one of the fixture's Unix users on the cluster. */
export async function mapUser(api: Api, adminToken: string, clusterId: string, userId: string, slurmUser: string): Promise<void> {
  const res = await api.put(`/api/v1/clusters/${clusterId}/users/${userId}`, { headers: bearer(adminToken), data: { slurmUser } });
  expect(res.status(), await res.text()).toBe(200);
}

/** A free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/**
 * A second real slurmrestd (same cluster) on its own port, to stop and start in a test
 * without touching the one other tests use. Needs root (it runs as the slurmrestd user).
 */
export function ownSlurmrestd(port: number): { start(): Promise<void>; stop(): Promise<void> } {
  let child: ChildProcess | null = null;
  const answers = () =>
    new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.end();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
  return {
    async start() {
      child = spawn(
        "su",
        ["-s", "/bin/sh", "slurmrestd", "-c", `SLURM_JWT=daemon exec /usr/sbin/slurmrestd -a rest_auth/jwt -s openapi/v0.0.38 127.0.0.1:${port}`],
        {
          stdio: "ignore",
        },
      );
      await expect.poll(answers, { timeout: 15_000 }).toBe(true);
    },
    async stop() {
      if (!child) return;
      const c = child;
      child = null;
      // su forwards the signal to slurmrestd.
      c.kill("SIGTERM");
      try {
        execFileSync("pkill", ["-f", `slurmrestd .*127.0.0.1:${port}$`]);
      } catch {
        // already gone
      }
      await expect.poll(answers, { timeout: 15_000 }).toBe(false);
    },
  };
}
