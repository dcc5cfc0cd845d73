"use client";
import { Drawer, Empty } from "antd";
import type { TUserProfile } from "@/lib/contracts/users";
import { useUserSshKeys } from "@/lib/hooks/ssh";
import { LoadError } from "../common/listing";
import { SshKeyTable } from "../profile/ssh-key-table";
import { useT } from "../providers/i18n";

// Administrators: a user's SSH public keys, read-only (only the user adds or deletes them).

export function UserSshKeys({ user, onClose }: { user: TUserProfile | null; onClose: () => void }) {
  const t = useT();
  const keys = useUserSshKeys(user?.id ?? null);
  return (
    <Drawer title={user ? t("ssh.userKeys", { name: user.username }) : ""} open={!!user} onClose={onClose} width={1040} destroyOnHidden>
      {keys.isError && !keys.data ? (
        <LoadError onRetry={() => void keys.refetch()} />
      ) : (
        <SshKeyTable
          items={keys.data?.items ?? []}
          loading={keys.isLoading}
          emptyText={<Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("ssh.userNoKeys")} />}
        />
      )}
    </Drawer>
  );
}
