import { beforeAll, describe, expect, it } from "vitest";
import { appsForImage, appEntry, appOn, instanceApps } from "./apps";
import { APP_COOKIE, appCookie, appRequestCookies } from "./cookies";
import { type Grant, signGrant, spendTicket, verifyGrant } from "./grants";

// The app proxy's pure parts: which apps an instance gets, what cookies pass each way, and the
// signed grants (tickets and cookies). The proxy itself is tested end to end (e2e/api/apps.spec.ts).

beforeAll(() => {
  process.env.APP_SECRET ??= "unit-test-secret-of-at-least-32-characters";
});

describe("apps of an instance", () => {
  it("puts JupyterLab first for a notebook image, then the image's own ports", () => {
    const apps = appsForImage({ notebook: true, apps: [{ port: 6006, name: "TensorBoard" }] });
    expect(apps).toEqual([
      { port: 8888, name: "JupyterLab", kind: "jupyter" },
      { port: 6006, name: "TensorBoard", kind: "http" },
    ]);
    expect(appsForImage({ notebook: false, apps: [] })).toEqual([]);
    expect(appEntry("i1", apps[0]!)).toBe("/apps/i1/8888/lab");
    expect(appEntry("i1", apps[1]!)).toBe("/apps/i1/6006/");
  });

  it("reads any port as a plain app, and a damaged column as none", () => {
    const json = JSON.stringify([{ port: 8888, name: "JupyterLab", kind: "jupyter" }]);
    expect(appOn(json, 8888).kind).toBe("jupyter");
    expect(appOn(json, 3000)).toEqual({ port: 3000, name: "Port 3000", kind: "http" });
    expect(instanceApps("{not json")).toEqual([]);
    expect(instanceApps('{"port":1}')).toEqual([]);
  });
});

describe("cookies between the browser and an app", () => {
  const path = { mode: "path" as const, prefix: "/apps/i1/8000/" };
  const domain = { mode: "domain" as const, prefix: "/apps/i1/8000/" };

  it("takes the console's cookies and the grant out of what the app receives", () => {
    expect(appRequestCookies(`aic.session=s; theme=dark; ${APP_COOKIE}=g; __Secure-aic.session=x; authjs.csrf-token=t; _xsrf=2`)).toBe("theme=dark; _xsrf=2");
    expect(appRequestCookies("aic.session=s")).toBeUndefined();
    expect(appRequestCookies(undefined)).toBeUndefined();
  });

  it("keeps an app's cookies under its prefix in path mode, for its own host only, never named like the console's", () => {
    expect(appCookie("a=1; Path=/; HttpOnly", path)).toEqual(["a=1; HttpOnly; Path=/apps/i1/8000/"]);
    expect(appCookie("a=1", path)).toEqual(["a=1; Path=/apps/i1/8000/"]);
    expect(appCookie("a=1; path=/lab/x", path)).toEqual(["a=1; Path=/apps/i1/8000/lab/x"]);
    expect(appCookie("_xsrf=2; Path=/apps/i1/8000/", path)).toEqual(["_xsrf=2; Path=/apps/i1/8000/"]);
    expect(appCookie("a=1; Path=/apps/i1/8000", path)).toEqual(["a=1; Path=/apps/i1/8000/"]);
    expect(appCookie("a=1; Domain=apps.example.com; Path=/", domain)).toEqual(["a=1; Path=/"]);
    for (const forged of [
      "aic.session=x; Path=/",
      "__Secure-aic.session=x",
      "AIC.APP=x",
      `${APP_COOKIE}=x`,
      "authjs.session-token=x",
      "next-auth.csrf-token=x",
      "=x",
    ]) {
      expect(appCookie(forged, domain)).toEqual([]);
    }
  });
});

describe("grants", () => {
  const grant: Grant = { uid: "u1", sv: 3, sid: "s1", iid: "i1", port: 8000, mode: "path", exp: Date.now() + 60_000, to: "/apps/i1/8000/" };

  it("verify what the console signed, as what it signed it for, until they expire", () => {
    const ticket = signGrant("ticket", grant);
    expect(verifyGrant("ticket", ticket)).toMatchObject({ uid: "u1", sv: 3, iid: "i1", port: 8000, to: "/apps/i1/8000/" });
    // A ticket is not a cookie (and the other way round).
    expect(verifyGrant("cookie", ticket)).toBeNull();
    expect(verifyGrant("ticket", ticket, grant.exp)).toBeNull();
  });

  it("refuse anything changed", () => {
    const [body, mac] = signGrant("cookie", grant).split(".") as [string, string];
    const other = Buffer.from(JSON.stringify({ ...grant, iid: "i2" })).toString("base64url");
    expect(verifyGrant("cookie", `${other}.${mac}`)).toBeNull();
    expect(verifyGrant("cookie", `${body}.${mac.slice(0, -2)}AA`)).toBeNull();
    expect(verifyGrant("cookie", body)).toBeNull();
    expect(verifyGrant("cookie", "")).toBeNull();
    expect(verifyGrant("cookie", `${"a".repeat(5000)}.x`)).toBeNull();
  });

  it("serve once as a ticket", () => {
    const g = verifyGrant("ticket", signGrant("ticket", grant))!;
    expect(spendTicket(g)).toBe(true);
    expect(spendTicket(g)).toBe(false);
    expect(spendTicket(verifyGrant("ticket", signGrant("ticket", grant))!)).toBe(true);
  });
});
