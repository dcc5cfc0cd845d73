import "server-only";

// Job policies as pure rules: retry delays (fixed or exponential with a ceiling), what a new
// fire does when runs of the job are still active (overlap), and the order runs wait in.

export const PRIORITIES = ["low", "normal", "high", "critical"] as const;
export type Priority = (typeof PRIORITIES)[number];

export type RetryPolicy = { maxAttempts: number; backoff: "fixed" | "exponential"; delaySeconds: number; maxDelaySeconds: number };

/**
 * Seconds to wait before attempt `next` (2 for the first retry) of a run whose attempt failed:
 * null when no attempt is left. Exponential doubles from delaySeconds, up to maxDelaySeconds.
 */
export function retryDelaySeconds(p: RetryPolicy, next: number): number | null {
  if (next > p.maxAttempts) return null;
  if (p.backoff === "fixed") return p.delaySeconds;
  return Math.min(p.maxDelaySeconds, p.delaySeconds * 2 ** Math.max(0, next - 2));
}

export type OverlapPolicy = "allow" | "forbid" | "replace";

/** What a new fire does while `active` runs of its job are queued, starting or running. */
export function overlapDecision(policy: OverlapPolicy, active: number): "create" | "skip" | "replace" {
  if (active === 0 || policy === "allow") return "create";
  return policy === "forbid" ? "skip" : "replace";
}

/** A run's place in the queue: higher ranks start first (critical 3 … low 0), then earlier submissions. */
export function queueRank(priority: Priority): number {
  return PRIORITIES.indexOf(priority);
}
