import "server-only";
import { nextFire, type Schedule } from "@/lib/schedule";

// The scheduler's plan for due fires (the calculator itself, shared with the job form's
// preview, is lib/schedule.ts). Pure; the scheduler (server/jobs/scheduler.ts) applies it.

export { nextFire, nextFires, scheduleProblem, type Schedule } from "@/lib/schedule";
export type MisfirePolicy = "skip" | "once";

/**
 * How late a fire may be handled and still count as on time (a tick that ran late, a busy
 * process). Older fire times were missed (the console was down): the misfire policy decides.
 */
export const ON_TIME_MS = 1_500;

/** At most this many on-time fires are created in one pass (per-second schedules after a stall). */
const MAX_FIRES_PER_PASS = 10;

export type FirePlan = {
  /** The fire times to create runs for now (each its own run; unique per job and time). */
  fires: { at: Date; catchUp: boolean }[];
  /** What Job.nextRunAt becomes. */
  nextRunAt: Date | null;
  /** Fire times that were missed and not run (for the job's history). */
  missed: number;
};

/**
 * What a scheduler pass does with a job whose stored next fire time is `nextRunAt`: fire
 * times up to ON_TIME_MS old are run; older ones were missed (the console was down) and
 * give at most one catch-up run (`once`, for the first missed time) or none (`skip`). Never a
 * storm: a long outage is skipped over in one step.
 */
export function planFires(s: Schedule, nextRunAt: Date, now: Date, misfire: MisfirePolicy): FirePlan {
  const fires: FirePlan["fires"] = [];
  let t: Date | null = nextRunAt;
  let missed = 0;
  const onTimeFrom = new Date(now.getTime() - ON_TIME_MS);
  if (t.getTime() < onTimeFrom.getTime()) {
    if (misfire === "once") fires.push({ at: t, catchUp: true });
    // Jump over the outage: count what was missed only roughly (up to a bound), never loop over days.
    let counted: Date | null = t;
    while (counted && counted.getTime() < onTimeFrom.getTime() && missed < 1000) {
      missed++;
      counted = nextFire(s, counted);
    }
    if (misfire === "once") missed--;
    t = nextFire(s, new Date(onTimeFrom.getTime() - 1));
  }
  while (t && t.getTime() <= now.getTime() && fires.length < MAX_FIRES_PER_PASS) {
    fires.push({ at: t, catchUp: false });
    t = nextFire(s, t);
  }
  return { fires, nextRunAt: t, missed };
}
