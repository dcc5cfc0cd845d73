// The SDK (packages/sdk) against a real console: its generated types are what the live
// OpenAPI document generates (a drift fails here: run `npm run sdk:generate`), and its calls,
// errors, paging and waiting work on real data.
import { readFileSync } from "node:fs";
import { AiInfraError, createAiInfraClient, paginate, unwrap, waitForInstance } from "../../packages/sdk/src/index";
import { schemaSource } from "../../packages/sdk/generate";
import { expect, test, uniq } from "../fixtures";
import { launchSetup } from "../node-fixtures";

test("the SDK's types are the live OpenAPI document's", async ({ api }) => {
  const live = await (await api.get("/api/openapi.json")).json();
  expect(await schemaSource(live)).toBe(readFileSync("packages/sdk/src/schema.ts", "utf8"));
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
