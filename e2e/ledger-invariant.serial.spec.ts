// After every api and ui test has run against this console (serial projects depend on
// them): every user's balance still equals the sum of their ledger entries.
import { bearer, expect, test } from "./fixtures";

test("after all tests, every balance equals the sum of its ledger", async ({ api, adminToken }) => {
  const report = await (await api.get("/api/v1/admin/billing/invariant", { headers: bearer(adminToken) })).json();
  expect(report.mismatches).toEqual([]);
  expect(report.ok).toBe(true);
  expect(report.usersChecked).toBeGreaterThan(10);
});
