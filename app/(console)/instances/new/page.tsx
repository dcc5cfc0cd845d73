// Launch an instance: image, spec, node, name. Auth: user (checked by the console layout).
import type { Metadata } from "next";
import { LaunchWizard } from "@/components/instances/launch-wizard";

export const metadata: Metadata = { title: "Launch instance" };

export default function LaunchInstancePage() {
  return <LaunchWizard />;
}
