// Web apps in instances through the built console's app proxy, as a browser meets them: the
// console's /apps/<instance>/<port>/ link checks the session and sends the browser to the app
// listener (another origin) with a one-use ticket, which becomes that origin's own cookie.
// The app (scripts/fixtures/aic-web.py in local/aic-web) reports what reached it: no console
// cookie, no Authorization header; JupyterLab's stand-in answers only with the token the
// console set. Another user gets 404; nobody signed in is sent to the sign-in page.
import { execFileSync } from "node:child_process";
import { request as httpRequest } from "node:http";
import type { APIRequestContext } from "@playwright/test";
import WebSocket from "ws";
import { bearer, cookieSignIn, expect, test, type TestUser, uniq } from "../fixtures";
import { freshRegistryImage, JUPYTERLAB_IMAGE, launchRunning, launchSetup, needsJupyterLab, TLS_DOCKER, tls, WEB_IMAGE, waitForStatus } from "../node-fixtures";
import { connect, outcome } from "../socket";

type App = { port: number; name: string; kind: "http" | "jupyter"; url: string };

/** A node, spec and a notebook image of local/aic-web declaring port 8000 "Web"; a running instance of it for `owner`. */
async function webInstance(api: APIRequestContext, adminToken: string, owner: TestUser) {
  const { node, spec } = await launchSetup(api, adminToken);
  const res = await api.post("/api/v1/images", {
    headers: bearer(adminToken),
    data: { name: `aic-web ${uniq(3)}`, address: WEB_IMAGE, apps: [{ port: 8000, name: "Web" }], notebook: true },
  });
  expect(res.status(), await res.text()).toBe(201);
  const image = (await res.json()) as { id: string; apps: { port: number; name: string }[]; notebook: boolean };
  expect(image.apps).toEqual([{ port: 8000, name: "Web" }]);
  expect(image.notebook).toBe(true);
  const instance = (await launchRunning(api, owner.token, { name: `web-${uniq(3)}`, imageId: image.id, specId: spec.id, nodeId: node.id })) as {
    id: string;
    apps: App[];
  };
  // The container runs before its apps listen: wait until both ports answer inside it.
  const listening = () => {
    try {
      execFileSync(
        "docker",
        ["exec", `aic-${instance.id}`, "python3", "-c", "import socket\nfor p in (8000, 8888): socket.create_connection(('127.0.0.1', p), 1).close()"],
        { stdio: "ignore" },
      );
      return true;
    } catch {
      return false;
    }
  };
  await expect.poll(listening, { timeout: 30_000, intervals: [250] }).toBe(true);
  return { instance, image, node, spec };
}

/** A request context signed in to the console through its sign-in form (the browser's cookie). */
async function browserLike(
  playwright: { request: { newContext: typeof import("@playwright/test").request.newContext } },
  baseURL: string,
  u: TestUser,
  ip: string,
): Promise<APIRequestContext> {
  const ctx = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-for": ip } });
  await cookieSignIn(ctx, u.username, u.password);
  return ctx;
}

/** Follows the console's link for `path` hop by hop (asserting each); answers the ticket's URL and the ticket's answer. */
async function openSteps(ctx: APIRequestContext, consoleUrl: string, appsOrigin: string, path: string) {
  const open = await ctx.get(path, { maxRedirects: 0 });
  expect(open.status(), await open.text()).toBe(302);
  const startUrl = open.headers().location!;
  expect(startUrl).toMatch(new RegExp(`^${appsOrigin}/__aiinfra/start\\?back=`));
  const started = await ctx.get(startUrl, { maxRedirects: 0 });
  expect(started.status()).toBe(302);
  const back = started.headers().location!;
  expect(back).toMatch(new RegExp(`^${consoleUrl}${path.replace(/[?]/g, "\\?")}[?&]aic_state=[\\w-]+$`));
  const minted = await ctx.get(back, { maxRedirects: 0 });
  expect(minted.status()).toBe(302);
  const ticketUrl = minted.headers().location!;
  expect(ticketUrl).toMatch(new RegExp(`^${appsOrigin}/__aiinfra/auth\\?ticket=`));
  return { ticketUrl, accepted: await ctx.get(ticketUrl, { maxRedirects: 0 }) };
}

/** The Cookie header the context would send to `url`. */
async function cookiesFor(ctx: APIRequestContext, url: string): Promise<string> {
  const { hostname, pathname } = new URL(url);
  const cookies = (await ctx.storageState()).cookies.filter((c) => c.domain === hostname && pathname.startsWith(c.path));
  return cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

test("apps open through the console on their own origin: no console credentials reach them, JupyterLab gets its token, streams flow", async ({
  api,
  adminToken,
  newUser,
  playwright,
  baseURL,
  clientIp,
}) => {
  test.setTimeout(120_000);
  const u = await newUser();
  const { instance } = await webInstance(api, adminToken, u);
  expect(instance.apps).toEqual([
    { port: 8888, name: "JupyterLab", kind: "jupyter", url: `/apps/${instance.id}/8888/lab` },
    { port: 8000, name: "Web", kind: "http", url: `/apps/${instance.id}/8000/` },
  ]);
  const ctx = await browserLike(playwright, baseURL!, u, clientIp);
  const consolePort = Number(new URL(baseURL!).port);
  const appsOrigin = `http://127.0.0.1:${consolePort + 21000}`;

  // The console's link, step by step: to the app listener for a state of this browser's own
  // (its cookie there), back to the console with it, to the app listener with a ticket bound
  // to that state, which becomes the app origin's grant cookie.
  const { ticketUrl, accepted } = await openSteps(ctx, baseURL!, appsOrigin, `/apps/${instance.id}/8000/headers?x=1`);
  expect(accepted.status()).toBe(302);
  expect(accepted.headers().location).toBe(`/apps/${instance.id}/8000/headers?x=1`);
  const granted = accepted
    .headersArray()
    .filter((h) => h.name.toLowerCase() === "set-cookie")
    .map((h) => h.value);
  expect(granted[0]).toMatch(new RegExp(`^aic\\.app=[^;]+; Path=/apps/${instance.id}/8000/; HttpOnly; SameSite=Lax; Max-Age=\\d+$`));
  expect(granted[1]).toBe(`aic.state-${instance.id}-8000=; Path=/__aiinfra/; HttpOnly; SameSite=Lax; Max-Age=0`);
  // Used once: the same link again opens nothing.
  expect((await ctx.get(ticketUrl, { maxRedirects: 0 })).status()).toBe(403);

  // The app sees the path without its prefix, who is asking, and no console credentials, even
  // though the browser sends the console's session cookie to the app's host and a script adds
  // an Authorization header.
  const seen = await ctx.get(`${appsOrigin}/apps/${instance.id}/8000/headers`, {
    headers: { authorization: `Bearer ${u.token}`, "x-scheme": "https", "x-forwarded-proto": "https", "x-forwarded-for": "6.6.6.6" },
  });
  expect(seen.status()).toBe(200);
  expect(await cookiesFor(ctx, `${appsOrigin}/apps/${instance.id}/8000/headers`)).toContain("aic.session=");
  const headers = (await seen.json()) as Record<string, string>;
  expect(headers.authorization).toBeUndefined();
  expect(headers.cookie ?? "").not.toMatch(/aic\.(session|app)/);
  expect(headers["x-forwarded-prefix"]).toBe(`/apps/${instance.id}/8000`);
  expect(headers["x-scheme"]).toBeUndefined();
  expect(headers["x-forwarded-proto"]).toBe("http");
  // The client's address as the console resolves it (the e2e consoles trust one proxy hop), not a chain.
  expect(headers["x-forwarded-for"]).toBe("6.6.6.6");
  // A script of another site (or app domain) may navigate to the app, not call it.
  const called = await ctx.get(`${appsOrigin}/apps/${instance.id}/8000/headers`, { headers: { "sec-fetch-site": "same-site", "sec-fetch-mode": "cors" } });
  expect(called.status()).toBe(403);
  const navigated = await ctx.get(`${appsOrigin}/apps/${instance.id}/8000/headers`, {
    headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" },
  });
  expect(navigated.status()).toBe(200);
  expect(headers.host).toBe(new URL(appsOrigin).host);

  // The app's cookies stay under its prefix; one named like the console's session is dropped.
  const set = await ctx.get(`${appsOrigin}/apps/${instance.id}/8000/cookie`);
  expect(set.status()).toBe(200);
  const setCookies = set.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie");
  expect(setCookies.map((h) => h.value)).toEqual([`appcookie=yes; Path=/apps/${instance.id}/8000/`]);
  // Nor may it widen a service worker to the whole app origin, or clear the host's cookies.
  expect(set.headers()["service-worker-allowed"]).toBeUndefined();
  expect(set.headers()["clear-site-data"]).toBeUndefined();
  expect(set.headers()["x-aic-web"]).toBe("cookie");
  const after = (await (await ctx.get(`${appsOrigin}/apps/${instance.id}/8000/headers`)).json()) as Record<string, string>;
  expect(after.cookie).toBe("appcookie=yes");

  // A streamed response arrives line by line, not at its end.
  const arrivals = await new Promise<number[]>((resolve, reject) => {
    const times: number[] = [];
    void cookiesFor(ctx, `${appsOrigin}/apps/${instance.id}/8000/stream`).then((c) => {
      const req = httpRequest(`${appsOrigin}/apps/${instance.id}/8000/stream`, { headers: { cookie: c } }, (res) => {
        res.on("data", () => times.push(Date.now()));
        res.on("end", () => resolve(times));
      });
      req.on("error", reject);
      req.end();
    });
  });
  expect(arrivals.length).toBeGreaterThanOrEqual(3);
  expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(500);

  // A websocket echoes through the proxy, with the app origin's cookie only.
  const wsCookie = await cookiesFor(ctx, `${appsOrigin}/apps/${instance.id}/8000/ws`);
  const echoed = await new Promise<string>((resolve, reject) => {
    const ws = new WebSocket(`${appsOrigin.replace("http", "ws")}/apps/${instance.id}/8000/ws`, { headers: { cookie: wsCookie, origin: appsOrigin } });
    ws.on("open", () => ws.send("hello through the proxy"));
    ws.on("message", (m) => {
      resolve(String(m));
      ws.close();
    });
    ws.on("error", reject);
    ws.on("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  expect(echoed).toBe("hello through the proxy");
  // Without the app's cookie, no websocket.
  const refused = await new Promise<number>((resolve) => {
    const ws = new WebSocket(`${appsOrigin.replace("http", "ws")}/apps/${instance.id}/8000/ws`);
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("open", () => resolve(101));
    ws.on("error", () => resolve(-1));
  });
  expect(refused).toBe(401);

  // JupyterLab (its stand-in) answers only requests with the token the console set: the proxy
  // presents it; in the container, without it, the server refuses.
  const lab = await ctx.get(`/apps/${instance.id}/8888/lab`);
  expect(lab.status()).toBe(200);
  expect(lab.url()).toBe(`${appsOrigin}/apps/${instance.id}/8888/lab`);
  expect(await lab.text()).toContain("JupyterLab (aic-web)");

  // The console's API from the app's origin: the session cookie goes along (same site), but
  // the console refuses a write whose Origin is the app's, and a read is not readable there
  // (no CORS headers).
  const write = await ctx.post("/api/v1/users/me/ssh-keys", { headers: { origin: appsOrigin }, data: { name: "x", publicKey: "ssh-ed25519 AAAA" } });
  expect(write.status()).toBe(403);
  const read = await ctx.get("/api/v1/users/me", { headers: { origin: appsOrigin } });
  expect(read.headers()["access-control-allow-origin"]).toBeUndefined();
  // Websockets know no CORS: the console's socket.io (terminals) refuses the app's Origin too.
  const consoleCookie = await cookiesFor(ctx, `${baseURL}/socket.io/`);
  const socket = connect(baseURL!, "/terminal", { cookie: consoleCookie, origin: appsOrigin, ip: clientIp });
  expect(await outcome(socket)).toMatchObject({ connected: false, code: "ORIGIN_REFUSED" });
  await ctx.dispose();
});

test("another user gets 404, nobody signed in goes to the sign-in page, a stopped instance says so", async ({
  api,
  adminToken,
  newUser,
  playwright,
  baseURL,
  clientIp,
}) => {
  test.setTimeout(120_000);
  const [owner, other, admin] = await Promise.all([newUser(), newUser(), newUser("admin")]);
  const { instance } = await webInstance(api, adminToken, owner);
  const appsOrigin = `http://127.0.0.1:${Number(new URL(baseURL!).port) + 21000}`;

  const anonymous = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-for": clientIp } });
  const signIn = await anonymous.get(`/apps/${instance.id}/8000/x?y=1`, { maxRedirects: 0 });
  expect(signIn.status()).toBe(302);
  expect(signIn.headers().location).toBe(`/login?callbackUrl=${encodeURIComponent(`/apps/${instance.id}/8000/x?y=1`)}`);
  // Straight to the app's origin without its cookie: back to the console (pages) or 401.
  const back = await anonymous.get(`${appsOrigin}/apps/${instance.id}/8000/`, { maxRedirects: 0, headers: { accept: "text/html" } });
  expect(back.status()).toBe(302);
  expect(back.headers().location).toBe(`${baseURL}/apps/${instance.id}/8000/`);
  expect((await anonymous.get(`${appsOrigin}/apps/${instance.id}/8000/headers`, { maxRedirects: 0 })).status()).toBe(401);
  // Not an app address, or the console's API on the app listener: nothing.
  expect((await anonymous.get(`${appsOrigin}/api/v1/users/me`)).status()).toBe(404);

  const others = await browserLike(playwright, baseURL!, other, clientIp);
  // A ticket link the owner made, given to someone else (to run the owner's app in their
  // browser, on the app origin): it was made for the owner's browser, and opens nothing,
  // even for a browser that got a state of its own for that app.
  const ownersOwn = await browserLike(playwright, baseURL!, owner, clientIp);
  const open = await ownersOwn.get(`/apps/${instance.id}/8000/`, { maxRedirects: 0 });
  const started = await ownersOwn.get(open.headers().location!, { maxRedirects: 0 });
  const ticketUrl = (await ownersOwn.get(started.headers().location!, { maxRedirects: 0 })).headers().location!;
  expect(ticketUrl).toContain("/__aiinfra/auth?ticket=");
  const planted = await others.get(ticketUrl, { maxRedirects: 0 });
  expect(planted.status()).toBe(403);
  expect(await planted.text()).toContain("made for another browser");
  await others.get(open.headers().location!, { maxRedirects: 0 });
  expect((await others.get(ticketUrl, { maxRedirects: 0 })).status()).toBe(403);
  // The owner's own browser still takes it (it was not spent by the refusals).
  expect((await ownersOwn.get(ticketUrl, { maxRedirects: 0 })).status()).toBe(302);
  await ownersOwn.dispose();
  const denied = await others.get(`/apps/${instance.id}/8000/`, { maxRedirects: 0 });
  expect(denied.status()).toBe(404);
  // The other user's browser, holding a grant of its own for its own... nothing: the app's origin sends it to the console, which says 404.
  expect((await others.get(`${appsOrigin}/apps/${instance.id}/8000/`, { headers: { accept: "text/html" } })).status()).toBe(404);

  // An administrator opens other users' apps only on app domains (e2e/ui/app-domains.spec.ts):
  // on the shared app origin, the user's app could act in others the administrator has open.
  const admins = await browserLike(playwright, baseURL!, admin, clientIp);
  expect(((await (await api.get("/api/v1/auth/config")).json()) as { appsOnOwnDomains: boolean }).appsOnOwnDomains).toBe(false);
  const adminOpen = await admins.get(`/apps/${instance.id}/8000/headers`, { maxRedirects: 0, headers: { accept: "text/html" } });
  expect(adminOpen.status()).toBe(403);
  expect(await adminOpen.text()).toContain("Administrators open other users&#39; apps only when each app has its own domain (APPS_DOMAIN)");

  // The owner, then the instance stops: the app says why.
  const owners = await browserLike(playwright, baseURL!, owner, clientIp);
  expect((await owners.get(`/apps/${instance.id}/8000/headers`)).status()).toBe(200);
  expect((await api.post(`/api/v1/instances/${instance.id}/stop`, { headers: bearer(owner.token) })).status()).toBe(200);
  await waitForStatus(api, owner.token, instance.id, "stopped");
  const stopped = await owners.get(`${appsOrigin}/apps/${instance.id}/8000/headers`);
  expect(stopped.status()).toBe(409);
  expect(await stopped.text()).toContain("stopped");
  const link = await owners.get(`/apps/${instance.id}/8000/`, { maxRedirects: 0, headers: { accept: "text/html" } });
  expect(link.status()).toBe(409);
  expect(await link.text()).toContain("start it, then open the app again");
  await Promise.all([anonymous.dispose(), others.dispose(), admins.dispose(), owners.dispose()]);
});

test("JupyterLab (built from Debian and PyPI) runs a kernel through the proxy: REST and the kernel's websocket", async ({
  api,
  adminToken,
  newUser,
  playwright,
  baseURL,
  clientIp,
}) => {
  needsJupyterLab();
  test.setTimeout(180_000);
  const u = await newUser();
  const { node, spec } = await launchSetup(api, adminToken);
  const res = await api.post("/api/v1/images", {
    headers: bearer(adminToken),
    data: { name: `jupyterlab ${uniq(3)}`, address: JUPYTERLAB_IMAGE, notebook: true },
  });
  expect(res.status(), await res.text()).toBe(201);
  const image = (await res.json()) as { id: string };
  const instance = (await launchRunning(api, u.token, { name: `lab-${uniq(3)}`, imageId: image.id, specId: spec.id, nodeId: node.id })) as { id: string };
  const ctx = await browserLike(playwright, baseURL!, u, clientIp);
  const appsOrigin = `http://127.0.0.1:${Number(new URL(baseURL!).port) + 21000}`;
  const base = `${appsOrigin}/apps/${instance.id}/8888`;

  // JupyterLab takes a few seconds to start after the container does: the proxy says 502 until then.
  await expect.poll(async () => (await ctx.get(`/apps/${instance.id}/8888/lab`)).status(), { timeout: 60_000, intervals: [1000] }).toBe(200);
  const page = await (await ctx.get(`${base}/lab`)).text();
  expect(page).toContain("JupyterLab");
  // Its settings name the prefix as its base URL; no login page asked for a token (the proxy presents it).
  expect(page).toContain(`"baseUrl": "/apps/${instance.id}/8888/"`);
  expect(page).not.toContain("Password or token");

  // A kernel, started through the REST API, runs code sent on its websocket.
  const started = await ctx.post(`${base}/api/kernels`, { data: { name: "python3" }, headers: { origin: appsOrigin } });
  expect(started.status(), await started.text()).toBe(201);
  const kernel = (await started.json()) as { id: string };
  const cookie = (await ctx.storageState()).cookies
    .filter((c) => c.domain === "127.0.0.1" && `/apps/${instance.id}/8888/api/kernels/`.startsWith(c.path))
    .map((c) => `${c.name}=${c.value}`)
    .join("; ");
  const output = await new Promise<string>((resolve, reject) => {
    const ws = new WebSocket(`${base.replace("http", "ws")}/api/kernels/${kernel.id}/channels?session_id=${uniq(8)}`, {
      headers: { cookie, origin: appsOrigin },
    });
    const timer = setTimeout(() => reject(new Error("no output from the kernel in 60 s")), 60_000);
    ws.on("open", () =>
      ws.send(
        JSON.stringify({
          header: { msg_id: uniq(8), username: "e2e", session: uniq(8), msg_type: "execute_request", version: "5.3", date: new Date().toISOString() },
          parent_header: {},
          metadata: {},
          content: {
            code: "import os; print(6 * 7, os.getcwd())",
            silent: false,
            store_history: false,
            user_expressions: {},
            allow_stdin: false,
            stop_on_error: true,
          },
          channel: "shell",
          buffers: [],
        }),
      ),
    );
    ws.on("message", (m) => {
      const msg = JSON.parse(String(m)) as { msg_type: string; content: { text?: string } };
      if (msg.msg_type === "stream" && msg.content.text) {
        clearTimeout(timer);
        resolve(msg.content.text);
        ws.close();
      }
    });
    ws.on("error", reject);
    ws.on("unexpected-response", (_req, r) => reject(new Error(`upgrade refused: ${r.statusCode}`)));
  });
  // Run in the instance's data directory.
  expect(output).toBe("42 /root/data\n");
  // Without the proxy's token, JupyterLab in the container refuses (the token is not the user's to type).
  const direct = execFileSync("docker", [
    "exec",
    `aic-${instance.id}`,
    "python3",
    "-c",
    `import urllib.request as u, urllib.error as e\ntry: u.urlopen("http://127.0.0.1:8888/apps/${instance.id}/8888/api/kernels")\nexcept e.HTTPError as x: print(x.code)`,
  ]).toString();
  expect(direct.trim()).toBe("403");
  await ctx.dispose();
});

test("on a remote (TLS) engine an app opens the same way: requests, a stream and a websocket through the Docker API over TLS", async ({
  api,
  adminToken,
  newUser,
  playwright,
  baseURL,
  clientIp,
}) => {
  test.setTimeout(150_000);
  const h = { headers: bearer(adminToken) };
  const u = await newUser();
  const node = await (
    await api.post("/api/v1/nodes", {
      headers: h.headers,
      data: { name: `tls-${uniq()}`, dockerAddress: TLS_DOCKER, useTls: true, ...tls(), cpuCores: 4, memoryGb: 8 },
    })
  ).json();
  expect((await (await api.post(`/api/v1/nodes/${node.id}/test`, { headers: h.headers, data: {} })).json()).online).toBe(true);
  const image = await (
    await api.post("/api/v1/images", {
      headers: h.headers,
      data: { name: `web ${uniq(3)}`, address: freshRegistryImage(WEB_IMAGE), apps: [{ port: 8000, name: "Web" }] },
    })
  ).json();
  const spec = await (
    await api.post("/api/v1/specs", { headers: h.headers, data: { name: `tls-cpu ${uniq(3)}`, cpuCores: 1, memoryGb: 1, pricePerHourCents: 60 } })
  ).json();
  const instance = (await launchRunning(api, u.token, { name: "remote-web", imageId: image.id, specId: spec.id, nodeId: node.id })) as { id: string };
  const ctx = await browserLike(playwright, baseURL!, u, clientIp);
  const appsOrigin = `http://127.0.0.1:${Number(new URL(baseURL!).port) + 21000}`;

  // The app starts a moment after its container: until then the proxy says nothing answers (502).
  await expect.poll(async () => (await ctx.get(`/apps/${instance.id}/8000/headers`)).status(), { timeout: 30_000, intervals: [500] }).toBe(200);
  const headers = (await (await ctx.get(`${appsOrigin}/apps/${instance.id}/8000/headers`)).json()) as Record<string, string>;
  expect(headers.cookie ?? "").not.toMatch(/aic\./);
  const stream = await (await ctx.get(`${appsOrigin}/apps/${instance.id}/8000/stream`)).text();
  expect(stream.split("\n").filter(Boolean)).toHaveLength(5);
  const cookie = await cookiesFor(ctx, `${appsOrigin}/apps/${instance.id}/8000/ws`);
  const echoed = await new Promise<string>((resolve, reject) => {
    const ws = new WebSocket(`${appsOrigin.replace("http", "ws")}/apps/${instance.id}/8000/ws`, { headers: { cookie, origin: appsOrigin } });
    ws.on("open", () => ws.send("over TLS"));
    ws.on("message", (m) => {
      resolve(String(m));
      ws.close();
    });
    ws.on("error", reject);
  });
  expect(echoed).toBe("over TLS");
  await ctx.dispose();
  await api.delete(`/api/v1/instances/${instance.id}`, { headers: bearer(u.token) });
});
