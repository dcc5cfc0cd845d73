import "server-only";
import { Cron } from "croner";

// Cron schedules: croner computes fire times (it handles time zones and daylight saving: a
// time that does not exist that day fires once at the next valid minute, a repeated hour
// fires once). It is only a calculator: the job's next fire time is stored (Job.nextRunAt)
// and the scheduler creates runs from it, so restarts and several console processes agree.
// Pure functions; the scheduler (server/jobs/scheduler.ts) applies them.

export type Schedule = { cron: string; timezone: string };
export type MisfirePolicy = "skip" | "once";

/**
 * How late a fire may be handled and still count as on time (a tick that ran late, a busy
 * process). Older fire times were missed (the console was down): the misfire policy decides.
 */
export const ON_TIME_MS = 1_500;

/** At most this many on-time fires are created in one pass (per-second schedules after a stall). */
const MAX_FIRES_PER_PASS = 10;

function cronOf(s: Schedule): Cron {
  return new Cron(s.cron, { timezone: s.timezone, paused: true });
}

/** Why a cron expression or time zone cannot be used (null when both can), for the field named. */
export function scheduleProblem(s: Schedule): { path: "cron" | "timezone"; message: string } | null {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: s.timezone });
  } catch {
    return { path: "timezone", message: "is not a known IANA time zone (e.g. Europe/Berlin)" };
  }
  let next: Date | null;
  try {
    next = cronOf(s).nextRun();
  } catch (err) {
    const why = (err as Error).message.replace(/^CronPattern: /, "");
    return { path: "cron", message: `is not a valid cron expression: ${why}` };
  }
  if (!next) return { path: "cron", message: "never fires (no such date)" };
  return null;
}

/** The first fire time strictly after `after`, or null when there is none. */
export function nextFire(s: Schedule, after: Date): Date | null {
  return cronOf(s).nextRun(after);
}

/** The next `n` fire times after `after` (the form's preview). */
export function nextFires(s: Schedule, after: Date, n: number): Date[] {
  return cronOf(s).nextRuns(n, after);
}

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
