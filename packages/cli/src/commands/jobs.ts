import type { Command } from "commander";
import { type AiInfraClient, type RequestOf, type ResponseOf, waitFor } from "../../../sdk/src/index";
import { CliError, type Ctx, EXIT, unwrap } from "../context";
import { newLines } from "../follow";
import { all, byIdOrName, confirm, follow, oneOf, pick, readText, whole } from "../lookup";
import { type Column, fields, money, print, table } from "../output";

// jobs create|list|get|trigger|pause|resume|delete, runs list|get|logs|cancel|retry, and
// slurm clusters|nodes|jobs (list, submit --script, cancel). A Slurm job submitted here is a
// console job of the slurm executor with one run: the run is what is followed and cancelled.

type Job = ResponseOf<"/api/v1/jobs/{id}">;
type Run = ResponseOf<"/api/v1/runs/{id}">;
type CreateJob = RequestOf<"/api/v1/jobs", "post">;

const EXECUTORS = ["container", "python", "http", "slurm"] as const;
const RUN_STATUSES = ["queued", "starting", "running", "succeeded", "failed", "timed_out", "cancelled", "lost"] as const;
const ENDED = new Set(["succeeded", "failed", "timed_out", "cancelled", "lost"]);

const JOB_COLUMNS: Column<Job>[] = [
  { header: "ID", value: (j) => j.id },
  { header: "NAME", value: (j) => j.name },
  { header: "EXECUTOR", value: (j) => j.executor },
  { header: "STATUS", value: (j) => j.status },
  { header: "TRIGGER", value: (j) => (j.trigger === "cron" ? `cron ${j.cron} ${j.timezone}` : j.trigger === "once" ? `once ${j.runAt}` : "now") },
  { header: "NEXT RUN", value: (j) => j.nextRunAt },
  { header: "LAST RUN", value: (j) => (j.lastRun ? `${j.lastRun.status} ${j.lastRun.at}` : null) },
];

const RUN_COLUMNS: Column<Run>[] = [
  { header: "ID", value: (r) => r.id },
  { header: "JOB", value: (r) => r.jobName },
  { header: "ATTEMPT", value: (r) => r.attempt },
  { header: "STATUS", value: (r) => r.status },
  { header: "QUEUED", value: (r) => r.queuedAt },
  { header: "FINISHED", value: (r) => r.finishedAt },
  { header: "EXIT", value: (r) => r.exitCode },
  { header: "MESSAGE", value: (r) => r.statusMessage },
];

function runFields(r: Run): string {
  return fields([
    ["id", r.id],
    ["job", `${r.jobName} (${r.jobId})`],
    ["attempt", r.attempt],
    ["status", r.status],
    ["message", r.statusMessage],
    ["queued", r.queuedAt],
    ["started", r.startedAt],
    ["finished", r.finishedAt],
    ["exit code", r.exitCode],
    ...(r.httpStatus !== null ? ([["http status", `${r.httpStatus} in ${r.latencyMs} ms`]] as [string, unknown][]) : []),
    ...(r.slurm
      ? ([
          ["slurm job", r.slurm.jobId],
          ["slurm state", r.slurm.reason ? `${r.slurm.state} (${r.slurm.reason})` : r.slurm.state],
          ["slurm user", r.slurm.user],
          ["slurm nodes", r.slurm.nodes],
        ] as [string, unknown][])
      : []),
    ["cost", money(r.costCents)],
  ]);
}

function jobFields(j: Job): string {
  return fields([
    ["id", j.id],
    ["name", j.name],
    ["executor", j.executor],
    ["status", j.status],
    ["trigger", j.trigger === "cron" ? `cron ${j.cron} (${j.timezone})` : j.trigger],
    ["next run", j.nextRunAt],
    ["timeout", `${j.timeoutSeconds} s`],
    ["retries", `${j.retry.maxAttempts} attempts, ${j.retry.backoff}`],
    ["last run", j.lastRun ? `${j.lastRun.id} ${j.lastRun.status} at ${j.lastRun.at}` : null],
    ["created", j.createdAt],
  ]);
}

/** A job by id, or by its exact name among the caller's. */
function findJob(client: AiInfraClient, ref: string): Promise<Job> {
  return byIdOrName(
    "job",
    ref,
    () => client.GET("/api/v1/jobs/{id}", { params: { path: { id: ref } } }),
    () => unwrap(client.GET("/api/v1/jobs", { params: { query: { name: ref, pageSize: 100 } } })),
  );
}

const getRun = (client: AiInfraClient, id: string) => unwrap(client.GET("/api/v1/runs/{id}", { params: { path: { id } } }));

/** The first run of a job just made (trigger now). */
async function firstRun(client: AiInfraClient, jobId: string): Promise<Run | null> {
  return (await unwrap(client.GET("/api/v1/runs", { params: { query: { jobId, pageSize: 1 } } }))).items[0] ?? null;
}

/** Waits for a run to end; the exit code says how it ended (0 succeeded, 1 otherwise). */
async function waitForEnd(client: AiInfraClient, id: string, timeoutSeconds: number): Promise<Run> {
  return waitFor(
    () => getRun(client, id),
    (r) => ENDED.has(r.status),
    { timeoutMs: timeoutSeconds * 1000, intervalMs: 1000, what: `run ${id} to end` },
  );
}

function endedCode(r: Run): void {
  if (ENDED.has(r.status) && r.status !== "succeeded")
    throw new CliError(`run ${r.id} ${r.status}${r.statusMessage ? `: ${r.statusMessage}` : ""}`, EXIT.failure);
}

/**
 * Prints a run's output; with follow, polls until the run ends (the lines kept when it ended
 * come last) and answers it.
 */
async function showRunLogs(c: Ctx, client: AiInfraClient, id: string, o: { tail: number; follow?: boolean; file: "output" | "error" }): Promise<Run | null> {
  const read = (tail: number) => unwrap(client.GET("/api/v1/runs/{id}/logs", { params: { path: { id }, query: { tail, file: o.file } } }));
  let seen: string[] = [];
  const show = (lines: { stream: "stdout" | "stderr"; text: string }[]) => {
    // By text alone: the log kept when a run ends has its lines as stdout.
    const texts = lines.map((l) => l.text);
    const fresh = newLines(seen, texts);
    if (fresh.gap && seen.length) c.out.error("(some lines were missed: the output grew faster than it was read)");
    const start = lines.length - fresh.lines.length;
    for (const l of lines.slice(start)) {
      if (c.out.json) c.out.write(JSON.stringify(l));
      else (l.stream === "stderr" ? c.out.error : c.out.write)(l.text);
    }
    seen = texts;
  };
  show((await read(o.tail)).lines);
  if (!o.follow) return null;
  let ended: Run | null = null;
  await follow(c, async () => {
    const run = await getRun(client, id);
    // A run that ended: its kept log is read once more, then the run is answered.
    show((await read(2000)).lines);
    ended = ENDED.has(run.status) ? run : null;
    return ended !== null;
  });
  return ended;
}

export function jobCommands(program: Command, ctx: () => Ctx): void {
  const jobs = program.command("jobs").alias("job").description("Jobs: commands, scripts, HTTP calls and Slurm batch scripts, run now, once or on a schedule");
  jobs
    .command("create")
    .description("Create a job from flags, or from a JSON file holding the API's request (--file)")
    .option("--name <name>", "the job's name")
    .option("--file <job.json>", "the whole request as JSON (POST /api/v1/jobs); flags given too override its fields")
    .option("--executor <kind>", `what runs it: ${EXECUTORS.join(", ")}`, oneOf("--executor", EXECUTORS))
    .option("--command <cmd>", "container: the command (sh -c) in a fresh container")
    .option("--script <file>", "python: the script; slurm: the batch script")
    .option("--http-url <url>", "http: the URL to call (--url is the console's address)")
    .option("--method <method>", "http: the method", "GET")
    .option("--image <image>", "container/python: image name or id")
    .option("--spec <spec>", "container/python: spec name or id")
    .option("--cluster <cluster>", "slurm: cluster name or id")
    .option("--partition <name>", "slurm: partition")
    .option("--cron <expr>", "run on this schedule (5 fields, or 6 with seconds)")
    .option("--timezone <tz>", "the schedule's time zone", "UTC")
    .option("--timeout <seconds>", "stop a run after this long", whole("--timeout"))
    .option("--retries <n>", "attempts in all when a run fails", whole("--retries"))
    .option("--paused", "with --cron: create it paused (no runs until resumed)")
    .action(async (o: CreateFlags) => {
      const c = ctx();
      // Without a schedule a job runs when it is made: there is nothing to pause.
      if (o.paused && !o.cron) throw new CliError("--paused needs --cron (a job without a schedule runs when it is made)", EXIT.usage);
      const client = c.client();
      const body = await jobRequest(client, o);
      const job = await unwrap(client.POST("/api/v1/jobs", { body }));
      const made = o.paused ? await unwrap(client.POST("/api/v1/jobs/{id}/pause", { params: { path: { id: job.id } } })) : job;
      print(c.out, made, () => jobFields(made));
    });
  jobs
    .command("list")
    .alias("ls")
    .description("Your jobs (administrators: everyone's), newest first")
    .option("--status <status>", "active, paused or disabled", oneOf("--status", ["active", "paused", "disabled"] as const))
    .option("--name <text>", "names containing this")
    .option("--limit <n>", "at most this many", whole("--limit"), 500)
    .action(async (o: { status?: "active" | "paused" | "disabled"; name?: string; limit: number }) => {
      const c = ctx();
      const client = c.client();
      const query = { ...(o.status ? { status: o.status } : {}), ...(o.name ? { name: o.name } : {}) };
      const items = await all((page) => unwrap(client.GET("/api/v1/jobs", { params: { query: { page, pageSize: 100, ...query } } })), o.limit);
      print(c.out, items, () => (items.length ? table(items, JOB_COLUMNS) : "no jobs"));
    });
  jobs
    .command("get <job>")
    .description("One job, by id or name")
    .action(async (ref: string) => {
      const c = ctx();
      const j = await findJob(c.client(), ref);
      print(c.out, j, () => jobFields(j));
    });
  jobs
    .command("trigger <job>")
    .description("Queue a run now, whatever its schedule")
    .option("--wait", "wait for the run to end (exit code 1 unless it succeeded)")
    .option("--timeout <seconds>", "with --wait: give up after this long", whole("--timeout"), 3600)
    .action(async (ref: string, o: { wait?: boolean; timeout: number }) => {
      const c = ctx();
      const client = c.client();
      const { id } = await findJob(client, ref);
      let run = await unwrap(client.POST("/api/v1/jobs/{id}/trigger", { params: { path: { id } } }));
      if (o.wait) run = await waitForEnd(client, run.id, o.timeout);
      print(c.out, run, () => runFields(run));
      if (o.wait) endedCode(run);
    });
  for (const [verb, summary] of [
    ["pause", "Pause a job: no new runs until resumed (runs under way go on)"],
    ["resume", "Resume a paused job"],
  ] as const) {
    jobs
      .command(`${verb} <job>`)
      .description(summary)
      .action(async (ref: string) => {
        const c = ctx();
        const client = c.client();
        const { id } = await findJob(client, ref);
        const path = { params: { path: { id } } };
        const j = verb === "pause" ? await unwrap(client.POST("/api/v1/jobs/{id}/pause", path)) : await unwrap(client.POST("/api/v1/jobs/{id}/resume", path));
        print(c.out, j, () => `${j.name} (${j.id}): ${j.status}`);
      });
  }
  jobs
    .command("delete <job>")
    .alias("rm")
    .description("Delete a job (its queued and running runs are cancelled; asks first, --yes in scripts)")
    .option("-y, --yes", "do not ask")
    .action(async (ref: string, o: { yes?: boolean }) => {
      const c = ctx();
      const client = c.client();
      const j = await findJob(client, ref);
      await confirm(c, `Delete job ${j.name} (${j.id})?`, o.yes);
      await unwrap(client.DELETE("/api/v1/jobs/{id}", { params: { path: { id: j.id } } }));
      print(c.out, { id: j.id, deleted: true }, () => `deleted job ${j.name} (${j.id})`);
    });

  const runs = program.command("runs").alias("run").description("Job runs: their status, output, cancel and retry");
  runs
    .command("list")
    .alias("ls")
    .description("Runs, newest first")
    .option("--job <job>", "only this job's (name or id)")
    .option("--status <status>", `only this status (${RUN_STATUSES.join(", ")})`, oneOf("--status", RUN_STATUSES))
    .option("--limit <n>", "at most this many", whole("--limit"), 100)
    .action(async (o: { job?: string; status?: (typeof RUN_STATUSES)[number]; limit: number }) => {
      const c = ctx();
      const client = c.client();
      const jobId = o.job ? (await findJob(client, o.job)).id : undefined;
      const query = { ...(jobId ? { jobId } : {}), ...(o.status ? { status: o.status } : {}) };
      const items = await all((page) => unwrap(client.GET("/api/v1/runs", { params: { query: { page, pageSize: 100, ...query } } })), o.limit);
      print(c.out, items, () => (items.length ? table(items, RUN_COLUMNS) : "no runs"));
    });
  runs
    .command("get <run>")
    .description("One run")
    .action(async (id: string) => {
      const c = ctx();
      const r = await getRun(c.client(), id);
      print(c.out, r, () => runFields(r));
    });
  runs
    .command("logs <run>")
    .description("A run's output; -f follows it until the run ends (exit code 1 unless it succeeded)")
    .option("-n, --tail <lines>", "how many of the last lines", whole("--tail"), 200)
    .option("-f, --follow", "keep printing new lines until the run ends")
    .option("--error", "slurm runs: the job's error file instead of its output file")
    .action(async (id: string, o: { tail: number; follow?: boolean; error?: boolean }) => {
      const c = ctx();
      const client = c.client();
      const ended = await showRunLogs(c, client, id, { tail: o.tail, follow: o.follow, file: o.error ? "error" : "output" });
      if (ended) endedCode(ended);
    });
  runs
    .command("cancel <run>")
    .description("Cancel a queued or running run")
    .action(async (id: string) => {
      const c = ctx();
      const r = await unwrap(c.client().POST("/api/v1/runs/{id}/cancel", { params: { path: { id } } }));
      print(c.out, r, () => `run ${r.id}: ${r.status}${r.cancelRequested && !ENDED.has(r.status) ? " (stopping)" : ""}`);
    });
  runs
    .command("retry <run>")
    .description("Run an ended run again (a new attempt)")
    .action(async (id: string) => {
      const c = ctx();
      const r = await unwrap(c.client().POST("/api/v1/runs/{id}/retry", { params: { path: { id } } }));
      print(c.out, r, () => `run ${r.id} (attempt ${r.attempt}): ${r.status}`);
    });

  slurmCommands(program, ctx);
}

type CreateFlags = {
  name?: string;
  file?: string;
  executor?: (typeof EXECUTORS)[number];
  command?: string;
  script?: string;
  httpUrl?: string;
  method: string;
  image?: string;
  spec?: string;
  cluster?: string;
  partition?: string;
  cron?: string;
  timezone: string;
  timeout?: number;
  retries?: number;
  paused?: boolean;
};

const clusters = (client: AiInfraClient) => all((page) => unwrap(client.GET("/api/v1/clusters", { params: { query: { page, pageSize: 100 } } })));

/** The create request: the file's, with the flags over it. */
async function jobRequest(client: AiInfraClient, o: CreateFlags): Promise<CreateJob> {
  let body: Record<string, unknown> = {};
  if (o.file) {
    try {
      body = JSON.parse(readText("--file", o.file)) as Record<string, unknown>;
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw new CliError(`--file ${o.file}: not JSON (${(err as Error).message})`, EXIT.usage);
    }
  }
  const executor =
    o.executor ??
    (body.executor as string | undefined) ??
    (o.command ? "container" : o.httpUrl ? "http" : o.cluster ? "slurm" : o.script ? "python" : undefined);
  if (!executor)
    throw new CliError("say what the job runs: --command, --script (python), --http-url (http), --cluster with --script (slurm), or --file", EXIT.usage);
  body.executor = executor;
  if (o.name) body.name = o.name;
  if (!body.name) throw new CliError("--name is required", EXIT.usage);
  const section = (body[executor] as Record<string, unknown> | undefined) ?? {};
  if (executor === "container" && o.command) section.command = o.command;
  if (executor === "python" && o.script) section.script = readText("--script", o.script);
  if (executor === "http") {
    if (o.httpUrl) section.url = o.httpUrl;
    if (o.httpUrl || !section.method) section.method = o.method.toUpperCase();
  }
  if (executor === "slurm") {
    if (o.script) section.script = readText("--script", o.script);
    if (o.cluster) section.clusterId = (await pick("cluster", o.cluster, () => clusters(client))).id;
    if (o.partition) section.partition = o.partition;
  }
  body[executor] = section;
  if (o.image)
    body.imageId = (await pick("image", o.image, () => all((page) => unwrap(client.GET("/api/v1/images", { params: { query: { page, pageSize: 100 } } }))))).id;
  if (o.spec)
    body.specId = (await pick("spec", o.spec, () => all((page) => unwrap(client.GET("/api/v1/specs", { params: { query: { page, pageSize: 100 } } }))))).id;
  if (o.cron) Object.assign(body, { trigger: "cron", cron: o.cron, timezone: o.timezone });
  if (o.timeout) body.timeoutSeconds = o.timeout;
  if (o.retries) body.retry = { maxAttempts: o.retries, backoff: "exponential", delaySeconds: 10, maxDelaySeconds: 600 };
  return body as CreateJob;
}

function slurmCommands(program: Command, ctx: () => Ctx): void {
  const slurm = program.command("slurm").description("Slurm clusters: their nodes, and batch jobs submitted through the console");
  slurm
    .command("clusters")
    .description("The Slurm clusters you can submit to")
    .action(async () => {
      const c = ctx();
      const items = await clusters(c.client());
      print(c.out, items, () =>
        items.length
          ? table(items, [
              { header: "ID", value: (x) => x.id },
              { header: "NAME", value: (x) => x.name },
              { header: "STATUS", value: (x) => x.status },
              { header: "SLURM", value: (x) => x.release },
              { header: "MESSAGE", value: (x) => x.statusMessage },
            ])
          : "no clusters",
      );
    });
  slurm
    .command("nodes <cluster>")
    .description("A cluster's nodes: state, CPUs, memory, GPUs")
    .action(async (ref: string) => {
      const c = ctx();
      const client = c.client();
      const { id } = await pick("cluster", ref, () => clusters(client));
      const answer = await unwrap(client.GET("/api/v1/clusters/{id}/nodes", { params: { path: { id } } }));
      print(c.out, answer, () =>
        answer.items.length
          ? table(answer.items, [
              { header: "NAME", value: (n) => n.name },
              { header: "STATE", value: (n) => [n.state, ...n.stateFlags].join("+") },
              { header: "CPUS", value: (n) => `${n.cpus.allocated}/${n.cpus.total}` },
              { header: "MEMORY MB", value: (n) => `${n.memoryMb.allocated}/${n.memoryMb.total}` },
              { header: "GPUS", value: (n) => `${n.gpus.allocated}/${n.gpus.total}` },
              { header: "PARTITIONS", value: (n) => n.partitions },
              { header: "REASON", value: (n) => n.reason },
            ])
          : "no nodes",
      );
    });
  const sjobs = slurm.command("jobs").description("Batch jobs: yours through the console, or (administrators, --queue) the cluster's whole queue");
  sjobs
    .command("list")
    .alias("ls")
    .description("Your Slurm runs on a cluster, newest first")
    .option("--cluster <cluster>", "name or id (needed when there are several)")
    .option("--queue", "administrators: every job in the cluster's queue, as Slurm has it")
    .option("--limit <n>", "at most this many", whole("--limit"), 100)
    .action(async (o: { cluster?: string; queue?: boolean; limit: number }) => {
      const c = ctx();
      const client = c.client();
      const list = await clusters(client);
      if (!o.cluster && list.length !== 1)
        throw new CliError(list.length ? `--cluster is needed: one of ${list.map((x) => x.name).join(", ")}` : "no clusters", EXIT.usage);
      const cluster = o.cluster ? await pick("cluster", o.cluster, async () => list) : list[0]!;
      if (o.queue) {
        const items = await all(
          (page) => unwrap(client.GET("/api/v1/clusters/{id}/jobs", { params: { path: { id: cluster.id }, query: { page, pageSize: 100 } } })),
          o.limit,
        );
        return print(c.out, items, () =>
          items.length
            ? table(items, [
                { header: "JOBID", value: (j) => j.jobId },
                { header: "NAME", value: (j) => j.name },
                { header: "USER", value: (j) => j.user },
                { header: "PARTITION", value: (j) => j.partition },
                { header: "STATE", value: (j) => j.state },
                { header: "REASON", value: (j) => j.reason },
                { header: "NODES", value: (j) => j.nodes },
                { header: "RUN", value: (j) => j.runId },
              ])
            : "the queue is empty",
        );
      }
      const items = await all((page) => unwrap(client.GET("/api/v1/runs", { params: { query: { page, pageSize: 100, clusterId: cluster.id } } })), o.limit);
      print(c.out, items, () =>
        items.length
          ? table(items, [
              { header: "RUN", value: (r) => r.id },
              { header: "JOB", value: (r) => r.jobName },
              { header: "SLURM JOB", value: (r) => r.slurm?.jobId },
              { header: "STATUS", value: (r) => r.status },
              { header: "SLURM STATE", value: (r) => r.slurm?.state },
              { header: "NODES", value: (r) => r.slurm?.nodes },
              { header: "QUEUED", value: (r) => r.queuedAt },
              { header: "COST", value: (r) => money(r.costCents) },
            ])
          : "no Slurm jobs",
      );
    });
  sjobs
    .command("submit")
    .description("Submit a batch script (#SBATCH lines allowed; these flags win over them)")
    .requiredOption("--script <file>", "the batch script (starts with #!); - reads stdin")
    .option("--cluster <cluster>", "name or id (needed when there are several)")
    .option("--name <name>", "the job's name (default: the script's file name)")
    .option("--partition <name>", "partition (default: the cluster's)")
    .option("--nodes <n>", "nodes", whole("--nodes"))
    .option("--tasks <n>", "tasks", whole("--tasks"))
    .option("--cpus-per-task <n>", "CPUs per task", whole("--cpus-per-task"))
    .option("--mem <MB>", "memory per node, MB", whole("--mem"))
    .option("--gpus <n>", "GPUs", whole("--gpus", 0))
    .option("--time <minutes>", "time limit in minutes", whole("--time"))
    .option("--workdir <path>", "where it runs and writes its output (default: your home there)")
    .option("--wait", "wait for it to end, then print its output (exit code 1 unless it succeeded)")
    .action(async (o: SubmitFlags) => {
      const c = ctx();
      const client = c.client();
      const list = await clusters(client);
      if (!o.cluster && list.length !== 1)
        throw new CliError(list.length ? `--cluster is needed: one of ${list.map((x) => x.name).join(", ")}` : "no clusters", EXIT.usage);
      const cluster = o.cluster ? await pick("cluster", o.cluster, async () => list) : list[0]!;
      const script = readText("--script", o.script);
      const name = o.name ?? (o.script === "-" ? "slurm-job" : o.script.replace(/^.*[\\/]/, "").slice(0, 100));
      const job = await unwrap(
        client.POST("/api/v1/jobs", {
          body: {
            executor: "slurm",
            name,
            trigger: "now",
            ...(o.time ? { timeoutSeconds: o.time * 60 } : {}),
            slurm: {
              clusterId: cluster.id,
              script,
              gpus: o.gpus ?? 0,
              env: {},
              ...(o.partition ? { partition: o.partition } : {}),
              ...(o.nodes ? { nodes: o.nodes } : {}),
              ...(o.tasks ? { tasks: o.tasks } : {}),
              ...(o.cpusPerTask ? { cpusPerTask: o.cpusPerTask } : {}),
              ...(o.mem ? { memoryMb: o.mem } : {}),
              ...(o.workdir ? { workdir: o.workdir } : {}),
            },
          } as CreateJob,
        }),
      );
      let run = await firstRun(client, job.id);
      if (!run) throw new CliError(`job ${job.id} was made but has no run yet: see aiinfra runs list --job ${job.id}`);
      if (o.wait) {
        run = await waitForEnd(client, run.id, 7 * 86_400);
        if (!c.out.json) await showRunLogs(c, client, run.id, { tail: 10_000, file: "output" });
      }
      print(c.out, run, () => runFields(run!));
      if (o.wait) endedCode(run);
    });
  sjobs
    .command("cancel <run>")
    .description("Cancel a Slurm job by its console run (slurm jobs list shows them)")
    .action(async (id: string) => {
      const c = ctx();
      const r = await unwrap(c.client().POST("/api/v1/runs/{id}/cancel", { params: { path: { id } } }));
      print(
        c.out,
        r,
        () =>
          `run ${r.id}${r.slurm?.jobId ? ` (Slurm job ${r.slurm.jobId})` : ""}: ${r.status}${r.cancelRequested && !ENDED.has(r.status) ? " (cancelling)" : ""}`,
      );
    });
}

type SubmitFlags = {
  script: string;
  cluster?: string;
  name?: string;
  partition?: string;
  nodes?: number;
  tasks?: number;
  cpusPerTask?: number;
  mem?: number;
  gpus?: number;
  time?: number;
  workdir?: string;
  wait?: boolean;
};
