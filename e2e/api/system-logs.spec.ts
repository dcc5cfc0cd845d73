// The system log from outside: a warning the console logs (a pull of an image no registry has)
// is kept in the database, found by level and words, and in its day's NDJSON download; only
// administrators read it.
import { bearer, expect, test, uniq } from "../fixtures";
import { launchSetup } from "../node-fixtures";

test("a logged warning is in the system log, filtered and downloaded by day; administrators only", async ({ api, adminToken, newUser }) => {
  const a = { headers: bearer(adminToken) };
  const { node } = await launchSetup(api, adminToken);
  const address = `127.0.0.1:5000/aic/missing-${uniq()}:1`;
  const image = await (await api.post("/api/v1/images", { ...a, data: { name: `missing ${uniq(3)}`, address } })).json();
  const pull = await api.post(`/api/v1/images/${image.id}/pull`, { ...a, data: { nodeId: node.id } });
  expect(pull.status()).toBe(200);
  expect(await pull.text()).toContain('"type":"error"');

  type Line = { level: string; message: string; context: Record<string, unknown>; createdAt: string };
  let found: Line | undefined;
  await expect
    .poll(async () => {
      const page = await (await api.get(`/api/v1/admin/system-logs?q=${encodeURIComponent(address)}`, a)).json();
      found = (page.items as Line[]).find((l) => l.message === "image pull failed");
      return !!found;
    })
    .toBe(true);
  expect(found).toMatchObject({ level: "warn", context: expect.objectContaining({ image: address, node: node.name }) });
  // Only errors and worse: the warning is left out.
  const errors = await (await api.get(`/api/v1/admin/system-logs?level=error&q=${encodeURIComponent(address)}`, a)).json();
  expect(errors.items).toEqual([]);

  const day = found!.createdAt.slice(0, 10);
  const download = await api.get(`/api/v1/admin/system-logs/export?day=${day}`, a);
  expect(download.status()).toBe(200);
  expect(download.headers()["content-disposition"]).toContain(`system-log-${day}.ndjson`);
  const lines = (await download.text())
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Line);
  expect(lines.some((l) => l.message === "image pull failed" && l.context.image === address)).toBe(true);

  const bad = await api.get("/api/v1/admin/system-logs?level=debug&from=yesterday", a);
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.issues.map((i: { path: string }) => i.path).sort()).toEqual(["from", "level"]);
  expect((await api.get("/api/v1/admin/system-logs/export?day=12/01/2026", a)).status()).toBe(400);
  const user = await newUser();
  expect((await api.get("/api/v1/admin/system-logs", { headers: bearer(user.token) })).status()).toBe(403);
});
