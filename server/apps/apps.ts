import "server-only";
import { createHmac } from "node:crypto";
import { NOTEBOOK_PORT, type TImageApp } from "@/lib/contracts/images";
import { DATA_MOUNT_PATH } from "@/lib/contracts/instances";
import { deriveKey } from "../crypto/keys";

// Web apps in instances: the HTTP ports an image declares (and JupyterLab in a notebook
// image), copied to the instance when it is made, and opened through the app proxy at
// /apps/<instance>/<port>/. A "jupyter" app knows that prefix (the console starts it with it
// as its base URL) and gets the whole path; an "http" app gets the path without the prefix,
// as if it were served at /.

export type AppKind = "http" | "jupyter";
export type InstanceApp = { port: number; name: string; kind: AppKind };

/** What an instance made from `image` serves: JupyterLab first for a notebook image, then the image's own ports. */
export function appsForImage(image: { apps: TImageApp[]; notebook: boolean }): InstanceApp[] {
  const own = image.apps.map((a): InstanceApp => ({ port: a.port, name: a.name, kind: "http" }));
  return image.notebook ? [{ port: NOTEBOOK_PORT, name: "JupyterLab", kind: "jupyter" }, ...own.filter((a) => a.port !== NOTEBOOK_PORT)] : own;
}

/** An apps column (images' and instances'): a JSON list the console wrote; anything else reads as none. */
export function appList<T>(json: string): T[] {
  if (json === "[]") return [];
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
}

/** An instance's apps from their column. */
export const instanceApps = (json: string) => appList<InstanceApp>(json);

/** How an app on any port of the instance is served: as declared, else a plain HTTP app. */
export function appOn(json: string, port: number): InstanceApp {
  return instanceApps(json).find((a) => a.port === port) ?? { port, name: `Port ${port}`, kind: "http" };
}

export const appPrefix = (instanceId: string, port: number) => `/apps/${instanceId}/${port}/`;

/** Where "Open <app>" goes on the console (which sends the browser on to the app's origin). */
export function appEntry(instanceId: string, app: InstanceApp): string {
  return `${appPrefix(instanceId, app.port)}${app.kind === "jupyter" ? "lab" : ""}`;
}

/**
 * The token of the instance's JupyterLab: derived from the console's secret (never stored,
 * never shown); the proxy presents it, so users never type one.
 */
export function notebookToken(instanceId: string): string {
  return createHmac("sha256", deriveKey("notebook-token")).update(instanceId).digest("base64url");
}

/** How the console starts JupyterLab in a notebook instance: on its loopback, under its prefix, with its token. */
export function notebookLaunch(instanceId: string): { command: string[]; env: Record<string, string> } {
  return {
    command: [
      "jupyter",
      "lab",
      "--no-browser",
      "--allow-root",
      "--ip=127.0.0.1",
      `--port=${NOTEBOOK_PORT}`,
      `--ServerApp.base_url=${appPrefix(instanceId, NOTEBOOK_PORT)}`,
      `--ServerApp.root_dir=${DATA_MOUNT_PATH}`,
      // The proxy reaches it on the loopback with the app origin's Host header.
      "--ServerApp.allow_remote_access=True",
      "--ServerApp.trust_xheaders=True",
    ],
    env: { JUPYTER_TOKEN: notebookToken(instanceId) },
  };
}
