// The adapters against real parts (scripts/test-env-nodes.sh): the local dockerd over its
// unix socket, a dockerd on 127.0.0.1:2376 verifying client certificates, a registry, and
// sshd with password and key login and pinned host keys.
import { describe, expect, it } from "vitest";
import { reasonText } from "@/lib/i18n/message-ref";
import { LOCAL_DOCKER, LOCAL_IMAGE, REGISTRY_IMAGE, SSH, TLS_DOCKER, tls, wrongTls } from "../testing/node-fixtures";
import { describeDockerError, dockerClient, engineFacts, imagePresence, pullImage, type DockerTarget } from "./docker";
import { parseDetectedGpus, DETECT_COMMAND } from "./gpu";
import { HostKeyMismatchError, withSsh } from "./ssh";

async function failure(t: DockerTarget): Promise<string> {
  try {
    await engineFacts(dockerClient(t, 5_000));
  } catch (err) {
    return reasonText(describeDockerError(err, t));
  }
  throw new Error("expected the connection to fail");
}

describe("docker", () => {
  it("reaches the local engine over its unix socket", async () => {
    const facts = await engineFacts(dockerClient({ dockerAddress: LOCAL_DOCKER, useTls: false }));
    expect(facts.dockerVersion).toMatch(/^\d+\.\d+/);
    expect(facts.cpuCores).toBeGreaterThan(0);
    expect(facts.memoryGb).toBeGreaterThan(0);
  });

  it("reaches the TLS engine with a valid client certificate", async () => {
    const facts = await engineFacts(dockerClient({ dockerAddress: TLS_DOCKER, useTls: true, ...tls() }));
    expect(facts.dockerVersion).toMatch(/^\d+\.\d+/);
  });

  it("explains a missing client certificate", async () => {
    const message = await failure({ dockerAddress: TLS_DOCKER, useTls: true, caCert: tls().caCert });
    expect(message).toContain("refused the TLS handshake");
  });

  it("explains a client certificate from another CA", async () => {
    const message = await failure({ dockerAddress: TLS_DOCKER, useTls: true, ...wrongTls(), caCert: tls().caCert });
    expect(message).toContain("refused the TLS handshake");
  });

  it("explains a server certificate the configured CA did not sign", async () => {
    const message = await failure({ dockerAddress: TLS_DOCKER, useTls: true, ...tls(), caCert: wrongTls().caCert });
    expect(message).toContain("not signed by the configured CA");
  });

  it("explains plain HTTP to a TLS port, and a closed port", async () => {
    expect(await failure({ dockerAddress: TLS_DOCKER, useTls: false })).toMatch(/speaks TLS|refused the TLS|HTTP/i);
    expect(await failure({ dockerAddress: "tcp://127.0.0.1:1", useTls: false })).toContain("Connection refused");
    expect(await failure({ dockerAddress: "unix:///nonexistent/docker.sock", useTls: false })).toContain("No Docker socket");
  });

  it("tells presence and pulls with progress; a failed pull gives Docker's reason", async () => {
    const d = dockerClient({ dockerAddress: TLS_DOCKER, useTls: true, ...tls() }, 60_000);
    await d
      .getImage(REGISTRY_IMAGE)
      .remove({ force: true })
      .catch(() => undefined);
    expect(await imagePresence(d, REGISTRY_IMAGE)).toEqual({ present: false, sizeBytes: null });
    const events: string[] = [];
    await pullImage(d, REGISTRY_IMAGE, (p) => events.push(p.status));
    expect(events.length).toBeGreaterThan(0);
    expect(events.join("\n")).toMatch(/Pull complete|Downloaded newer image|Already exists/);
    const present = await imagePresence(d, REGISTRY_IMAGE);
    expect(present.present).toBe(true);
    expect(present.sizeBytes).toBeGreaterThan(0);
    await expect(pullImage(d, "127.0.0.1:5000/aic/does-not-exist:1", () => undefined)).rejects.toThrow(/not found|unknown|manifest/i);
    expect((await imagePresence(dockerClient({ dockerAddress: LOCAL_DOCKER, useTls: false }), LOCAL_IMAGE)).present).toBe(true);
  });
});

describe("ssh", () => {
  const target = { host: SSH.host, port: SSH.port, username: SSH.username, pinnedHostKey: null };

  it("logs in with a password and with a key, and reports the host key", async () => {
    const byPassword = await withSsh({ ...target, password: SSH.password }, async (s) => ({ key: s.hostKey, out: await s.exec("id -un") }));
    expect(byPassword.out.stdout.trim()).toBe("aicnode");
    expect(byPassword.key).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const byKey = await withSsh({ ...target, privateKey: SSH.privateKey() }, (s) => s.exec("echo ok"));
    expect(byKey.stdout.trim()).toBe("ok");
  });

  it("refuses a changed host key before logging in", async () => {
    const pinned = await withSsh({ ...target, password: SSH.password }, async (s) => s.hostKey);
    const err = await withSsh({ ...target, port: SSH.otherHostPort, password: SSH.password, pinnedHostKey: pinned }, async () => "connected").catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HostKeyMismatchError);
    expect((err as HostKeyMismatchError).pinned).toBe(pinned);
    expect((err as HostKeyMismatchError).presented).not.toBe(pinned);
  });

  it("explains a wrong password", async () => {
    await expect(withSsh({ ...target, password: "wrong" }, async () => "in")).rejects.toThrow(/login as aicnode@127.0.0.1:2222 was refused/);
  });

  it("runs the fixture nvidia-smi on the node's PATH", async () => {
    const out = await withSsh({ ...target, password: SSH.password }, (s) => s.exec(DETECT_COMMAND));
    expect(parseDetectedGpus(out.stdout).map((g) => g.name)).toEqual(["NVIDIA GeForce RTX 4090", "NVIDIA GeForce RTX 4090"]);
  });
});
