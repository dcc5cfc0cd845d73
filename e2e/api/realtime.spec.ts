// socket.io on the console's own port: handshake auth (bearer token or session cookie),
// foreign Origin refused, /system ping, and revocation disconnects live sockets.
import { bearer, cookieSignIn, expect, test } from "../fixtures";
import { connect as connectTo, outcome } from "../socket";

const connect = (baseURL: string, opts: Parameters<typeof connectTo>[2]) => connectTo(baseURL, "/system", opts);

test("a bearer token connects to /system and ping is answered", async ({ baseURL, clientIp, newUser }) => {
  const u = await newUser();
  const socket = connect(baseURL!, { token: u.token, ip: clientIp });
  expect(await outcome(socket)).toEqual({ connected: true });
  const pong = await socket.timeout(5_000).emitWithAck("ping");
  expect(pong).toMatchObject({ pong: true, userId: u.id });
  socket.disconnect();
});

test("no credentials, a bad token, or a foreign Origin are refused", async ({ baseURL, clientIp, playwright, newUser }) => {
  expect(await outcome(connect(baseURL!, { ip: clientIp }))).toMatchObject({ connected: false, code: "ORIGIN_REFUSED" });
  expect(await outcome(connect(baseURL!, { ip: clientIp, origin: baseURL! }))).toMatchObject({ connected: false, code: "UNAUTHENTICATED" });
  expect(await outcome(connect(baseURL!, { ip: clientIp, token: "aic_forged" }))).toMatchObject({ connected: false, code: "UNAUTHENTICATED" });

  const u = await newUser();
  const ctx = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-for": clientIp } });
  await cookieSignIn(ctx, u.username, u.password);
  const cookie = (await ctx.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  const foreign = connect(baseURL!, { ip: clientIp, cookie, origin: "https://evil.example" });
  expect(await outcome(foreign)).toMatchObject({ connected: false, code: "ORIGIN_REFUSED" });
  const own = connect(baseURL!, { ip: clientIp, cookie, origin: baseURL! });
  expect(await outcome(own)).toEqual({ connected: true });
  expect(await own.timeout(5_000).emitWithAck("ping")).toMatchObject({ userId: u.id });
  own.disconnect();
  await ctx.dispose();
});

test("a password change disconnects the user's open sockets at once", async ({ api, baseURL, clientIp, newUser }) => {
  const u = await newUser();
  const other = await newUser();
  const mine = connect(baseURL!, { token: u.token, ip: clientIp });
  const theirs = connect(baseURL!, { token: other.token, ip: clientIp });
  expect(await Promise.all([outcome(mine), outcome(theirs)])).toEqual([{ connected: true }, { connected: true }]);
  const dropped = new Promise<string>((resolve) => mine.once("disconnect", (reason) => resolve(reason)));

  const res = await api.post("/api/v1/users/me/password", { headers: bearer(u.token), data: { currentPassword: u.password, newPassword: "new-password-123" } });
  expect(res.status()).toBe(200);
  expect(await dropped).toBe("io server disconnect");
  expect(theirs.connected).toBe(true);
  // Reconnecting with the old token is refused.
  expect(await outcome(connect(baseURL!, { token: u.token, ip: clientIp }))).toMatchObject({ connected: false, code: "UNAUTHENTICATED" });
  theirs.disconnect();
});
