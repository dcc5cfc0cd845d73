import { describe, expect, it } from "vitest";
import { DROPPED_CAPABILITIES, toCreateOptions } from "./docker-runtime";
import type { WorkloadSpec } from "./runtime";

// What Docker is asked for any workload: the limits it was given and the security defaults
// it cannot opt out of.

const spec: WorkloadSpec = {
  name: "aic-x",
  image: "local/busybox:latest",
  hostname: "x",
  env: { A: "1" },
  labels: { l: "v" },
  resources: { cpuCores: 1.5, memoryBytes: 2 * 2 ** 30, pidsLimit: 128 },
  gpus: [],
  volumes: [{ volume: "aic-x-data", target: "/root/data" }],
  network: { name: "aic-net-u1", aliases: ["x"] },
  interactive: true,
};

describe("Docker create options", () => {
  it("limits resources and adds nothing dangerous", () => {
    const o = toCreateOptions(spec);
    expect(o).toMatchObject({ name: "aic-x", Image: "local/busybox:latest", Hostname: "x", Labels: { l: "v" }, Tty: true, OpenStdin: true });
    expect(o.Env).toEqual(["A=1", "NVIDIA_VISIBLE_DEVICES=void"]);
    expect(o.HostConfig).toMatchObject({
      NanoCpus: 1.5e9,
      Memory: 2 * 2 ** 30,
      MemorySwap: 2 * 2 ** 30,
      PidsLimit: 128,
      Privileged: false,
      CapAdd: [],
      CapDrop: ["NET_RAW", "MKNOD", "AUDIT_WRITE", "SETFCAP"],
      SecurityOpt: ["no-new-privileges:true"],
      NetworkMode: "aic-net-u1",
      IpcMode: "private",
      Binds: [],
      DeviceRequests: [],
      RestartPolicy: { Name: "no" },
    });
    expect(DROPPED_CAPABILITIES).toContain("NET_RAW");
    expect(o.HostConfig!.Mounts).toEqual([{ Type: "volume", Source: "aic-x-data", Target: "/root/data" }]);
    expect(o.NetworkingConfig).toEqual({ EndpointsConfig: { "aic-net-u1": { Aliases: ["x"] } } });
    // Nothing from the host: no socket, no host namespaces.
    expect(JSON.stringify(o)).not.toMatch(/docker\.sock|"host"/);
    expect(o.HostConfig!.PidMode ?? "").toBe("");
  });

  it("batch work: a command, a working directory, no terminal", () => {
    const o = toCreateOptions({ ...spec, command: ["sh", "-c", "echo hi"], workingDir: "/work", interactive: false });
    expect(o).toMatchObject({ Cmd: ["sh", "-c", "echo hi"], WorkingDir: "/work", Tty: false, OpenStdin: false });
  });

  it("GPU shares need GPUs: without any, no library is bound", () => {
    const o = toCreateOptions({ ...spec, gpuShares: { hostLibrary: "/x/libvgpu.so", memoryMb: [], smPercent: 50 } });
    expect(o.HostConfig!.Mounts!.some((m) => m.Type === "bind")).toBe(false);
    expect(o.Env).not.toContain("LD_PRELOAD=/usr/local/vgpu/libvgpu.so");
  });
});
