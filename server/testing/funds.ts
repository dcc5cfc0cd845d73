import { randomUUID } from "node:crypto";
import { postEntry } from "../billing/ledger.repo";

/** Credits a test user through the ledger (an adjustment), so balance == sum(entries) holds. */
export async function fund(userId: string, cents = 100_000): Promise<void> {
  await postEntry({ userId, kind: "adjustment", amountCents: cents, idempotencyKey: `test-funds:${randomUUID()}`, note: "Test funds" });
}
