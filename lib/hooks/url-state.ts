"use client";
import { useCallback, useMemo } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";

// Page state kept in the URL (filters, page, tab): a reload, a shared link or the back
// button brings the same view. Values equal to their defaults stay out of the URL.

type Value = string | number | undefined;

/** Reads `defaults`' keys from the query string (numbers: positive integers only). Pure. */
export function parseQuery<T extends Record<string, Value>>(params: URLSearchParams, defaults: T): T {
  const out: Record<string, Value> = { ...defaults };
  for (const [key, fallback] of Object.entries(defaults)) {
    const raw = params.get(key);
    if (raw === null || raw === "") continue;
    if (typeof fallback === "number") {
      const n = Number(raw);
      if (Number.isInteger(n) && n > 0) out[key] = n;
    } else out[key] = raw;
  }
  return out as T;
}

/** The query string for `state`, leaving out defaults and empty values; other keys are kept. Pure. */
export function toQuery<T extends Record<string, Value>>(state: T, defaults: T, base: URLSearchParams): string {
  const params = new URLSearchParams(base);
  for (const key of Object.keys(defaults)) {
    const v = state[key];
    if (v === undefined || v === "" || v === defaults[key]) params.delete(key);
    else params.set(key, String(v));
  }
  const qs = params.toString();
  return qs ? `?${qs}` : "";
}

export function useUrlState<T extends Record<string, Value>>(defaults: T): [T, (update: (prev: T) => T) => void] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  // `defaults` is a literal at each call site: its content is what matters.
  const key = JSON.stringify(defaults);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `defaults`
  const state = useMemo(() => parseQuery(params, defaults), [params, key]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `defaults`
  const set = useCallback(
    (update: (prev: T) => T) =>
      router.replace(
        `${pathname}${toQuery(update(parseQuery(new URLSearchParams(window.location.search), defaults)), defaults, new URLSearchParams(window.location.search))}`,
        { scroll: false },
      ),
    [router, pathname, key],
  );
  return [state, set];
}
