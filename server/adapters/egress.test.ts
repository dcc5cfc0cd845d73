// Outbound requests on a user's behalf: internal addresses are refused whatever form they
// take (names that resolve to them, IPv4 inside IPv6, metadata), unless allowlisted.
import { describe, expect, it } from "vitest";
import { allowlistOf, checkDestination, EgressRefused, refusedBecause } from "./egress";

const resolver = (table: Record<string, string[]>) => async (host: string) => {
  const list = table[host];
  if (!list) throw new Error("ENOTFOUND");
  return list.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
};

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => (e instanceof EgressRefused ? e.message : `unexpected: ${String(e)}`),
  );

describe("addresses", () => {
  it("names what is not public", () => {
    expect(refusedBecause("169.254.169.254")).toBe("link-local (cloud metadata)");
    expect(refusedBecause("10.0.0.1")).toBe("private");
    expect(refusedBecause("127.0.0.1")).toBe("loopback");
    expect(refusedBecause("::1")).toBe("loopback");
    expect(refusedBecause("::ffff:127.0.0.1")).toBe("loopback");
    expect(refusedBecause("::ffff:a9fe:a9fe")).toBe("link-local (cloud metadata)");
    expect(refusedBecause("fd12::1")).toBe("unique local (private)");
    expect(refusedBecause("100.64.1.1")).toBe("carrier-grade NAT");
    expect(refusedBecause("0.0.0.0")).toBe("'this network'");
    expect(refusedBecause("93.184.215.14")).toBeNull();
    expect(refusedBecause("2606:4700::1111")).toBeNull();
  });
});

describe("destinations", () => {
  const dns = resolver({
    "api.example.com": ["93.184.215.14"],
    "sneaky.example.com": ["93.184.215.14", "127.0.0.1"],
    "meta.example.com": ["169.254.169.254"],
  });

  it("a public name resolves to the address the request will use", async () => {
    expect(await checkDestination("https://api.example.com/v1?x=1", null, dns)).toMatchObject({ address: "93.184.215.14", family: 4 });
  });

  it("refuses internal addresses, as literals or behind names, and says why", async () => {
    for (const [url, why] of [
      ["http://169.254.169.254/latest/meta-data", "169.254.169.254 is a link-local (cloud metadata) address"],
      ["http://10.0.0.1/", "10.0.0.1 is a private address"],
      ["http://127.0.0.1:8080/", "127.0.0.1 is a loopback address"],
      ["http://[::ffff:127.0.0.1]/", "loopback"],
      ["http://meta.example.com/", "meta.example.com (169.254.169.254) is a link-local"],
      ["http://sneaky.example.com/", "sneaky.example.com (127.0.0.1) is a loopback address"],
    ] as const) {
      expect(await refusal(checkDestination(url, null, dns)), url).toContain(why);
    }
  });

  it("refuses other schemes, credentials in the URL and names that do not resolve", async () => {
    expect(await refusal(checkDestination("file:///etc/passwd", null, dns))).toBe("must be an http or https URL");
    expect(await refusal(checkDestination("https://u:p@api.example.com/", null, dns))).toContain("must not carry credentials");
    expect(await refusal(checkDestination("https://nowhere.example.com/", null, dns))).toBe("nowhere.example.com does not resolve");
    expect(await refusal(checkDestination("not a url", null, dns))).toBe("is not a URL");
  });

  it("an administrator's allowlist opens exactly the ranges named", async () => {
    const allow = allowlistOf(["127.0.0.1/32", "10.20.0.0/16"]);
    expect(await checkDestination("http://127.0.0.1:9000/hook", allow, dns)).toMatchObject({ address: "127.0.0.1" });
    expect(await checkDestination("http://10.20.3.4/", allow, dns)).toMatchObject({ address: "10.20.3.4" });
    expect(await refusal(checkDestination("http://10.21.0.1/", allow, dns))).toContain("private");
    expect(await refusal(checkDestination("http://169.254.169.254/", allow, dns))).toContain("metadata");
    expect(() => allowlistOf(["10.0.0.0/33"])).toThrow("10.0.0.0/33 is not a CIDR");
  });

  it("with the system resolver, localhost is loopback", async () => {
    expect(await refusal(checkDestination("http://localhost:3000/", null))).toMatch(/localhost \((127\.0\.0\.1|::1)\) is a loopback address/);
  });
});
