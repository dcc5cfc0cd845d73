// Number fields: what typed text means, and the first problem a value has. Nothing is
// rounded or clamped: 1.5 stays 1.5 (and is refused where whole numbers are asked).
import { describe, expect, it } from "vitest";
import { isCidr, numberProblem, parseImageReference, parseNumberText, toCents } from "./validation";

describe("parseNumberText", () => {
  it("reads plain decimal numbers as typed", () => {
    expect(parseNumberText("1.5")).toBe(1.5);
    expect(parseNumberText(" -4 ")).toBe(-4);
    expect(parseNumberText("99999")).toBe(99999);
    expect(parseNumberText(".5")).toBe(0.5);
    expect(parseNumberText("2.")).toBe(2);
    expect(parseNumberText("+3")).toBe(3);
  });
  it("reads full-width digits and the ideographic point from Chinese input methods", () => {
    expect(parseNumberText("１２。５")).toBe(12.5);
    expect(parseNumberText("－３")).toBe(-3);
  });
  it("is null when empty and NaN for anything else", () => {
    expect(parseNumberText("")).toBeNull();
    expect(parseNumberText("   ")).toBeNull();
    for (const s of ["abc", "1e3", "1,000", "12abc", "-", ".", "0x10", "Infinity", "1 2"]) expect(parseNumberText(s), s).toBeNaN();
  });
});

describe("numberProblem", () => {
  const gpus = { required: true, integer: true, min: 0 };
  it("names what is wrong, first problem first", () => {
    expect(numberProblem(1.5, gpus)).toEqual({ kind: "whole" });
    expect(numberProblem(-4, gpus)).toEqual({ kind: "min", min: 0 });
    expect(numberProblem(-4.5, gpus)).toEqual({ kind: "whole" });
    expect(numberProblem(Number.NaN, gpus)).toEqual({ kind: "notNumber" });
    expect(numberProblem("abc", gpus)).toEqual({ kind: "notNumber" });
    expect(numberProblem(null, gpus)).toEqual({ kind: "required" });
    expect(numberProblem(undefined, gpus)).toEqual({ kind: "required" });
    expect(numberProblem(99999, { integer: true, min: 1, max: 65535 })).toEqual({ kind: "max", max: 65535 });
  });
  it("accepts good values and empty optional ones", () => {
    expect(numberProblem(2, gpus)).toBeNull();
    expect(numberProblem(0, gpus)).toBeNull();
    expect(numberProblem(null, { integer: true })).toBeNull();
    expect(numberProblem(65535, { integer: true, min: 1, max: 65535 })).toBeNull();
  });
  it("counts decimals without float noise", () => {
    const money = { decimals: 2, min: 0 };
    expect(numberProblem(0.29, money)).toBeNull();
    expect(numberProblem(1.1, money)).toBeNull();
    expect(numberProblem(999999.99, money)).toBeNull();
    expect(numberProblem(25.001, money)).toEqual({ kind: "decimals", decimals: 2 });
    expect(numberProblem(-5, money)).toEqual({ kind: "min", min: 0 });
    expect(toCents(0.29)).toBe(29);
    expect(toCents(1.1)).toBe(110);
  });
});

describe("parseImageReference", () => {
  it("reads registry, repository and tag as Docker does", () => {
    expect(parseImageReference("nvidia/cuda:12.4.1-runtime-ubuntu22.04")).toEqual({
      registry: "docker.io",
      repository: "nvidia/cuda",
      tag: "12.4.1-runtime-ubuntu22.04",
      digest: null,
    });
    expect(parseImageReference("busybox")).toEqual({ registry: "docker.io", repository: "library/busybox", tag: "latest", digest: null });
    expect(parseImageReference("127.0.0.1:5000/aic/e2e:ab12")).toEqual({ registry: "127.0.0.1:5000", repository: "aic/e2e", tag: "ab12", digest: null });
    expect(parseImageReference("localhost/app")).toMatchObject({ registry: "localhost", repository: "app", tag: "latest" });
    expect(parseImageReference("nvcr.io/nvidia/pytorch:24.01-py3")).toMatchObject({ registry: "nvcr.io", repository: "nvidia/pytorch", tag: "24.01-py3" });
    expect(parseImageReference(`registry.example.com:8443/team/app@sha256:${"a".repeat(64)}`)).toMatchObject({
      registry: "registry.example.com:8443",
      repository: "team/app",
      tag: null,
      digest: `sha256:${"a".repeat(64)}`,
    });
  });
});

describe("nicknames", () => {
  it("refuse control and text-direction characters, keep any script and emoji", async () => {
    const { ZUpdateMeRequest } = await import("./contracts/users");
    for (const bad of ["\u202Egnp.exe", "a\u2066b", "tab\there", "nul\u0000"]) {
      expect(ZUpdateMeRequest.safeParse({ nickname: bad }).success, JSON.stringify(bad)).toBe(false);
    }
    for (const good of ["张三", "Zoë", "👨‍👩‍👧 family", "مرحبا"]) expect(ZUpdateMeRequest.safeParse({ nickname: good }).success, good).toBe(true);
  });
});

describe("isCidr", () => {
  it("takes IPv4 and IPv6 ranges within their family's bits, nothing else", () => {
    for (const good of ["10.0.0.0/8", "127.0.0.1/32", "0.0.0.0/0", "::1/128", "fd00::/8"]) expect(isCidr(good), good).toBe(true);
    for (const bad of ["999.0.0.0/8", "10.0.0.0/33", "::1/129", "10.0.0.0", "host/8", "10.0.0.0/8 ", ""]) expect(isCidr(bad), bad).toBe(false);
  });
});
