// SSH public keys over HTTP (keys made by the real ssh-keygen, described as `ssh-keygen -l`
// does), the one-account-per-key rule, isolation between users, the administrators' read-only
// view, and an instance's SSH access answer. Auth: user / admin.
import { bearer, expect, test } from "../fixtures";
import { launchSetup } from "../node-fixtures";
import { keygen } from "../ssh-fixtures";

const KEYS = "/api/v1/users/me/ssh-keys";

test("ed25519, ECDSA and RSA-3072 keys are added with ssh-keygen's fingerprint, listed newest first, and deleted once", async ({ api, newUser }) => {
  const u = await newUser();
  const h = { headers: bearer(u.token) };
  expect(await (await api.get(KEYS, h)).json()).toEqual({ items: [] });

  const made = [
    { key: keygen("ed25519", { comment: "me@laptop" }), algorithm: "ssh-ed25519", bits: 256 },
    { key: keygen("ecdsa", { bits: 384, comment: "me@work" }), algorithm: "ecdsa-sha2-nistp384", bits: 384 },
    { key: keygen("rsa", { bits: 3072, comment: "old box" }), algorithm: "ssh-rsa", bits: 3072 },
  ];
  const added: { id: string; name: string }[] = [];
  for (const [n, { key, algorithm, bits }] of made.entries()) {
    const res = await api.post(KEYS, { ...h, data: { name: `key ${n}`, publicKey: `${key.pub}\n` } });
    expect(res.status(), await res.text()).toBe(201);
    const k = await res.json();
    expect(Object.keys(k).sort()).toEqual(["algorithm", "bits", "comment", "createdAt", "fingerprint", "id", "lastUsedAt", "name", "publicKey"]);
    expect(k).toMatchObject({
      name: `key ${n}`,
      algorithm,
      bits,
      fingerprint: key.fingerprint,
      comment: key.pub.split(" ").slice(2).join(" "),
      lastUsedAt: null,
    });
    expect(k.bits).toBe(key.bits);
    expect(k.publicKey).toBe(key.pub.split(" ").slice(0, 2).join(" "));
    added.push(k);
  }

  const list = (await (await api.get(KEYS, h)).json()).items as { id: string; fingerprint: string }[];
  expect(list.map((k) => k.id)).toEqual(added.map((k) => k.id).reverse());
  expect(list.map((k) => k.fingerprint)).toEqual(made.map((m) => m.key.fingerprint).reverse());

  const first = added[0]!.id;
  expect((await api.delete(`${KEYS}/${first}`, h)).status()).toBe(204);
  const again = await api.delete(`${KEYS}/${first}`, h);
  expect(again.status()).toBe(404);
  expect((await again.json()).error.code).toBe("NOT_FOUND");
  expect(((await (await api.get(KEYS, h)).json()).items as { id: string }[]).map((k) => k.id)).not.toContain(first);
});

test("weak RSA, private keys, other text and bad names are refused with 400 naming the field", async ({ api, newUser }) => {
  const u = await newUser();
  const h = { headers: bearer(u.token) };
  const refuse = async (data: unknown, field: string, message?: RegExp) => {
    const res = await api.post(KEYS, { ...h, data });
    expect(res.status(), await res.text()).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.issues[0].path).toBe(field);
    if (message) expect(error.issues[0].message).toMatch(message);
  };

  await refuse({ name: "weak", publicKey: keygen("rsa", { bits: 1024 }).pub }, "publicKey", /at least 2048 bits; this one has 1024/);
  const ed = keygen("ed25519");
  // The private key, pasted whole (the mistake people make): refused, and not stored.
  await refuse({ name: "oops", publicKey: ed.priv }, "publicKey", /private key/);
  await refuse({ name: "text", publicKey: "hello" }, "publicKey", /not an OpenSSH public key/);
  await refuse({ name: "dss", publicKey: `ssh-dss ${ed.pub.split(" ")[1]}` }, "publicKey", /not supported/);
  await refuse({ name: "", publicKey: ed.pub }, "name");
  await refuse({ name: "x".repeat(65), publicKey: ed.pub }, "name");
  await refuse({ name: "ok", publicKey: "" }, "publicKey");
  await refuse({ name: "ok", publicKey: `${ed.pub}\ud800` }, "publicKey", /valid Unicode/);
  expect((await (await api.get(KEYS, h)).json()).items).toEqual([]);
});

test("a key belongs to one account: a second user adding it gets 409; each lists only their own; another's key id is 404", async ({ api, newUser }) => {
  const [a, b] = [await newUser(), await newUser()];
  const key = keygen("ed25519");
  const created = await api.post(KEYS, { headers: bearer(a.token), data: { name: "a's laptop", publicKey: key.pub } });
  expect(created.status()).toBe(201);
  const aKey = await created.json();

  const dup = await api.post(KEYS, { headers: bearer(b.token), data: { name: "mine now", publicKey: key.pub } });
  expect(dup.status()).toBe(409);
  expect((await dup.json()).error).toMatchObject({ code: "CONFLICT", message: expect.stringContaining(key.fingerprint) });
  // The same key again on the same account is a conflict too (the comment does not make it another key).
  const same = await api.post(KEYS, { headers: bearer(a.token), data: { name: "again", publicKey: key.pub.replace(/ \S+$/, " other@host") } });
  expect(same.status()).toBe(409);

  const bKey = await (await api.post(KEYS, { headers: bearer(b.token), data: { name: "b's own", publicKey: keygen("ecdsa").pub } })).json();
  const ids = async (token: string) => ((await (await api.get(KEYS, { headers: bearer(token) })).json()).items as { id: string }[]).map((k) => k.id);
  expect(await ids(a.token)).toEqual([aKey.id]);
  expect(await ids(b.token)).toEqual([bKey.id]);

  const steal = await api.delete(`${KEYS}/${aKey.id}`, { headers: bearer(b.token) });
  expect(steal.status()).toBe(404);
  expect(await ids(a.token)).toEqual([aKey.id]);
  expect((await api.get(KEYS)).status()).toBe(401);
});

test("administrators list a user's keys read-only; others get 403; an unknown user is 404", async ({ api, adminToken, newUser }) => {
  const [u, other] = [await newUser(), await newUser()];
  const key = keygen("ed25519");
  const k = await (await api.post(KEYS, { headers: bearer(u.token), data: { name: "laptop", publicKey: key.pub } })).json();

  const listed = await api.get(`/api/v1/admin/users/${u.id}/ssh-keys`, { headers: bearer(adminToken) });
  expect(listed.status()).toBe(200);
  expect((await listed.json()).items).toEqual([expect.objectContaining({ id: k.id, name: "laptop", algorithm: "ssh-ed25519", fingerprint: key.fingerprint })]);

  const refused = await api.get(`/api/v1/admin/users/${u.id}/ssh-keys`, { headers: bearer(other.token) });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.code).toBe("FORBIDDEN");
  expect((await api.get(`/api/v1/admin/users/${u.id}/ssh-keys`)).status()).toBe(401);
  expect((await api.get("/api/v1/admin/users/no-such-user/ssh-keys", { headers: bearer(adminToken) })).status()).toBe(404);
});

test("an instance's SSH access: the command for its owner, needsKey until a key is added; another user's instance is 404", async ({
  api,
  adminToken,
  newUser,
  baseURL,
}) => {
  test.setTimeout(60_000);
  const { node, image, spec } = await launchSetup(api, adminToken);
  const [owner, other] = [await newUser(), await newUser()];
  const h = { headers: bearer(owner.token) };
  const launched = await api.post("/api/v1/instances", { ...h, data: { name: "My Notebook!", imageId: image.id, specId: spec.id, nodeId: node.id } });
  expect(launched.status(), await launched.text()).toBe(202);
  const { id } = (await launched.json()) as { id: string };

  try {
    const before = await api.get(`/api/v1/instances/${id}/ssh`, h);
    expect(before.status(), await before.text()).toBe(200);
    const a = await before.json();
    const host = new URL(baseURL!).hostname;
    expect(a).toMatchObject({ enabled: true, host, username: `${id}.${owner.username}`, needsKey: true });
    expect(a.command).toBe(`ssh -p ${a.port} ${id}.${owner.username}@${host}`);
    expect(a.command).toMatch(/^ssh -p \d+ \S+\.\S+@\S+$/);
    expect(a.config).toContain("Host aiinfra-my-notebook\n");
    expect(a.config).toContain(`  HostName ${host}\n  Port ${a.port}\n  User ${id}.${owner.username}\n`);
    expect(a.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(a.knownHosts).toMatch(new RegExp(`^\\[${host.replace(/\./g, "\\.")}\\]:${a.port} ssh-ed25519 AAAA\\S+$`));

    expect((await api.post(KEYS, { ...h, data: { name: "laptop", publicKey: keygen("ed25519").pub } })).status()).toBe(201);
    const after = await (await api.get(`/api/v1/instances/${id}/ssh`, h)).json();
    expect(after).toMatchObject({ needsKey: false, command: a.command, hostKeyFingerprint: a.hostKeyFingerprint });

    const foreign = await api.get(`/api/v1/instances/${id}/ssh`, { headers: bearer(other.token) });
    expect(foreign.status()).toBe(404);
    expect((await foreign.json()).error.code).toBe("NOT_FOUND");
    expect((await api.get("/api/v1/instances/no-such-instance/ssh", h)).status()).toBe(404);
    expect((await api.get(`/api/v1/instances/${id}/ssh`)).status()).toBe(401);
  } finally {
    // A creation deleted is cancelled: no container is left behind.
    expect((await api.delete(`/api/v1/instances/${id}`, h)).status()).toBe(204);
  }
});
