// Billing: balance, redeeming codes, the ledger. Auth: user.
import { BillingPage } from "@/components/billing/billing-page";

export default function Billing() {
  return <BillingPage />;
}
