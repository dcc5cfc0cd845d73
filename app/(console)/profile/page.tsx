// Profile: account details, password change, SSH keys, personal API tokens, one's own activity. Auth: user.
import type { Metadata } from "next";
import { ProfileView } from "@/components/profile/profile-view";

export const metadata: Metadata = { title: "Profile" };

export default function ProfilePage() {
  return <ProfileView />;
}
