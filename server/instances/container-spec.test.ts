import { describe, expect, it } from "vitest";
import { DATA_MOUNT_PATH } from "@/lib/contracts/instances";
import { buildContainerSpec, hostnameOf, LABELS, type ContainerInput } from "./container-spec";

const input: ContainerInput = {
  instance: {
    id: "inst1",
    name: "My Training #1",
    userId: "user1",
    imageAddress: "nvidia/cuda:12.4.1-runtime-ubuntu22.04",
    cpuCores: 8,
    memoryGb: 32,
    memorySplit: false,
  },
  node: { hamiCorePath: "/opt/hami", gpuMemoryGb: 24 },
  gpus: [],
  pidsLimit: 4096,
};

describe("container spec", () => {
  it("sets limits, labels, the data volume and nothing dangerous", () => {
    const spec = buildContainerSpec(input);
    expect(spec.name).toBe("aic-inst1");
    expect(spec.Image).toBe(input.instance.imageAddress);
    expect(spec.Hostname).toBe("my-training-1");
    expect(spec.Labels).toMatchObject({ [LABELS.managed]: "true", [LABELS.instance]: "inst1", [LABELS.user]: "user1", [LABELS.gpus]: "" });
    const hc = spec.HostConfig!;
    expect(hc).toMatchObject({
      NanoCpus: 8e9,
      Memory: 32 * 2 ** 30,
      MemorySwap: 32 * 2 ** 30,
      PidsLimit: 4096,
      Privileged: false,
      CapAdd: [],
      NetworkMode: "bridge",
    });
    expect(hc.SecurityOpt).toEqual(["no-new-privileges:true"]);
    expect(hc.Mounts).toEqual([{ Type: "volume", Source: "aic-inst1-data", Target: DATA_MOUNT_PATH }]);
    expect(hc.Binds).toEqual([]);
    expect(hc.DeviceRequests).toEqual([]);
    expect(hc.PidMode ?? "").toBe("");
    // Nothing from the host: no socket, no host namespaces.
    expect(JSON.stringify(spec)).not.toMatch(/docker\.sock|"host"/);
    expect(spec.Env).toEqual(["NVIDIA_VISIBLE_DEVICES=void"]);
  });

  it("asks for the allocated GPUs by index", () => {
    const spec = buildContainerSpec({
      ...input,
      gpus: [
        { index: 1, memoryGb: 24 },
        { index: 3, memoryGb: 24 },
      ],
    });
    expect(spec.HostConfig!.DeviceRequests).toEqual([{ Driver: "nvidia", DeviceIDs: ["1", "3"], Capabilities: [["gpu"]] }]);
    expect(spec.Labels![LABELS.gpus]).toBe("1,3");
    expect(spec.Env).toEqual([]);
    expect(spec.HostConfig!.Binds).toEqual([]);
  });

  it("memory split binds HAMi-core read-only and limits memory per visible GPU and SMs by share", () => {
    const spec = buildContainerSpec({ ...input, instance: { ...input.instance, memorySplit: true }, gpus: [{ index: 2, memoryGb: 8 }] });
    expect(spec.HostConfig!.Binds).toEqual(["/opt/hami:/usr/local/vgpu:ro"]);
    expect(spec.Env).toEqual(["LD_PRELOAD=/usr/local/vgpu/libvgpu.so", "CUDA_DEVICE_MEMORY_LIMIT_0=8192m", "CUDA_DEVICE_SM_LIMIT=33"]);
    expect(spec.HostConfig!.DeviceRequests).toEqual([{ Driver: "nvidia", DeviceIDs: ["2"], Capabilities: [["gpu"]] }]);
    const file = buildContainerSpec({
      ...input,
      node: { hamiCorePath: "/opt/hami/lib/libvgpu.so", gpuMemoryGb: 80 },
      instance: { ...input.instance, memorySplit: true },
      gpus: [
        { index: 0, memoryGb: 20 },
        { index: 1, memoryGb: 20 },
      ],
    });
    expect(file.HostConfig!.Binds).toEqual(["/opt/hami/lib/libvgpu.so:/usr/local/vgpu/libvgpu.so:ro"]);
    expect(file.Env).toEqual([
      "LD_PRELOAD=/usr/local/vgpu/libvgpu.so",
      "CUDA_DEVICE_MEMORY_LIMIT_0=20480m",
      "CUDA_DEVICE_MEMORY_LIMIT_1=20480m",
      "CUDA_DEVICE_SM_LIMIT=25",
    ]);
  });

  it("refuses memory split without a HAMi-core path, and ignores it without GPUs", () => {
    expect(() =>
      buildContainerSpec({
        ...input,
        node: { hamiCorePath: null, gpuMemoryGb: 24 },
        instance: { ...input.instance, memorySplit: true },
        gpus: [{ index: 0, memoryGb: 8 }],
      }),
    ).toThrow(/HAMi-core/);
    expect(buildContainerSpec({ ...input, instance: { ...input.instance, memorySplit: true } }).Env).toEqual(["NVIDIA_VISIBLE_DEVICES=void"]);
  });

  it("hostnames are valid labels", () => {
    expect(hostnameOf("训练")).toBe("instance");
    expect(hostnameOf("-a--b-")).toBe("a-b");
    expect(hostnameOf("x".repeat(80))).toHaveLength(63);
  });
});
