import { describe, expect, it } from "vitest";
import { FLAP_QUIET_MS, isNews } from "./sources";

// Whether an up/down notice is news: a flapping node (or a user's instances on it) tells once
// per FLAP_QUIET_MS, and "back" only follows a "down" that was told.

describe("flap quieting", () => {
  const now = Date.parse("2026-11-30T12:00:00Z");
  const at = (kind: string, msAgo: number) => ({ kind, createdAt: new Date(now - msAgo) });

  it("a first 'down' is news; 'down' again soon after a notice of either kind is not", () => {
    expect(isNews("node_offline", "node_offline", null, now)).toBe(true);
    expect(isNews("node_offline", "node_offline", at("node_online", 60_000), now)).toBe(false);
    expect(isNews("node_offline", "node_offline", at("node_offline", 60_000), now)).toBe(false);
    expect(isNews("node_offline", "node_offline", at("node_online", FLAP_QUIET_MS), now)).toBe(true);
  });

  it("'back' is news only after a told 'down'", () => {
    expect(isNews("node_online", "node_offline", null, now)).toBe(false);
    expect(isNews("node_online", "node_offline", at("node_offline", 5_000), now)).toBe(true);
    expect(isNews("node_online", "node_offline", at("node_online", 5_000), now)).toBe(false);
    expect(isNews("instance_recovered", "instance_unreachable", at("instance_unreachable", 1_000), now)).toBe(true);
  });
});
