// Whether a node's Docker can start GPU containers, from its runtimes and the toolkit found over SSH.
import { describe, expect, it } from "vitest";
import { gpuRuntimeCheck } from "./nodes.service";

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
