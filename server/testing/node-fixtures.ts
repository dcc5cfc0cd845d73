import { readFileSync } from "node:fs";
import path from "node:path";

// The compute-node fixtures scripts/test-env-nodes.sh starts: three real Docker engines (one a
// GPU host through a fixture NVIDIA hook), a registry, two sshd (different host keys) with a
// fixture nvidia-smi and HAMi library.

export const FIXTURES = process.env.AIC_FIXTURES ?? "/var/lib/aic-test";
const read = (...p: string[]) => readFileSync(path.join(FIXTURES, ...p), "utf8");

export const LOCAL_DOCKER = "unix:///var/run/docker.sock";
export const TLS_DOCKER = "tcp://127.0.0.1:2376";
/** A Docker engine that offers the nvidia device driver (fixture hook): GPU containers start there. */
export const GPU_DOCKER = "unix:///var/run/docker-gpu.sock";
export const REGISTRY = "127.0.0.1:5000";
export const REGISTRY_IMAGE = `${REGISTRY}/aic/busybox:1.35`;
export const LOCAL_IMAGE = "local/busybox:latest";
/** Prints "aic-app started on <hostname>" (stdout) and "aic-app stderr line", then idles. */
export const APP_IMAGE = "local/aic-app:latest";
/** Debian's python3 on local/busybox (built by scripts/test-env-nodes.sh): for python jobs. */
export const PYTHON_IMAGE = "local/python:3";

export const tls = () => ({ caCert: read("tls", "ca.pem"), clientCert: read("tls", "client-cert.pem"), clientKey: read("tls", "client-key.pem") });
/** A client certificate from an unrelated CA, and that CA. */
export const wrongTls = () => ({
  caCert: read("tls-wrong", "ca.pem"),
  clientCert: read("tls-wrong", "client-cert.pem"),
  clientKey: read("tls-wrong", "client-key.pem"),
});

export const SSH = {
  host: "127.0.0.1",
  port: 2222,
  /** Same user and credentials, another host key. */
  otherHostPort: 2223,
  username: "aicnode",
  password: "aic-node-password",
  privateKey: () => read("ssh", "id_ed25519"),
  /** A real (empty) ELF shared library standing in for HAMi-core's libvgpu.so. */
  hamiCorePath: path.join(FIXTURES, "hami", "libvgpu.so"),
};

/** Paths ending in .so on the sshd fixture that are not shared libraries (scripts/test-env-nodes.sh). */
export const NOT_HAMI = {
  textFile: path.join(FIXTURES, "hami", "text.so"),
  directory: path.join(FIXTURES, "hami", "dir.so"),
  linkToDirectory: path.join(FIXTURES, "hami", "link-to-dir.so"),
};
