import { describe, expect, it } from "vitest";
import { DATA_MOUNT_PATH } from "@/lib/contracts/instances";
import { toCreateOptions } from "../adapters/docker-runtime";
import { hamiLibraryOf, hostnameOf, instanceWorkload, LABELS, type WorkloadInput } from "./workload";

// An instance's workload (neutral) and what Docker is asked for it (the security defaults
// every workload gets are tested in server/adapters/docker-runtime.test.ts).

const input: WorkloadInput = {
  instance: {
    id: "inst1",
    name: "My Training #1",
    userId: "user1",
    imageAddress: "nvidia/cuda:12.4.1-runtime-ubuntu22.04",
    apps: "[]",
    cpuCores: 8,
    memoryGb: 32,
    memorySplit: false,
  },
  node: { hamiCorePath: "/opt/hami/libvgpu.so", gpuMemoryGb: 24 },
  gpus: [],
  pidsLimit: 4096,
  consoleLabels: { "io.ai-infra-console.console": "c1" },
};

describe("instance workload", () => {
  it("names, labels, limits, the data volume and the owner's network", () => {
    const w = instanceWorkload(input);
    expect(w.name).toBe("aic-inst1");
    expect(w.image).toBe(input.instance.imageAddress);
    expect(w.hostname).toBe("my-training-1");
    expect(w.labels).toEqual({
      "io.ai-infra-console.console": "c1",
      [LABELS.managed]: "true",
      [LABELS.instance]: "inst1",
      [LABELS.user]: "user1",
      [LABELS.gpus]: "",
    });
    expect(w.resources).toEqual({ cpuCores: 8, memoryBytes: 32 * 2 ** 30, pidsLimit: 4096 });
    expect(w.volumes).toEqual([{ volume: "aic-inst1-data", target: DATA_MOUNT_PATH }]);
    expect(w.network).toEqual({ name: "aic-net-user1", aliases: ["my-training-1"] });
    expect(w.interactive).toBe(true);
    expect(w.gpus).toEqual([]);
    expect(w.gpuShares).toBeUndefined();
  });

  it("starts JupyterLab in a notebook image's instance under its app prefix, with a token the console derives; a job run keeps its command", () => {
    process.env.APP_SECRET ??= "unit-test-secret-of-at-least-32-characters";
    const apps = JSON.stringify([{ port: 8888, name: "JupyterLab", kind: "jupyter" }]);
    const w = instanceWorkload({ ...input, instance: { ...input.instance, apps } });
    expect(w.command?.slice(0, 2)).toEqual(["jupyter", "lab"]);
    expect(w.command).toContain("--ServerApp.base_url=/apps/inst1/8888/");
    expect(w.command).toContain("--ip=127.0.0.1");
    expect(w.env.JUPYTER_TOKEN).toMatch(/^[\w-]{43}$/);
    expect(instanceWorkload({ ...input, instance: { ...input.instance, id: "inst2", apps } }).env.JUPYTER_TOKEN).not.toBe(w.env.JUPYTER_TOKEN);
    const run = instanceWorkload({ ...input, instance: { ...input.instance, apps }, batch: { runId: "r1", command: ["python3", "x.py"], env: {} } });
    expect(run.command).toEqual(["python3", "x.py"]);
    expect(run.env.JUPYTER_TOKEN).toBeUndefined();
    expect(instanceWorkload(input).command).toBeUndefined();
  });

  it("asks for the allocated GPUs by index", () => {
    const w = instanceWorkload({
      ...input,
      gpus: [
        { index: 1, memoryGb: 24 },
        { index: 3, memoryGb: 24 },
      ],
    });
    expect(w.gpus).toEqual([1, 3]);
    expect(w.labels[LABELS.gpus]).toBe("1,3");
    const docker = toCreateOptions(w);
    expect(docker.HostConfig!.DeviceRequests).toEqual([{ Driver: "nvidia", DeviceIDs: ["1", "3"], Capabilities: [["gpu"]] }]);
    expect(docker.Env).toEqual([]);
  });

  it("memory split binds only the HAMi-core library file, read-only, and limits memory per visible GPU and SMs by share", () => {
    const w = instanceWorkload({ ...input, instance: { ...input.instance, memorySplit: true }, gpus: [{ index: 2, memoryGb: 8 }] });
    expect(w.gpuShares).toEqual({ hostLibrary: "/opt/hami/libvgpu.so", memoryMb: [8192], smPercent: (100 * 8) / 24 });
    const docker = toCreateOptions(w);
    expect(docker.HostConfig!.Binds).toEqual([]);
    expect(docker.HostConfig!.Mounts).toContainEqual({
      Type: "bind",
      Source: "/opt/hami/libvgpu.so",
      Target: "/usr/local/vgpu/libvgpu.so",
      ReadOnly: true,
      BindOptions: { Propagation: "rprivate" },
    });
    expect(docker.Env).toEqual(["LD_PRELOAD=/usr/local/vgpu/libvgpu.so", "CUDA_DEVICE_MEMORY_LIMIT_0=8192m", "CUDA_DEVICE_SM_LIMIT=33"]);
    const two = toCreateOptions(
      instanceWorkload({
        ...input,
        node: { hamiCorePath: "/opt/hami/lib/libvgpu.so.1", gpuMemoryGb: 80 },
        instance: { ...input.instance, memorySplit: true },
        gpus: [
          { index: 0, memoryGb: 20 },
          { index: 1, memoryGb: 20 },
        ],
      }),
    );
    expect(two.Env).toEqual([
      "LD_PRELOAD=/usr/local/vgpu/libvgpu.so",
      "CUDA_DEVICE_MEMORY_LIMIT_0=20480m",
      "CUDA_DEVICE_MEMORY_LIMIT_1=20480m",
      "CUDA_DEVICE_SM_LIMIT=25",
    ]);
  });

  it("never binds a directory: a path kept from before names the library inside it", () => {
    expect(hamiLibraryOf("/opt/hami")).toBe("/opt/hami/libvgpu.so");
    expect(hamiLibraryOf("/opt/hami/")).toBe("/opt/hami/libvgpu.so");
    expect(hamiLibraryOf("/var/lib/aic-test/tls")).toBe("/var/lib/aic-test/tls/libvgpu.so");
    expect(hamiLibraryOf("/usr/local/vgpu/libvgpu.so")).toBe("/usr/local/vgpu/libvgpu.so");
    const w = instanceWorkload({
      ...input,
      node: { hamiCorePath: "/var/lib/postgresql", gpuMemoryGb: 24 },
      instance: { ...input.instance, memorySplit: true },
      gpus: [{ index: 0, memoryGb: 8 }],
    });
    const binds = toCreateOptions(w).HostConfig!.Mounts!.filter((m) => m.Type === "bind");
    expect(binds.map((m) => m.Source)).toEqual(["/var/lib/postgresql/libvgpu.so"]);
  });

  it("refuses memory split without a HAMi-core path, and ignores it without GPUs", () => {
    expect(() =>
      instanceWorkload({
        ...input,
        node: { hamiCorePath: null, gpuMemoryGb: 24 },
        instance: { ...input.instance, memorySplit: true },
        gpus: [{ index: 0, memoryGb: 8 }],
      }),
    ).toThrow(/HAMi-core/);
    const w = instanceWorkload({ ...input, instance: { ...input.instance, memorySplit: true } });
    expect(w.gpuShares).toBeUndefined();
    expect(toCreateOptions(w).Env).toEqual(["NVIDIA_VISIBLE_DEVICES=void"]);
  });

  it("hostnames are valid labels", () => {
    expect(hostnameOf("训练")).toBe("instance");
    expect(hostnameOf("-a--b-")).toBe("a-b");
    expect(hostnameOf("x".repeat(80))).toHaveLength(63);
  });
});
