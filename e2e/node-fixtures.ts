import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, uniq } from "./fixtures";

// The compute-node fixtures (scripts/test-env-nodes.sh), seen from the end-to-end tests.

const FIX = process.env.AIC_FIXTURES ?? "/var/lib/aic-test";
const read = (...p: string[]) => readFileSync(path.join(FIX, ...p), "utf8");

export const LOCAL_DOCKER = "unix:///var/run/docker.sock";
export const TLS_DOCKER = "tcp://127.0.0.1:2376";
/** A Docker engine that offers the nvidia device driver (fixture hook): GPU containers start there. */
export const GPU_DOCKER = "unix:///var/run/docker-gpu.sock";
export const GPU_MODEL = "NVIDIA GeForce RTX 4090";
export const tls = () => ({ caCert: read("tls", "ca.pem"), clientCert: read("tls", "client-cert.pem"), clientKey: read("tls", "client-key.pem") });
export const wrongTls = () => ({
  caCert: read("tls-wrong", "ca.pem"),
  clientCert: read("tls-wrong", "client-cert.pem"),
  clientKey: read("tls-wrong", "client-key.pem"),
});
export const SSH = {
  host: "127.0.0.1",
  port: 2222,
  otherHostPort: 2223,
  username: "aicnode",
  password: "aic-node-password",
  privateKey: () => read("ssh", "id_ed25519"),
  /** A real (empty) ELF shared library standing in for HAMi-core's libvgpu.so. */
  hamiCorePath: path.join(FIX, "hami", "libvgpu.so"),
  /** A directory named like a library (scripts/test-env-nodes.sh). */
  hamiDirectory: path.join(FIX, "hami", "link-to-dir.so"),
};

/** Pushes a local image (busybox unless told) to the local registry under a new tag; answers the reference. */
export function freshRegistryImage(source = "local/busybox:latest"): string {
  const ref = `127.0.0.1:5000/aic/e2e:${uniq(4)}`;
  execFileSync("docker", ["tag", source, ref]);
  execFileSync("docker", ["push", ref], { stdio: "ignore" });
  execFileSync("docker", ["rmi", ref], { stdio: "ignore" });
  return ref;
}

/** Whether the TLS engine has an image (asked through its local admin socket). */
export function tlsEngineHas(ref: string): boolean {
  try {
    execFileSync("docker", ["-H", "unix:///var/run/docker-tls.sock", "image", "inspect", ref], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A web app on port 8000 and a stand-in for JupyterLab (scripts/fixtures/aic-web.py; test-env-nodes.sh builds it). */
export const WEB_IMAGE = "local/aic-web:latest";

/** Real JupyterLab (scripts/images/jupyterlab.sh, which test-env-nodes.sh runs; it may fail without a mirror). */
export const JUPYTERLAB_IMAGE = "local/jupyterlab:4";

/** Skips the test, saying why, when the JupyterLab image could not be built here. */
export function needsJupyterLab(): void {
  let present = true;
  try {
    execFileSync("docker", ["image", "inspect", JUPYTERLAB_IMAGE], { stdio: "ignore" });
  } catch {
    present = false;
  }
  test.skip(!present, `${JUPYTERLAB_IMAGE} is missing: scripts/images/jupyterlab.sh could not build it (scripts/test-env.sh logs why)`);
}

/** Prints "aic-app started on <hostname>" and idles (scripts/test-env-nodes.sh builds it). */
export const APP_IMAGE = "local/aic-app:latest";

type Api = import("@playwright/test").APIRequestContext;

/**
 * A node of its own on the local engine (online after its test), a listed image of
 * local/aic-app and a 1-CPU/1-GB spec: what a test needs to launch instances without
 * competing with other tests for capacity.
 */
export async function launchSetup(api: Api, adminToken: string, node: { cpuCores?: number; memoryGb?: number; pricePerHourCents?: number } = {}) {
  const post = poster(api, adminToken);
  const n = await post("/api/v1/nodes", { name: `local-${uniq()}`, dockerAddress: LOCAL_DOCKER, cpuCores: node.cpuCores ?? 4, memoryGb: node.memoryGb ?? 8 });
  return {
    node: await online(post, n),
    image: await appImage(post),
    spec: await post("/api/v1/specs", { name: `cpu-1 ${uniq(3)}`, cpuCores: 1, memoryGb: 1, pricePerHourCents: node.pricePerHourCents ?? 120 }),
  };
}

/**
 * A GPU node of its own: the GPU-host engine (GPU_DOCKER) with SSH to the fixture
 * nvidia-smi (two RTX 4090, 24 GB; GPU 0 at 35 %, 1024 MiB used), a listed image and a
 * one-GPU spec (`split`: 8 GB of a shared GPU through HAMi-core instead of a whole GPU).
 */
export async function gpuLaunchSetup(api: Api, adminToken: string, opts: { split?: boolean } = {}) {
  const post = poster(api, adminToken);
  const n = await post("/api/v1/nodes", {
    name: `gpu-${uniq()}`,
    dockerAddress: GPU_DOCKER,
    privateIp: SSH.host,
    sshPort: SSH.port,
    sshUsername: SSH.username,
    sshPassword: SSH.password,
    cpuCores: 8,
    memoryGb: 16,
    gpuName: GPU_MODEL,
    gpuCount: 2,
    gpuMemoryGb: 24,
    hamiCorePath: SSH.hamiCorePath,
  });
  const spec = await post("/api/v1/specs", {
    name: `gpu-1 ${uniq(3)}`,
    cpuCores: 1,
    memoryGb: 1,
    gpuModel: GPU_MODEL,
    gpuCount: 1,
    gpuMemoryGb: opts.split ? 8 : 24,
    supportMemorySplit: !!opts.split,
    pricePerHourCents: 250,
  });
  return { node: await online(post, n), image: await appImage(post, !!opts.split), spec };
}

type Post = (url: string, data: unknown) => Promise<{ id: string; name: string }>;

function poster(api: Api, adminToken: string): Post {
  const headers = { authorization: `Bearer ${adminToken}` };
  return async (url, data) => {
    const res = await api.post(url, { headers, data });
    if (!res.ok()) throw new Error(`${url}: ${res.status()} ${await res.text()}`);
    return res.json();
  };
}

async function online(post: Post, n: { id: string; name: string }) {
  const tested = (await post(`/api/v1/nodes/${n.id}/test`, {})) as unknown as { online: boolean };
  if (!tested.online) throw new Error(`node ${n.name} not online: ${JSON.stringify(tested)}`);
  return n;
}

const appImage = (post: Post, supportMemorySplit = false) =>
  post("/api/v1/images", { name: `aic-app ${uniq(3)}`, address: APP_IMAGE, description: "Says hello, then idles", supportMemorySplit });

/** Waits until the instance has `status` (30 s). */
export async function waitForStatus(api: Api, token: string, id: string, status: string) {
  await expect
    .poll(async () => (await (await api.get(`/api/v1/instances/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()).status, { timeout: 30_000 })
    .toBe(status);
}

/** Launches an instance as `token`'s user and waits until it runs; answers it as it is then. */
export async function launchRunning(api: Api, token: string, data: { name: string; imageId: string; specId: string; nodeId?: string }) {
  const headers = { authorization: `Bearer ${token}` };
  const res = await api.post("/api/v1/instances", { headers, data });
  if (res.status() !== 202) throw new Error(`launch: ${res.status()} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  await waitForStatus(api, token, id, "running");
  return (await api.get(`/api/v1/instances/${id}`, { headers })).json();
}
