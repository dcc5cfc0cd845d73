// Browser-safe helpers: locale negotiation and messages, API paths, redirect safety.
import { describe, expect, it } from "vitest";
import { buildPath } from "./api/client";
import { MESSAGES, negotiateLocale, translate } from "./i18n";
import { safeCallback } from "./navigation";

function keys(o: object, prefix = ""): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === "object" ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe("i18n", () => {
  it("zh-CN and en-US have the same keys and no empty strings", () => {
    expect(keys(MESSAGES["zh-CN"]).sort()).toEqual(keys(MESSAGES["en-US"]).sort());
    for (const m of Object.values(MESSAGES)) for (const k of keys(m)) expect(translate(m === MESSAGES["zh-CN"] ? "zh-CN" : "en-US", k as never)).not.toBe("");
  });
  it("negotiates from Accept-Language with q-values", () => {
    expect(negotiateLocale("zh-TW,zh;q=0.9")).toBe("zh-CN");
    expect(negotiateLocale("fr-FR,en;q=0.5,zh;q=0.8")).toBe("zh-CN");
    expect(negotiateLocale("de-DE")).toBe("en-US");
    expect(negotiateLocale(null)).toBe("en-US");
  });
  it("fills variables", () => {
    expect(translate("en-US", "errors.RATE_LIMITED", { seconds: 42 })).toBe("Too many attempts. Try again in 42 s.");
  });
});

describe("buildPath", () => {
  it("fills and escapes path params and drops empty query values", () => {
    expect(buildPath("/api/v1/admin/users/{id}", { id: "a/b" }, { page: 2, search: "", role: undefined })).toBe("/api/v1/admin/users/a%2Fb?page=2");
  });
});

describe("safeCallback", () => {
  const origin = "https://console.example:8443";
  it("keeps paths on the console", () => {
    expect(safeCallback("/admin/users?x=1", origin)).toBe("/admin/users?x=1");
    expect(safeCallback("/instances/abc?tab=terminal#top", origin)).toBe("/instances/abc?tab=terminal#top");
    expect(safeCallback("https://console.example:8443/billing", origin)).toBe("/billing");
    // An encoded tab stays an encoded tab: a path on this console.
    expect(safeCallback("/%09/evil.example/x", origin)).toBe("/%09/evil.example/x");
  });
  it("refuses anything the browser would take to another site", () => {
    for (const bad of [
      "https://evil.example",
      "//evil.example",
      "/\\evil.example",
      "\\\\evil.example",
      // Browsers drop tab, CR and LF anywhere in a URL, and leading spaces and controls.
      "/\t/evil.example/x",
      "/\n/evil.example/x",
      "/\r/evil.example/x",
      "/\t\\evil.example/x",
      "/\r\n/evil.example",
      " //evil.example",
      "\u0000//evil.example",
      "///evil.example",
      "/.//evil.example",
      "/..//evil.example",
      "https://console.example:8443@evil.example/",
      "http://console.example:8443/",
      "javascript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "http://[::1",
      null,
      "",
    ]) {
      expect(safeCallback(bad, origin), JSON.stringify(bad)).toBe("/dashboard");
    }
  });
});

describe("isImageReference", async () => {
  const { isImageReference, parseDockerAddress, isLoopbackHost } = await import("./validation");
  it("accepts what Docker accepts", () => {
    for (const ok of [
      "busybox",
      "library/busybox:1.36",
      "nvidia/cuda:12.4.1-runtime-ubuntu22.04",
      "127.0.0.1:5000/aic/busybox:1.35",
      "localhost/x",
      "ghcr.io/org-name/img",
      `a@sha256:${"f".repeat(64)}`,
      "my_repo/sub.name__x-y:TAG_1.0",
    ]) {
      expect(isImageReference(ok), ok).toBe(true);
    }
  });
  it("refuses what Docker refuses", () => {
    for (const bad of ["UPPER/case", "Busybox", "has space:tag", "repo:", "a//b", "", "-lead/x", "x/", ":tag", `x:${"t".repeat(129)}`]) {
      expect(isImageReference(bad), bad).toBe(false);
    }
  });
  it("parses Docker addresses and knows loopback", () => {
    expect(parseDockerAddress("unix:///var/run/docker.sock")).toEqual({ kind: "unix", socketPath: "/var/run/docker.sock" });
    expect(parseDockerAddress("tcp://[::1]:2376")).toEqual({ kind: "tcp", host: "::1", port: 2376 });
    expect(parseDockerAddress("tcp://host:99999")).toBeNull();
    expect(parseDockerAddress("http://host:2375")).toBeNull();
    for (const bad of [
      "unix:///var/run/docker.sock\n",
      "unix:///var/run/do\tcker.sock",
      "unix:///var/run/docker.sock\u0000x",
      "unix:///var/run/dock er.sock",
      "tcp://127.0.0.1:2376\r",
    ])
      expect(parseDockerAddress(bad), JSON.stringify(bad)).toBeNull();
    expect(isLoopbackHost("127.8.9.1")).toBe(true);
    expect(isLoopbackHost("10.0.0.1")).toBe(false);
  });
});

describe("Docker addresses in node requests", async () => {
  const { ZCreateNodeRequest } = await import("./contracts/nodes");
  it("refuse control characters and whitespace, naming dockerAddress", () => {
    for (const dockerAddress of [
      "unix:///var/run/docker.sock\n",
      "unix:///var/run/docker.sock\t",
      "unix:///var/run/docker.sock\u0000",
      "tcp://127.0.0.1:2376\u0085",
      "unix:///var/run/dock er.sock",
    ]) {
      const issues = ZCreateNodeRequest.safeParse({ name: "n", dockerAddress }).error?.issues ?? [];
      expect(
        issues.map((i) => i.path.join(".")),
        JSON.stringify(dockerAddress),
      ).toEqual(["dockerAddress"]);
    }
    expect(ZCreateNodeRequest.safeParse({ name: "n", dockerAddress: " unix:///var/run/docker.sock " }).data?.dockerAddress).toBe("unix:///var/run/docker.sock");
  });
});

describe("HAMi-core paths that may be bound into containers", async () => {
  const { ZCreateNodeRequest } = await import("./contracts/nodes");
  const issues = (hamiCorePath: string) =>
    ZCreateNodeRequest.safeParse({ name: "n", dockerAddress: "unix:///var/run/docker.sock", hamiCorePath }).error?.issues.map(
      (i) => `${i.path.join(".")}: ${i.message}`,
    ) ?? [];
  it("accepts the library file itself", () => {
    for (const p of [
      "/usr/local/vgpu/libvgpu.so",
      "/opt/hami/lib/libvgpu.so",
      "/var/lib/aic-test/hami/libvgpu.so",
      "/opt/hami/libvgpu.so.1",
      "/opt/hami/libvgpu.so.2.1",
    ])
      expect(issues(p), p).toEqual([]);
  });
  it("refuses directories, whatever they hold (TLS keys, databases), with an error on hamiCorePath", () => {
    for (const p of [
      "/",
      "/var/lib/postgresql",
      "/var/lib/aic-test/tls",
      "/var/lib/aic-test/hami",
      "/usr/local/vgpu",
      "/usr/local/vgpu/",
      "/opt/hami/libvgpu.so/",
    ]) {
      const found = issues(p);
      expect(found, p).toHaveLength(1);
      expect(found[0], p).toMatch(/^hamiCorePath: /);
    }
    expect(issues("/var/lib/postgresql")[0]).toContain("library file itself");
  });
  it("refuses relative, unnormalized and .. paths, control characters and odd characters", () => {
    const cases: [string, string][] = [
      ["relative/libvgpu.so", "absolute"],
      ["libvgpu.so", "absolute"],
      ["/opt/hami/../../var/lib/postgresql/x.so", ". or .."],
      ["/opt/./hami/libvgpu.so", ". or .."],
      ["/opt//hami/libvgpu.so", "normalized"],
      ["/opt/hami/libvgpu.so\n", "control characters"],
      ["/opt/hami/lib\tvgpu.so", "control characters"],
      ["/opt/hami/lib\u0000vgpu.so", "control characters"],
      ["/opt/ha mi/libvgpu.so", "letters, digits"],
      ["/opt/hami:/etc/libvgpu.so", "letters, digits"],
      ["/opt/hami/.so", "library file itself"],
      ["/opt/hami/libvgpu.sox", "library file itself"],
    ];
    for (const [p, why] of cases) {
      const found = issues(p);
      expect(found, JSON.stringify(p)).toHaveLength(1);
      expect(found[0], JSON.stringify(p)).toContain(why);
      expect(found[0], JSON.stringify(p)).toMatch(/^hamiCorePath: /);
    }
  });
});

describe("URL state", async () => {
  const { parseQuery, toQuery } = await import("./hooks/url-state");
  const defaults = { page: 1, pageSize: 20, name: undefined as string | undefined, tab: "overview" };
  it("reads known keys, numbers only when they are positive integers", () => {
    expect(parseQuery(new URLSearchParams("page=3&pageSize=x&name=gpu&tab=logs&other=1"), defaults)).toEqual({
      page: 3,
      pageSize: 20,
      name: "gpu",
      tab: "logs",
    });
    expect(parseQuery(new URLSearchParams("page=-2&page=0"), defaults).page).toBe(1);
  });
  it("writes what differs from the defaults and keeps other keys", () => {
    expect(toQuery({ ...defaults, page: 2, name: "a b" }, defaults, new URLSearchParams("spec=x"))).toBe("?spec=x&page=2&name=a+b");
    expect(toQuery(defaults, defaults, new URLSearchParams("page=4"))).toBe("");
  });
});

describe("csv", async () => {
  const { csvCell, csvLine } = await import("./csv");
  it("quotes what needs it and defuses formulas in text, not in numbers", () => {
    expect(csvLine(["a", 1, null, -5, 'say "hi", ok'])).toBe('a,1,,-5,"say ""hi"", ok"\n');
    expect(csvCell("=1+2")).toBe("'=1+2");
    expect(csvCell("-cmd")).toBe("'-cmd");
    expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
  });
});

describe("chunkTerminalInput", async () => {
  const { chunkTerminalInput, SOCKET_MAX_MESSAGE_BYTES, TERMINAL_INPUT_CHUNK } = await import("./realtime");
  it("splits a large paste into pieces that each fit one socket.io message, losing nothing", () => {
    const paste = "line of text\n".repeat(20_000);
    const pieces = chunkTerminalInput(paste);
    expect(pieces.join("")).toBe(paste);
    for (const p of pieces) expect(Buffer.byteLength(JSON.stringify(["data", p]))).toBeLessThan(SOCKET_MAX_MESSAGE_BYTES);
    // Worst case: every character JSON-escaped.
    const controls = "\u0001".repeat(TERMINAL_INPUT_CHUNK * 3);
    for (const p of chunkTerminalInput(controls)) expect(Buffer.byteLength(JSON.stringify(["data", p]))).toBeLessThan(SOCKET_MAX_MESSAGE_BYTES);
  });
  it("never cuts a surrogate pair in two", () => {
    const paste = `a${"😀".repeat(10_000)}`;
    const pieces = chunkTerminalInput(paste, 100);
    expect(pieces.join("")).toBe(paste);
    for (const p of pieces) expect(p.isWellFormed()).toBe(true);
  });
  it("sends typing as it is", () => {
    expect(chunkTerminalInput("ls\r")).toEqual(["ls\r"]);
    expect(chunkTerminalInput("")).toEqual([]);
  });
});
