"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call } from "../api/client";
import { imageKeys, specKeys } from "../api/keys";
import { api } from "../contracts";
import type { TCreateImageRequest, TPullEvent, TUpdateImageRequest } from "../contracts/images";
import { ZPullEvent } from "../contracts/images";
import type { TCreateSpecRequest, TUpdateSpecRequest } from "../contracts/specs";

// Images and specs: lists, mutations, per-node presence and the streamed pull.

export type ImageFilters = { page: number; pageSize: number; name?: string; isListed?: "true" | "false" };
export type SpecFilters = { page: number; pageSize: number; name?: string; isListed?: "true" | "false" };

export function useImages(q: ImageFilters) {
  return useQuery({ queryKey: imageKeys.list(q), queryFn: () => call(api.listImages, { query: q }), placeholderData: (prev) => prev });
}

export function useSaveImage() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: TCreateImageRequest | TUpdateImageRequest }) =>
      id ? call(api.updateImage, { params: { id }, body }) : call(api.createImage, { body: body as TCreateImageRequest }),
    onSuccess: () => qc.invalidateQueries({ queryKey: imageKeys.all }),
  });
}

export function useDeleteImage() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.deleteImage, { params: { id } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: imageKeys.all }),
  });
}

export function useImagePresence(id: string | null) {
  return useQuery({ queryKey: imageKeys.presence(id ?? ""), queryFn: () => call(api.imageNodes, { params: { id: id! } }), enabled: !!id });
}

/** Streams a pull's progress lines to `onEvent`; resolves with the last event. */
export async function pullImage(imageId: string, nodeId: string, onEvent: (e: TPullEvent) => void): Promise<TPullEvent | null> {
  const res = await fetch(`/api/v1/images/${encodeURIComponent(imageId)}/pull`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ nodeId }),
  });
  if (!res.ok || !res.body) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    const e: TPullEvent = { type: "error", message: body?.error?.message ?? `HTTP ${res.status}` };
    onEvent(e);
    return e;
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let last: TPullEvent | null = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const parsed = ZPullEvent.safeParse(JSON.parse(line));
      if (parsed.success) {
        last = parsed.data;
        onEvent(parsed.data);
      }
    }
  }
  return last;
}

export function useSpecs(q: SpecFilters) {
  return useQuery({ queryKey: specKeys.list(q), queryFn: () => call(api.listSpecs, { query: q }), placeholderData: (prev) => prev });
}

export function useSaveSpec() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: TCreateSpecRequest | TUpdateSpecRequest }) =>
      id ? call(api.updateSpec, { params: { id }, body }) : call(api.createSpec, { body: body as TCreateSpecRequest }),
    onSuccess: () => qc.invalidateQueries({ queryKey: specKeys.all }),
  });
}

export function useDeleteSpec() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.deleteSpec, { params: { id } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: specKeys.all }),
  });
}

/** Nodes that could host one instance of the spec now, with their free capacity (and, given an image, whether each can run it). */
export function useSpecNodes(specId: string | null, imageId?: string | null) {
  return useQuery({
    queryKey: specKeys.nodes(specId ?? "", imageId ?? undefined),
    queryFn: () => call(api.specNodes, { params: { id: specId! }, query: { imageId: imageId ?? undefined } }),
    enabled: !!specId,
  });
}
