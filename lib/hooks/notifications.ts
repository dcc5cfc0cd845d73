"use client";
import { useEffect } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { io } from "socket.io-client";
import { call } from "../api/client";
import { billingKeys, instanceKeys, notificationKeys } from "../api/keys";
import { api } from "../contracts";
import type { TNotification } from "../contracts/notifications";

// The bell: my notifications (a page of them and the unread count), marking read, and the
// live push over the /notifications socket. The list also polls slowly, for when the socket
// is down or the notification was stored by another console process.

export const NOTIFICATIONS_POLL_MS = 60_000;

export function useNotifications(q: { page: number; pageSize: number }) {
  return useQuery({
    queryKey: notificationKeys.list(q),
    queryFn: () => call(api.listNotifications, { query: q }),
    placeholderData: (prev) => prev,
    refetchInterval: NOTIFICATIONS_POLL_MS,
  });
}

/**
 * Listens for new notifications while mounted: the bell's queries refresh, and so do the
 * instances and the balance (a notification says one of them changed). `onNew` hears each.
 */
export function useNotificationStream(onNew?: (n: TNotification) => void) {
  const qc = useQueryClient();
  useEffect(() => {
    const socket = io("/notifications", { path: "/socket.io", transports: ["websocket"], withCredentials: true });
    socket.on("notification", (n: TNotification) => {
      void qc.invalidateQueries({ queryKey: notificationKeys.all });
      if (n.kind.startsWith("instance_") || n.kind === "balance_stopped") void qc.invalidateQueries({ queryKey: instanceKeys.all });
      if (n.kind.startsWith("balance_")) void qc.invalidateQueries({ queryKey: billingKeys.all });
      onNew?.(n);
    });
    return () => {
      socket.disconnect();
    };
  }, [qc, onNew]);
}

export function useReadNotification() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.readNotification, { params: { id } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

export function useReadAllNotifications() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => call(api.readAllNotifications),
    onSuccess: () => qc.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}
