// Notifications over HTTP and socket.io on the shared consoles: signed out is 401, a new
// user's list is empty with the unread count, bad paging names the field, marking an unknown
// notification is 404, and /notifications takes only authenticated sockets. What makes a
// notification (a balance running out) is in e2e/ui/notifications.spec.ts. Auth: user.
import { bearer, expect, test } from "../fixtures";
import { connect, outcome } from "../socket";

test("the notifications API answers only its user, and validates its input", async ({ api, newUser }) => {
  expect((await api.get("/api/v1/notifications")).status()).toBe(401);
  expect((await api.post("/api/v1/notifications/read-all")).status()).toBe(401);
  const user = await newUser("user", { balanceCents: 0 });
  const h = { headers: bearer(user.token) };

  const empty = await api.get("/api/v1/notifications", h);
  expect(empty.status()).toBe(200);
  expect(await empty.json()).toEqual({ items: [], total: 0, page: 1, pageSize: 20, unreadCount: 0 });
  const bad = await api.get("/api/v1/notifications?pageSize=1000&unread=maybe", h);
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["pageSize", "unread"]);

  const missing = await api.post("/api/v1/notifications/nope/read", h);
  expect(missing.status()).toBe(404);
  expect((await missing.json()).error.code).toBe("NOT_FOUND");
  expect(await (await api.post("/api/v1/notifications/read-all", h)).json()).toEqual({ updated: 0, unreadCount: 0 });
});

test("the /notifications socket needs credentials", async ({ baseURL, newUser, clientIp }) => {
  const anonymous = connect(baseURL!, "/notifications", { ip: clientIp });
  expect(await outcome(anonymous)).toMatchObject({ connected: false, code: "ORIGIN_REFUSED" });
  anonymous.disconnect();
  const wrong = connect(baseURL!, "/notifications", { token: "not-a-token", ip: clientIp });
  expect(await outcome(wrong)).toMatchObject({ connected: false, code: "UNAUTHENTICATED" });
  wrong.disconnect();
  const user = await newUser("user", { balanceCents: 0 });
  const socket = connect(baseURL!, "/notifications", { token: user.token, ip: clientIp });
  expect(await outcome(socket)).toEqual({ connected: true });
  socket.disconnect();
});
