// The SDK (packages/sdk) and the Python client (packages/python) against a real console: both
// are what the live OpenAPI document generates (a drift fails here: run `npm run
// sdk:generate`), the SDK's calls, errors, paging and waiting work on real data, and the
// README's Python example runs as written.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { pythonSource } from "../../packages/python/generate";
import { AiInfraError, createAiInfraClient, paginate, unwrap, waitForInstance } from "../../packages/sdk/src/index";
import { schemaSource } from "../../packages/sdk/generate";
import { expect, test, uniq } from "../fixtures";
import { launchSetup } from "../node-fixtures";

test("the SDK's types and the Python client are the live OpenAPI document's", async ({ api }) => {
  const live = await (await api.get("/api/openapi.json")).json();
  expect(await schemaSource(live)).toBe(readFileSync("packages/sdk/src/schema.ts", "utf8"));
  expect(pythonSource(live)).toBe(readFileSync("packages/python/aiinfra_client.py", "utf8"));
});

test("the README's Python example runs against the console with the generated client", async ({ api, adminToken, newUser }, testInfo) => {
  test.setTimeout(120_000);
  const example = /```python\n(import os\nfrom aiinfra_client[\s\S]*?)```/.exec(readFileSync("README.md", "utf8"))![1]!;
  const u = await newUser();
  const { node, image, spec } = await launchSetup(api, adminToken);
  const made = await api.post("/api/v1/instances", {
    headers: { authorization: `Bearer ${u.token}` },
    data: { name: `py-${uniq(3)}`, imageId: image.id, specId: spec.id, nodeId: node.id },
  });
  expect(made.status()).toBe(202);
  const inst = await made.json();
  await expect
    .poll(async () => (await (await api.get(`/api/v1/instances/${inst.id}`, { headers: { authorization: `Bearer ${u.token}` } })).json()).status, {
      timeout: 90_000,
    })
    .toBe("running");
  const out = execFileSync("python3", ["-c", example], {
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      PYTHONPATH: path.resolve("packages/python"),
      AIINFRA_URL: String(testInfo.project.use.baseURL),
      AIINFRA_TOKEN: u.token,
    } as unknown as NodeJS.ProcessEnv,
  });
  const lines = out.trim().split("\n");
  expect(lines[0]).toMatch(new RegExp(`^signed in as ${u.username} balance \\d+(\\.\\d+)?$`));
  expect(lines).toContain(`image ${image.name}`);
  expect(lines).toContain(`running ${inst.name} ${inst.id}`);
  expect(lines.at(-1)).toBe("error 404 NOT_FOUND True");
});

test("typed calls, errors with code and request id, paging and waiting for an instance", async ({ api, adminToken, newUser }, testInfo) => {
  test.setTimeout(120_000);
  const baseUrl = String(testInfo.project.use.baseURL);
  const u = await newUser();
  const client = createAiInfraClient({ baseUrl, token: u.token });
  const me = await unwrap(client.GET("/api/v1/users/me"));
  expect(me).toMatchObject({ id: u.id, username: u.username });

  const missing = await unwrap(client.GET("/api/v1/instances/{id}", { params: { path: { id: "no-such-instance" } } })).catch((e: unknown) => e);
  expect(missing).toBeInstanceOf(AiInfraError);
  expect(missing).toMatchObject({ status: 404, code: "NOT_FOUND", requestId: expect.any(String) });
  const bad = await unwrap(client.POST("/api/v1/users/me/tokens", { body: { name: "" } })).catch((e: unknown) => e);
  expect(bad).toMatchObject({ status: 400, code: "VALIDATION_FAILED", issues: [expect.objectContaining({ path: "name" })] });

  // Paging: five tokens, two per page.
  for (let i = 0; i < 5; i++) await unwrap(client.POST("/api/v1/users/me/tokens", { body: { name: `sdk-${i}` } }));
  const admin = createAiInfraClient({ baseUrl, token: adminToken });
  const tag = `sdk${uniq(6)}`;
  for (let i = 0; i < 5; i++) {
    const name = `${tag}${i}`;
    await unwrap(admin.POST("/api/v1/admin/users", { body: { username: name, email: `${name}@example.com`, password: "sdk-password-1", role: "user" } }));
  }
  const asked: number[] = [];
  const names: string[] = [];
  for await (const x of paginate((page) => {
    asked.push(page);
    return unwrap(admin.GET("/api/v1/admin/users", { params: { query: { page, pageSize: 2, search: tag } } }));
  }))
    names.push(x.username);
  expect(names.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `${tag}${i}`));
  expect(asked).toEqual([1, 2, 3]);

  const { node, image, spec } = await launchSetup(api, adminToken);
  const made = await unwrap(client.POST("/api/v1/instances", { body: { name: `sdk-${uniq(3)}`, imageId: image.id, specId: spec.id, nodeId: node.id } }));
  const running = await waitForInstance(client, made.id, "running", { timeoutMs: 90_000, intervalMs: 250 });
  expect(running).toMatchObject({ id: made.id, status: "running", nodeName: node.name });
  await unwrap(client.DELETE("/api/v1/instances/{id}", { params: { path: { id: made.id } } }));
});
