// Error bodies keep their English `message` for scripts and carry it as a dictionary key
// with parameters (messageKey/params, and key/params on each issue) for clients that
// translate; parts such as what capacity is missing come rendered per locale. Bearer tokens.
import { bearer, expect, test, uniq } from "../fixtures";
import { launchSetup } from "../node-fixtures";

type ErrorAnswer = {
  error: {
    code: string;
    message: string;
    messageKey: string;
    params: Record<string, string | number | Record<string, string>>;
    issues?: { path: string; message: string; key?: string; params?: Record<string, unknown> }[];
  };
};

test("NO_CAPACITY and INSUFFICIENT_BALANCE: English message, key and parameters", async ({ api, adminToken, newUser }) => {
  test.setTimeout(90_000);
  const { node, image, spec } = await launchSetup(api, adminToken, { cpuCores: 1, memoryGb: 2 });
  const user = await newUser();
  const launch = (token: string) =>
    api.post("/api/v1/instances", { headers: bearer(token), data: { name: `m-${uniq(3)}`, imageId: image.id, specId: spec.id, nodeId: node.id } });
  const first = await launch(user.token);
  expect(first.status(), await first.text()).toBe(202);
  const firstId = ((await first.json()) as { id: string }).id;

  const full = await launch(user.token);
  expect(full.status()).toBe(409);
  const { error } = (await full.json()) as ErrorAnswer;
  expect(error.code).toBe("NO_CAPACITY");
  expect(error.message).toBe(`No capacity for "${spec.name}" now: ${node.name} needs 1 more CPU cores`);
  expect(error.messageKey).toBe("serverMessages.capacity.none");
  expect(error.params).toEqual({
    spec: spec.name,
    reasons: { "en-US": `${node.name} needs 1 more CPU cores`, "zh-CN": `节点 ${node.name} 还需要 1 个 CPU 核` },
  });
  expect((await api.delete(`/api/v1/instances/${firstId}`, { headers: bearer(user.token) })).status()).toBe(204);

  const poor = await newUser("user", { balanceCents: 0 });
  const broke = await launch(poor.token);
  expect(broke.status()).toBe(422);
  const refused = ((await broke.json()) as ErrorAnswer).error;
  expect(refused.code).toBe("INSUFFICIENT_BALANCE");
  expect(refused.message).toMatch(
    /^Your balance is .+; this needs at least .+: \d+ minutes at .+\/h\. Top up with a recharge code, or stop something first\.$/,
  );
  expect(refused.messageKey).toBe("serverMessages.balance.insufficient");
  expect(refused.params).toMatchObject({ balance: expect.any(String), needed: expect.any(String), minutes: expect.any(Number), burn: expect.any(String) });
});

test("validation issues carry a key and parameters beside their English", async ({ api, newUser }) => {
  const user = await newUser();
  const res = await api.post("/api/v1/users/me/ssh-keys", { headers: bearer(user.token), data: { name: "x".repeat(300), publicKey: "" } });
  expect(res.status()).toBe(400);
  const { error } = (await res.json()) as ErrorAnswer;
  expect(error.code).toBe("VALIDATION_FAILED");
  expect(error.message).toMatch(/^Invalid body: /);
  expect(error.messageKey).toBe("errors.VALIDATION_FAILED");
  for (const issue of error.issues ?? []) expect(issue.key, issue.message).toMatch(/^serverMessages\.issues\./);
  expect(error.issues).toContainEqual({ path: "publicKey", message: "is required", key: "serverMessages.issues.required" });
  expect(error.issues).toContainEqual({ path: "name", message: "must be at most 64 characters", key: "serverMessages.issues.maxChars", params: { max: 64 } });
});

test("a plain refusal keeps its English and names the code's own sentence", async ({ api }) => {
  const res = await api.get("/api/v1/users/me");
  expect(res.status()).toBe(401);
  const { error } = (await res.json()) as ErrorAnswer;
  expect(error).toMatchObject({ code: "UNAUTHENTICATED", message: "Sign in first", messageKey: "serverMessages.signInFirst", params: {} });
});
