// Layout and formats in Chromium at 1440 px and 390 px: every table page fits a 1440 px
// screen (price and actions in view, no sideways scroll) and keeps its actions within reach
// on a phone (after scrolling the table sideways); chart axes never print a tick twice;
// money, times and durations read the same way across pages in en-US and zh-CN (one ¥,
// 24-hour times). Auth: an admin created for the test, with an instance of their own.
import type { Page } from "@playwright/test";
import { bearer, expect, test, uniq } from "../fixtures";
import { launchSetup, waitForStatus } from "../node-fixtures";
import { signIn } from "./helpers";

type TablePage = { path: string; search?: { placeholder: string; value: string }; row: string; action: string; price?: string };

/** The page's table scroller: scrollWidth beyond clientWidth is what a user has to scroll sideways. */
const scroller = (page: Page) => page.locator(".ant-table-content").first();

test("table pages fit 1440 px and keep actions reachable at 390 px; chart ticks and formats", async ({ page, api, adminToken, newUser, baseURL, shot }) => {
  // One instance must run past a billing interval (60 s) for a usage entry with its period.
  test.setTimeout(300_000);
  const { node, image, spec } = await launchSetup(api, adminToken, { cpuCores: 2, memoryGb: 4 });
  const admin = await newUser("admin");
  const other = await newUser();
  const name = `wide-${uniq(3)}`;
  const launched = await api.post("/api/v1/instances", {
    headers: bearer(admin.token),
    data: { name, imageId: image.id, specId: spec.id, nodeId: node.id, remark: "a remark long enough to need an ellipsis in the list" },
  });
  expect(launched.status(), await launched.text()).toBe(202);
  const instanceId = ((await launched.json()) as { id: string }).id;
  const description = `Layout batch ${uniq(3)}`;
  const codes = await api.post("/api/v1/recharge/codes", { headers: bearer(admin.token), data: { amountCents: 2500, count: 2, maxUses: 1, description } });
  expect(codes.status(), await codes.text()).toBe(201);
  const hookUrl = `https://hooks.example.com/layout-${uniq(3)}`;
  const hook = await api.post("/api/v1/webhooks", {
    headers: bearer(admin.token),
    data: {
      url: hookUrl,
      description: "Layout receiver",
      eventTypes: ["instance.failed", "instance.stopped", "job.run.failed", "job.run.succeeded", "balance.low"],
    },
  });
  expect(hook.status(), await hook.text()).toBe(201);
  await waitForStatus(api, admin.token, instanceId, "running");
  await signIn(page, admin.username, admin.password);

  const byName = "Search by name";
  const pages: TablePage[] = [
    { path: "/instances", search: { placeholder: byName, value: name }, row: name, action: "Stop", price: "¥1.20 / hour" },
    { path: "/admin/images", search: { placeholder: byName, value: image.name }, row: image.name, action: "Delete" },
    { path: "/admin/specs", search: { placeholder: byName, value: spec.name }, row: spec.name, action: "Delete", price: "¥1.20" },
    { path: "/admin/nodes", search: { placeholder: byName, value: node.name }, row: node.name, action: "Delete" },
    {
      path: "/admin/users",
      search: { placeholder: "Username, email or nickname", value: other.username },
      row: other.username,
      action: "Deactivate",
      price: "¥1,000.00",
    },
    { path: "/admin/recharge-codes", row: description, action: "Disable batch", price: "¥25.00" },
    { path: "/webhooks", row: hookUrl, action: "Deliveries" },
    // The other user's one action of their own: signing in.
    { path: "/admin/audit", search: { placeholder: "Actor: username or ID", value: other.username }, row: other.username, action: "Inspect" },
  ];
  for (const [width, height] of [
    [1440, 900],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width, height });
    for (const p of pages) {
      await page.goto(p.path);
      if (p.search) {
        await page.getByPlaceholder(p.search.placeholder).fill(p.search.value);
        await page.getByPlaceholder(p.search.placeholder).press("Enter");
      }
      const row = page.getByRole("row").filter({ hasText: p.row });
      await expect(row).toHaveCount(1);
      const action = row.getByRole("button", { name: p.action });
      if (width === 1440) {
        // Everything in view: nothing hides behind the fixed actions column.
        const overflow = await scroller(page).evaluate((el) => el.scrollWidth - el.clientWidth);
        expect(overflow, `${p.path} scrolls sideways by ${overflow} px at 1440 px`).toBeLessThanOrEqual(1);
        await expect(action).toBeInViewport({ ratio: 1 });
        if (p.price) await expect(row.getByText(p.price, { exact: true })).toBeInViewport({ ratio: 1 });
      } else {
        if (p.price) await expect(row.getByText(p.price, { exact: true })).toBeVisible();
        // Scrolled to its end, the table shows the whole actions column.
        await scroller(page).evaluate((el) => {
          el.scrollLeft = el.scrollWidth;
        });
        for (const button of await row.getByRole("button").all()) await expect(button).toBeInViewport({ ratio: 1 });
        await expect(action).toBeInViewport({ ratio: 1 });
      }
      await shot(page, `70-layout-${width}${p.path.replace(/\//g, "-")}`);
    }
  }

  // The other changed pages, for the eye: cards, charts and forms at both widths.
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: 900 });
    for (const [slug, path, ready] of [
      ["dashboard", "/dashboard", page.getByTestId("revenue-by-day")],
      ["catalog", "/catalog", page.getByTestId(`spec-card-${spec.name}`)],
      ["profile", "/profile", page.getByText("No API tokens yet")],
      ["stats", `/instances/${instanceId}?tab=stats`, page.getByTestId("stat-cpu")],
    ] as const) {
      await page.goto(path);
      await expect(ready).toBeVisible();
      // Nothing widens the page past the screen (tables scroll inside themselves), once the
      // shell has measured the screen (the server renders the desktop layout).
      await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), { message: `${path} at ${width} px` }).toBeLessThanOrEqual(width);
      await shot(page, `73-page-${width}-${slug}`);
    }
  }

  // The ledger fits too (it has no actions).
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/billing?tab=ledger");
  await expect(page.getByRole("row").filter({ hasText: "Test funds" })).toBeVisible();
  expect(await scroller(page).evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(1);

  // An idle container's CPU chart: tiny values, ticks that all differ.
  await page.goto(`/instances/${instanceId}`);
  await page.getByRole("tab", { name: "Stats" }).click();
  const cpu = page.getByTestId("chart-cpu");
  await expect.poll(async () => Number(await cpu.getAttribute("data-points")), { timeout: 20_000 }).toBeGreaterThan(2);
  const ticks = ((await cpu.getAttribute("data-ticks")) ?? "").split(" | ");
  expect(ticks.length).toBeGreaterThan(1);
  expect(new Set(ticks).size, ticks.join(", ")).toBe(ticks.length);
  await shot(page, "71-stats-ticks");

  // Formats: wait for a usage entry, whose period shows two times.
  await expect
    .poll(
      async () => {
        const res = await api.get("/api/v1/billing/ledger?kind=usage", { headers: bearer(admin.token) });
        return ((await res.json()) as { total: number }).total;
      },
      { timeout: 120_000, intervals: [5_000] },
    )
    .toBeGreaterThan(0);
  for (const locale of ["en-US", "zh-CN"] as const) {
    await page.context().addCookies([{ name: "locale", value: locale, url: baseURL! }]);
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto("/billing?tab=ledger");
      const main = page.locator("main");
      // The runway (¥1,000 at ¥1.20/h) in the page's language.
      await expect(main).toContainText(locale === "zh-CN" ? /约可用 \d+ 天 \d+ 小时/ : /Lasts about \d+ d \d+ h at ¥1\.20\/h/);
      // 24-hour times only: "2026-03-05 14:03" in the ledger, "14:03:09 – 14:04:09" for a usage period.
      await expect(main).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
      await expect(main).toContainText(/\d{2}:\d{2}(:\d{2})? – \d{2}:\d{2}/);
      await expect(main).not.toContainText(/\b(AM|PM)\b|上午|下午/);
      await expect(main).toContainText("¥");
      await expect(main).not.toContainText("CN¥");
      if (locale === "zh-CN") await expect(main).not.toContainText(/\d+ d \d+ h/);
      await shot(page, `72-billing-${locale}-${width}`);
    }
  }
});
