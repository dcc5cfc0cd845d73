// Server messages in a zh-CN browser: refusals (NO_CAPACITY, INSUFFICIENT_BALANCE), a
// server-side validation message and a run's status reason arrive as keys with parameters
// and are shown in Chinese (the API keeps their English). Users sign in, then read in zh-CN.
import type { Page } from "@playwright/test";
import { bearer, expect, test, uniq } from "../fixtures";
import { launchSetup } from "../node-fixtures";
import { keygen } from "../ssh-fixtures";
import { signIn } from "./helpers";

const inChinese = (page: Page, baseURL: string | undefined) => page.context().addCookies([{ name: "locale", value: "zh-CN", url: baseURL! }]);

/** The launch wizard with an image, a spec and a node chosen (the labels are the server's names). */
async function chooseLaunch(page: Page, image: { name: string }, spec: { name: string }, node: { name: string }) {
  await page.goto("/instances/new");
  await page.getByTestId(`image-choice-${image.name}`).click();
  await page.getByTestId(`spec-choice-${spec.name}`).click();
  await expect(page.getByRole("radio", { name: spec.name })).toBeChecked();
  await page.getByRole("radio", { name: new RegExp(node.name) }).check();
}

test("capacity and balance refusals read in Chinese", async ({ page, api, adminToken, newUser, baseURL, shot }) => {
  test.setTimeout(120_000);
  // One CPU on the node: once a blocker holds it, a launch there is refused for capacity.
  const { node, image, spec } = await launchSetup(api, adminToken, { cpuCores: 1, memoryGb: 2 });
  const user = await newUser();
  await signIn(page, user.username, user.password);
  await inChinese(page, baseURL);
  await chooseLaunch(page, image, spec, node);
  const blocker = await api.post("/api/v1/instances", {
    headers: bearer(user.token),
    data: { name: `blocker-${uniq(3)}`, imageId: image.id, specId: spec.id, nodeId: node.id },
  });
  expect(blocker.status(), await blocker.text()).toBe(202);
  const blockerId = ((await blocker.json()) as { id: string }).id;
  await page.getByRole("button", { name: "创建实例" }).click();
  const refusal = page.getByTestId("launch-error");
  await expect(refusal).toContainText(`“${spec.name}”当前没有可用资源：节点 ${node.name} 还需要 1 个 CPU 核`);
  await expect(refusal).not.toContainText("needs");
  await shot(page, "server-messages-no-capacity-zh");
  expect((await api.delete(`/api/v1/instances/${blockerId}`, { headers: bearer(user.token) })).status()).toBe(204);

  // A user without money: the balance refusal names what it needs, in Chinese.
  const poor = await newUser("user", { balanceCents: 0 });
  await page.context().clearCookies();
  await signIn(page, poor.username, poor.password);
  await inChinese(page, baseURL);
  await chooseLaunch(page, image, spec, node);
  await page.getByRole("button", { name: "创建实例" }).click();
  await expect(page.getByTestId("launch-error")).toContainText("您的余额为");
  await expect(page.getByTestId("launch-error")).toContainText("请使用充值码充值");
  await expect(page.getByTestId("launch-error")).not.toContainText("Your balance");
  await shot(page, "server-messages-balance-zh");
});

test("a server-side validation message goes under its field in Chinese", async ({ page, newUser, baseURL }) => {
  const user = await newUser();
  await signIn(page, user.username, user.password);
  await inChinese(page, baseURL);
  await page.goto("/profile");
  await page.getByTestId("ssh-keys-card").getByRole("button", { name: "添加 SSH 密钥" }).click();
  const dialog = page.getByRole("dialog");
  // A 1024-bit RSA key passes the browser's checks; the server refuses it under the field.
  await dialog
    .locator("textarea")
    .first()
    .fill(keygen("rsa", { bits: 1024, comment: "old@box" }).pub);
  await dialog.getByRole("button", { name: "添加 SSH 密钥" }).click();
  await expect(dialog.locator(".ant-form-item-explain-error")).toHaveText("RSA 密钥至少需要 2048 位，此密钥只有 1024 位");
});

test("a run's status reason reads in Chinese", async ({ page, api, adminToken, newUser, baseURL, shot }) => {
  test.setTimeout(90_000);
  const { image, spec } = await launchSetup(api, adminToken);
  const user = await newUser();
  // No node carries this tag: the run waits in the queue, saying why.
  const tag = `nowhere-${uniq(4)}`;
  const made = await api.post("/api/v1/jobs", {
    headers: bearer(user.token),
    data: { executor: "container", name: `tagged ${uniq(3)}`, imageId: image.id, specId: spec.id, nodeTags: [tag], container: { command: "true" } },
  });
  expect(made.status(), await made.text()).toBe(201);
  const job = (await made.json()) as { id: string };
  type Run = { id: string; status: string; statusMessage: string | null; statusRef: { key: string } | null };
  const firstRun = async () => ((await (await api.get(`/api/v1/runs?jobId=${job.id}`, { headers: bearer(user.token) })).json()) as { items: Run[] }).items[0];
  await expect.poll(async () => (await firstRun())?.statusRef?.key, { timeout: 30_000 }).toBe("serverMessages.run.waitingTag");
  const run = (await firstRun())!;
  expect(run.statusMessage).toBe(`Waiting: no online node has the tag ${tag}`);

  await signIn(page, user.username, user.password);
  await inChinese(page, baseURL);
  await page.goto(`/runs/${run.id}`);
  await expect(page.getByTestId("run-message")).toContainText(`等待：没有在线节点带有标签 ${tag}`);
  await shot(page, "server-messages-run-waiting-zh");
  await page.goto(`/jobs/${job.id}`);
  await expect(page.getByTestId("run-reason").first()).toHaveText(`等待：没有在线节点带有标签 ${tag}`);
  expect((await api.delete(`/api/v1/jobs/${job.id}`, { headers: bearer(user.token) })).status()).toBeLessThan(300);
});
