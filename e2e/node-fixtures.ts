import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { uniq } from "./fixtures";

// The compute-node fixtures (scripts/test-env-nodes.sh), seen from the end-to-end tests.

const FIX = process.env.AIC_FIXTURES ?? "/var/lib/aic-test";
const read = (...p: string[]) => readFileSync(path.join(FIX, ...p), "utf8");

export const LOCAL_DOCKER = "unix:///var/run/docker.sock";
export const TLS_DOCKER = "tcp://127.0.0.1:2376";
export const tls = () => ({ caCert: read("tls", "ca.pem"), clientCert: read("tls", "client-cert.pem"), clientKey: read("tls", "client-key.pem") });
export const wrongTls = () => ({ caCert: read("tls-wrong", "ca.pem"), clientCert: read("tls-wrong", "client-cert.pem"), clientKey: read("tls-wrong", "client-key.pem") });
export const SSH = { host: "127.0.0.1", port: 2222, otherHostPort: 2223, username: "aicnode", password: "aic-node-password", privateKey: () => read("ssh", "id_ed25519"), hamiCorePath: path.join(FIX, "hami") };

/** Pushes the busybox image to the local registry under a new tag; answers the reference. */
export function freshRegistryImage(): string {
  const ref = `127.0.0.1:5000/aic/e2e:${uniq(4)}`;
  execFileSync("docker", ["tag", "local/busybox:latest", ref]);
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

/** Prints "aic-app started on <hostname>" and idles (scripts/test-env-nodes.sh builds it). */
export const APP_IMAGE = "local/aic-app:latest";

type Api = import("@playwright/test").APIRequestContext;

/**
 * A node of its own on the local engine (online after its test), a listed image of
 * local/aic-app and a 1-CPU/1-GB spec: what a test needs to launch instances without
 * competing with other tests for capacity.
 */
export async function launchSetup(api: Api, adminToken: string, node: { cpuCores?: number; memoryGb?: number } = {}) {
  const headers = { authorization: `Bearer ${adminToken}` };
  const post = async (url: string, data: unknown) => {
    const res = await api.post(url, { headers, data });
    if (!res.ok()) throw new Error(`${url}: ${res.status()} ${await res.text()}`);
    return res.json();
  };
  const n = await post("/api/v1/nodes", { name: `local-${uniq()}`, dockerAddress: LOCAL_DOCKER, cpuCores: node.cpuCores ?? 4, memoryGb: node.memoryGb ?? 8 });
  const tested = await post(`/api/v1/nodes/${n.id}/test`, {});
  if (!tested.online) throw new Error(`local node not online: ${JSON.stringify(tested)}`);
  const image = await post("/api/v1/images", { name: `aic-app ${uniq(3)}`, address: APP_IMAGE, description: "Says hello, then idles" });
  const spec = await post("/api/v1/specs", { name: `cpu-1 ${uniq(3)}`, cpuCores: 1, memoryGb: 1, pricePerHourCents: 120 });
  return { node: n as { id: string; name: string }, image: image as { id: string; name: string }, spec: spec as { id: string; name: string } };
}
