// Placeholder until its issue lands. Auth: user.
import { Placeholder } from "@/components/common/placeholder";

export default function BillingPage() {
  return <Placeholder page="nav.billing" />;
}
