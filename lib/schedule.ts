import { Cron } from "croner";

// Cron schedules as a calculator, in the server and in the browser (the job form's preview):
// croner computes fire times in a time zone (daylight saving: a time that does not exist
// that day fires once at the next valid minute, a repeated hour fires once); in words:
// ./schedule-words.ts. The scheduler stores the next fire (Job.nextRunAt) and makes runs
// from it (server/jobs/scheduler.ts).

export type Schedule = { cron: string; timezone: string };

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
  } catch {
    return { path: "cron", message: "is not a valid cron expression (5 fields: minute hour day month weekday, or 6 with seconds first)" };
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
