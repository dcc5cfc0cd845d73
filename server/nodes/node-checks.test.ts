// Whether a node's Docker can start GPU containers, from its runtimes and the toolkit found over SSH.
import { describe, expect, it } from "vitest";
import { gpuRuntimeCheck, hamiCoreCheck, hamiProbeCommand } from "./nodes.service";

describe("GPU containers check", () => {
  it("passes with the nvidia runtime or the toolkit, fails without either, and says when it could not look", () => {
    expect(gpuRuntimeCheck(0, [], null)).toMatchObject({ ok: null, message: "No GPUs configured" });
    expect(gpuRuntimeCheck(2, ["runc", "nvidia"], undefined)).toMatchObject({ ok: true });
    expect(gpuRuntimeCheck(2, ["runc"], "/usr/bin/nvidia-container-runtime-hook")).toMatchObject({
      ok: true,
      message: expect.stringContaining("/usr/bin/nvidia-container-runtime-hook"),
    });
    expect(gpuRuntimeCheck(2, ["runc"], null)).toMatchObject({ ok: false, message: expect.stringContaining("Install nvidia-container-toolkit") });
    expect(gpuRuntimeCheck(2, null, undefined)).toMatchObject({ ok: null });
  });
});

describe("HAMi-core check", () => {
  const lib = "/opt/hami/libvgpu.so";
  const file = (hex: string) => ({ stdout: `file\n ${hex}\n`, code: 0 });
  it("passes only for a regular ELF shared library (ET_DYN, either byte order)", () => {
    expect(hamiCoreCheck(lib, file("7f 45 4c 46 02 01 01 00 00 00 00 00 00 00 00 00\n 03 00"))).toMatchObject({ ok: true });
    expect(hamiCoreCheck(lib, file("7f 45 4c 46 02 02 01 00 00 00 00 00 00 00 00 00\n 00 03"))).toMatchObject({ ok: true });
    expect(hamiCoreCheck(lib, file("7f 45 4c 46 02 01 01 00 00 00 00 00 00 00 00 00\n 02 00"))).toMatchObject({
      ok: false,
      message: expect.stringContaining("not a shared library (ELF type 2)"),
    });
    expect(hamiCoreCheck(lib, file("6e 6f 74 20 61 20 6c 69 62 72 61 72 79 0a"))).toMatchObject({
      ok: false,
      message: expect.stringContaining("no ELF header"),
    });
  });
  it("fails for directories, devices, missing and unreadable paths", () => {
    expect(hamiCoreCheck(lib, { stdout: "directory\n", code: 0 })).toMatchObject({ ok: false, message: expect.stringContaining("is a directory") });
    expect(hamiCoreCheck(lib, { stdout: "special\n", code: 0 })).toMatchObject({ ok: false, message: expect.stringContaining("not a regular file") });
    expect(hamiCoreCheck(lib, { stdout: "missing\n", code: 0 })).toMatchObject({ ok: false, message: `No HAMi-core library at ${lib}` });
    expect(hamiCoreCheck(lib, { stdout: "unreadable\n", code: 0 })).toMatchObject({ ok: false });
    expect(hamiCoreCheck(lib, { stdout: "", code: 127 })).toMatchObject({ ok: false });
  });
  it("quotes the path for the shell", () => {
    expect(hamiProbeCommand("/a'b.so")).toContain(`'/a'\\''b.so'`);
  });
});
