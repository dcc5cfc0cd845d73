// Revoking a personal API token ends the socket.io connections it opened at once (every
// namespace), while the same user's sockets on another token or a login token stay.
// Auth: the user's own token routes; sockets with `auth.token`.
import type { Socket } from "socket.io-client";
import { bearer, expect, test } from "../fixtures";
import { connect, outcome } from "../socket";

test("revoking an API token disconnects its sockets within a second, and only those", async ({ api, baseURL, clientIp, newUser }) => {
  const u = await newUser();
  const createToken = async (name: string) => {
    const res = await api.post("/api/v1/users/me/tokens", { headers: bearer(u.token), data: { name } });
    expect(res.status()).toBe(201);
    return (await res.json()) as { id: string; token: string };
  };
  const revoked = await createToken("revoked");
  const kept = await createToken("kept");

  const doomed: Socket[] = [
    connect(baseURL!, "/system", { token: revoked.token, ip: clientIp }),
    connect(baseURL!, "/stats", { token: revoked.token, ip: clientIp }),
  ];
  const survivors: Socket[] = [
    connect(baseURL!, "/system", { token: kept.token, ip: clientIp }),
    connect(baseURL!, "/system", { token: u.token, ip: clientIp }),
  ];
  for (const s of [...doomed, ...survivors]) expect(await outcome(s)).toEqual({ connected: true });
  const droppedAt = doomed.map(
    (s) => new Promise<{ reason: string; at: number }>((resolve) => s.once("disconnect", (reason) => resolve({ reason, at: Date.now() }))),
  );

  const res = await api.delete(`/api/v1/users/me/tokens/${revoked.id}`, { headers: bearer(u.token) });
  expect(res.status()).toBe(204);
  const answeredAt = Date.now();

  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("revoked token's sockets still connected after 1 s")), 1_000));
  const drops = await Promise.race([Promise.all(droppedAt), timeout]);
  for (const d of drops) {
    expect(d.reason).toBe("io server disconnect");
    expect(d.at - answeredAt).toBeLessThan(1_000);
  }
  // The user's other sockets stay connected and answer.
  for (const s of survivors) {
    expect(s.connected).toBe(true);
    expect(await s.timeout(5_000).emitWithAck("ping")).toMatchObject({ pong: true, userId: u.id });
  }
  // The revoked token cannot connect again.
  expect(await outcome(connect(baseURL!, "/system", { token: revoked.token, ip: clientIp }))).toMatchObject({ connected: false, code: "UNAUTHENTICATED" });
  for (const s of survivors) s.disconnect();
});
