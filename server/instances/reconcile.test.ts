import { describe, expect, it } from "vitest";
import { decide } from "./reconcile";

describe("reconcile decisions", () => {
  const now = new Date("2026-11-22T07:00:00Z");
  it("a running instance whose container exited becomes exited with the code, releasing its allocation", () => {
    const o = decide({ status: "running" }, { state: "exited", exitCode: 137 }, now);
    expect(o).toMatchObject({ status: "exited", release: true, data: { exitCode: 137, stoppedAt: now } });
    expect(String(o!.data.statusMessage)).toMatch(/code 137 \(killed/);
  });

  it("a removed container fails its instance with the reason", () => {
    const o = decide({ status: "running" }, null, now);
    expect(o).toMatchObject({ status: "failed", release: true, data: { containerId: null, stoppedAt: now } });
    expect(String(o!.data.statusMessage)).toMatch(/removed outside the console/);
    // Unseen since its node stopped answering: no running time after that is assumed.
    expect(decide({ status: "unknown" }, null, now)).toMatchObject({ status: "failed", data: { stoppedAt: null } });
  });

  it("an unknown instance whose node answers again takes the container's state", () => {
    expect(decide({ status: "unknown" }, { state: "running", exitCode: null }, now)).toMatchObject({ status: "running", release: false });
    expect(decide({ status: "unknown" }, { state: "exited", exitCode: 0 }, now)).toMatchObject({ status: "exited" });
  });

  it("leaves matching and user-stopped instances alone", () => {
    expect(decide({ status: "running" }, { state: "running", exitCode: null }, now)).toBeNull();
    expect(decide({ status: "stopped" }, null, now)).toBeNull();
    expect(decide({ status: "exited" }, { state: "exited", exitCode: 1 }, now)).toBeNull();
    expect(decide({ status: "failed" }, null, now)).toBeNull();
  });
});
