// Placeholder until its issue lands. Auth: user.
import { Placeholder } from "@/components/common/placeholder";

export default function InstancesPage() {
  return <Placeholder page="nav.instances" />;
}
