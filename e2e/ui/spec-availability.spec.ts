// The catalog as a user sees it in Chromium: a spec no node could ever run says so, instead of
// "sold out right now", which is kept for specs whose capable nodes are busy or offline.
import { bearer, expect, test, uniq } from "../fixtures";
import { signIn } from "./helpers";

test("the catalog tells 'no node can run this spec' from 'sold out right now'", async ({ page, api, adminToken, newUser, shot }) => {
  const tag = uniq(3);
  const h = { headers: bearer(adminToken) };
  // The only node big enough for the "busy" spec: listed, but never online (nothing listens there).
  const node = await api.post("/api/v1/nodes", { ...h, data: { name: `big-${tag}`, dockerAddress: "tcp://127.0.0.1:1", cpuCores: 3000, memoryGb: 9000 } });
  expect(node.status()).toBe(201);
  const post = async (data: Record<string, unknown>) => {
    const res = await api.post("/api/v1/specs", { ...h, data: { pricePerHourCents: 100, memoryGb: 1, ...data } });
    expect(res.status(), await res.text()).toBe(201);
    return res.json();
  };
  const never = await post({ name: `Never ${tag}`, cpuCores: 1, gpuModel: `No Such GPU ${tag}`, gpuCount: 1, gpuMemoryGb: 8 });
  const busy = await post({ name: `Busy ${tag}`, cpuCores: 1000, memoryGb: 8000 });
  expect(never).toMatchObject({ availableNodes: 0, availability: "none" });
  expect(busy).toMatchObject({ availableNodes: 0, availability: "busy" });

  const user = await newUser();
  await signIn(page, user.username, user.password);
  await page.goto("/catalog");
  await expect(page.getByTestId(`spec-card-Never ${tag}`)).toContainText("No node can run this spec");
  await expect(page.getByTestId(`spec-card-Never ${tag}`)).not.toContainText("Sold out right now");
  await expect(page.getByTestId(`spec-card-Busy ${tag}`)).toContainText("Sold out right now");
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByTestId(`spec-card-Never ${tag}`).scrollIntoViewIfNeeded();
  await shot(page, "catalog-availability-1440");
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, "catalog-availability-390");

  // The launch wizard says why a spec cannot be chosen.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/instances/new");
  await expect(page.getByTestId(`spec-choice-Never ${tag}`)).toContainText("No node has the GPUs, CPU cores or memory this spec needs");
  await expect(page.getByTestId(`spec-choice-Busy ${tag}`)).toContainText("No node has room for this spec right now");
});
