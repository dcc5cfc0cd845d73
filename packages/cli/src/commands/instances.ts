import { randomBytes } from "node:crypto";
import type { Command } from "commander";
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type AiInfraClient, type Instance, type ResponseOf, waitForInstance } from "../../../sdk/src/index";
import { configDir } from "../config";
import { CliError, type Ctx, EXIT, unwrap } from "../context";
import { splitTimestamp } from "../follow";
import { all, byIdOrName, confirm, follow, pick, whole } from "../lookup";
import { type Column, fields, money, print, table } from "../output";

// instances list|get|create|start|stop|restart|delete|logs|stats|ssh, images list, specs
// list. Instances, images and specs are named by id or by name.

const INSTANCE_COLUMNS: Column<Instance>[] = [
  { header: "ID", value: (i) => i.id },
  { header: "NAME", value: (i) => i.name },
  { header: "STATUS", value: (i) => i.status },
  { header: "NODE", value: (i) => i.nodeName },
  { header: "SPEC", value: (i) => i.specName },
  { header: "IMAGE", value: (i) => i.imageName },
  { header: "GPUS", value: (i) => (i.gpuCount ? `${i.gpuCount}x ${i.gpuModel ?? "GPU"}` : "-") },
  { header: "PRICE/H", value: (i) => money(i.pricePerHourCents) },
  { header: "CREATED", value: (i) => i.createdAt },
];

function instanceFields(i: Instance): string {
  return fields([
    ["id", i.id],
    ["name", i.name],
    ["status", i.status],
    ["message", i.statusMessage],
    ["node", i.nodeName],
    ["spec", i.specName],
    ["image", `${i.imageName} (${i.imageAddress})`],
    ["gpus", i.gpuCount ? `${i.gpuCount}x ${i.gpuModel ?? "GPU"}${i.gpuMemoryGb ? ` (${i.gpuMemoryGb} GB)` : ""}` : "none"],
    ["cpu / memory", `${i.cpuCores} cores / ${i.memoryGb} GB`],
    ["price", `${money(i.pricePerHourCents)}/h`],
    ["cost so far", money(i.costCents)],
    ["created", i.createdAt],
    ["started", i.startedAt],
  ]);
}

/** An instance by id, or by its exact name among the caller's. */
export function findInstance(client: AiInfraClient, ref: string): Promise<Instance> {
  return byIdOrName(
    "instance",
    ref,
    () => client.GET("/api/v1/instances/{id}", { params: { path: { id: ref } } }),
    () => unwrap(client.GET("/api/v1/instances", { params: { query: { name: ref, pageSize: 100 } } })),
  );
}

const images = (client: AiInfraClient) => all((page) => unwrap(client.GET("/api/v1/images", { params: { query: { page, pageSize: 100 } } })));
const specs = (client: AiInfraClient) => all((page) => unwrap(client.GET("/api/v1/specs", { params: { query: { page, pageSize: 100 } } })));

export function instanceCommands(program: Command, ctx: () => Ctx): void {
  const inst = program.command("instances").alias("instance").description("Launch and control instances (containers on GPU nodes)");
  inst
    .command("list")
    .alias("ls")
    .description("Your instances (administrators: everyone's)")
    .option("--status <status>", "only this status (creating, running, stopped, exited, failed, unknown)")
    .option("--limit <n>", "at most this many", whole("--limit"), 500)
    .action(async (o: { status?: string; limit: number }) => {
      const c = ctx();
      const client = c.client();
      const items = await all(
        (page) => unwrap(client.GET("/api/v1/instances", { params: { query: { page, pageSize: 100, ...(o.status ? { status: o.status as never } : {}) } } })),
        o.limit,
      );
      print(c.out, items, () => (items.length ? table(items, INSTANCE_COLUMNS) : "no instances"));
    });
  inst
    .command("get <instance>")
    .description("One instance, by id or name")
    .action(async (ref: string) => {
      const c = ctx();
      const i = await findInstance(c.client(), ref);
      print(c.out, i, () => instanceFields(i));
    });
  inst
    .command("create")
    .description("Launch an instance of an image on a spec (names or ids)")
    .requiredOption("--image <image>", "image name or id (aiinfra images list)")
    .requiredOption("--spec <spec>", "spec name or id (aiinfra specs list)")
    .option("--node <node>", "node id (default: the console picks one that fits)")
    .option("--name <name>", "instance name (default: a generated one)")
    .option("--remark <text>", "a note")
    .option("--wait", "wait until it runs (fails when it fails)")
    .option("--timeout <seconds>", "with --wait: give up after this long", whole("--timeout"), 600)
    .action(async (o: { image: string; spec: string; node?: string; name?: string; remark?: string; wait?: boolean; timeout: number }) => {
      const c = ctx();
      const client = c.client();
      const [image, spec] = await Promise.all([pick("image", o.image, () => images(client)), pick("spec", o.spec, () => specs(client))]);
      const name =
        o.name ??
        `${
          image.name
            .toLowerCase()
            .replace(/[^a-z0-9-]+/g, "-")
            .replace(/^-+|-+$/g, "")
            .slice(0, 40) || "instance"
        }-${randomBytes(2).toString("hex")}`;
      let made = await unwrap(
        client.POST("/api/v1/instances", {
          body: { name, imageId: image.id, specId: spec.id, ...(o.node ? { nodeId: o.node } : {}), ...(o.remark ? { remark: o.remark } : {}) },
        }),
      );
      if (o.wait) made = await waitForInstance(client, made.id, "running", { timeoutMs: o.timeout * 1000 });
      print(c.out, made, () => instanceFields(made));
    });
  for (const [verb, summary] of [
    ["start", "Start a stopped instance"],
    ["stop", "Stop a running instance (its data is kept; billing stops)"],
    ["restart", "Restart a running instance"],
  ] as const) {
    const cmd = inst
      .command(`${verb} <instance>`)
      .description(summary)
      .option("--wait", "wait until it reaches its new status (fails when it fails or its container exits)")
      .option("--timeout <seconds>", "with --wait: give up after this long", whole("--timeout"), 600);
    if (verb === "start") cmd.option("--without-gpu", "start without GPUs (when its GPUs are taken); its data is kept");
    cmd.action(async (ref: string, o: { wait?: boolean; withoutGpu?: boolean; timeout: number }) => {
      const c = ctx();
      const client = c.client();
      const { id } = await findInstance(client, ref);
      const path = { params: { path: { id } } };
      let i =
        verb === "start"
          ? await unwrap(client.POST("/api/v1/instances/{id}/start", { ...path, body: { withoutGpu: !!o.withoutGpu } }))
          : verb === "stop"
            ? await unwrap(client.POST("/api/v1/instances/{id}/stop", path))
            : await unwrap(client.POST("/api/v1/instances/{id}/restart", path));
      // A container that had already exited counts as stopped.
      if (o.wait) i = await waitForInstance(client, id, verb === "stop" ? ["stopped", "exited"] : "running", { timeoutMs: o.timeout * 1000 });
      print(c.out, i, () => `${i.name} (${i.id}): ${i.status}`);
    });
  }
  inst
    .command("delete <instance>")
    .alias("rm")
    .description("Delete an instance and its data volume (asks first; --yes in scripts)")
    .option("-y, --yes", "do not ask")
    .action(async (ref: string, o: { yes?: boolean }) => {
      const c = ctx();
      const client = c.client();
      const i = await findInstance(client, ref);
      await confirm(c, `Delete ${i.name} (${i.id}) and its data?`, o.yes);
      await unwrap(client.DELETE("/api/v1/instances/{id}", { params: { path: { id: i.id } } }));
      print(c.out, { id: i.id, deleted: true }, () => `deleted ${i.name} (${i.id})`);
    });

  inst
    .command("logs <instance>")
    .description("The container's output (stdout and stderr); -f follows it until the instance stops")
    .option("-n, --tail <lines>", "how many of the last lines", whole("--tail"), 100)
    .option("-f, --follow", "keep printing new lines")
    .option("-t, --timestamps", "show each line's time")
    .action(async (ref: string, o: { tail: number; follow?: boolean; timestamps?: boolean }) => {
      const c = ctx();
      const client = c.client();
      const { id } = await findInstance(client, ref);
      const read = (q: { tail: number; since?: string }) =>
        unwrap(client.GET("/api/v1/instances/{id}/logs", { params: { path: { id }, query: { ...q, timestamps: "true" } } }));
      let last = -1n;
      // JSON: one object per line (stream, time, text), so a follower can read it as it comes.
      const show = (lines: { stream: "stdout" | "stderr"; text: string }[]) => {
        for (const l of lines) {
          const { ns, text } = splitTimestamp(l.text);
          if (ns !== null && ns <= last) continue;
          if (ns !== null) last = ns;
          const time = ns === null ? null : new Date(Number(ns / 1_000_000n)).toISOString();
          if (c.out.json) c.out.write(JSON.stringify({ stream: l.stream, time, text }));
          else (l.stream === "stderr" ? c.out.error : c.out.write)(o.timestamps ? l.text : text);
        }
      };
      const first = await read({ tail: o.tail });
      show(first.lines);
      if (!o.follow) return;
      const newer = async () => {
        const since = last >= 0n ? String(last / 1_000_000_000n) : undefined;
        const got = await read({ tail: 10_000, ...(since ? { since } : {}) });
        if (got.truncated) c.out.error("(some lines were missed: more than an answer holds came at once; the download has them all)");
        show(got.lines);
      };
      let poll = 0;
      // Like docker logs -f: done when the container stops (or the instance is deleted).
      await follow(c, async () => {
        await newer();
        if (++poll % 3) return false;
        const now = await client.GET("/api/v1/instances/{id}", { params: { path: { id } } });
        if (now.response.status === 404) return true;
        if (now.data && !["running", "creating", "unknown"].includes(now.data.status)) {
          await newer();
          return true;
        }
        return false;
      });
    });
  inst
    .command("stats <instance>")
    .description("CPU, memory, network and disk use of a running instance (-w: every 2 s)")
    .option("-w, --watch", "print a line every 2 seconds until interrupted")
    .action(async (ref: string, o: { watch?: boolean }) => {
      const c = ctx();
      const client = c.client();
      const { id, name } = await findInstance(client, ref);
      const columns: Column<Stats>[] = [
        { header: "TIME", value: (s) => s.ts },
        { header: "CPU %", value: (s) => s.cpuPercent.toFixed(1) },
        { header: "MEMORY", value: (s) => `${bytes(s.memoryUsage)} / ${bytes(s.memoryLimit)} (${s.memoryPercent.toFixed(1)}%)` },
        { header: "NET RX/TX", value: (s) => `${bytes(s.networkRx)} / ${bytes(s.networkTx)}` },
        { header: "DISK R/W", value: (s) => `${bytes(s.blockRead)} / ${bytes(s.blockWrite)}` },
        { header: "PIDS", value: (s) => s.pids },
      ];
      for (let first = true; ; first = false) {
        const s = await unwrap(client.GET("/api/v1/instances/{id}/stats", { params: { path: { id } } }));
        // --watch --json: one object per line.
        if (c.out.json) c.out.write(o.watch ? JSON.stringify(s) : JSON.stringify(s, null, 2));
        else {
          const lines = table([s], columns).split("\n");
          c.out.write(first ? `${name}\n${lines.join("\n")}` : lines[1]!);
        }
        if (!o.watch) return;
        await new Promise((r) => setTimeout(r, 2000));
      }
    });
  inst
    .command("ssh <instance> [ssh-args...]")
    .description("Connect with ssh through the console's jump host (your SSH key from Profile); --print shows the command instead")
    .option("--print", "print the ssh command (and --config: the ~/.ssh/config stanza) without connecting")
    .option("--config", "print the ~/.ssh/config stanza for ssh, scp, rsync and VS Code")
    .addHelpText("after", "\nAnything after -- goes to ssh: aiinfra instances ssh my-box -- -i ~/.ssh/id_ed25519 nvidia-smi")
    .action(async (ref: string, sshArgs: string[], o: { print?: boolean; config?: boolean }) => {
      const c = ctx();
      const client = c.client();
      const { id } = await findInstance(client, ref);
      const access = await unwrap(client.GET("/api/v1/instances/{id}/ssh", { params: { path: { id } } }));
      if (!access.enabled) throw new CliError("this console runs without its SSH jump host (SSH_PORT=0): use the web terminal", EXIT.failure);
      if (o.print || o.config || c.out.json) return print(c.out, access, () => (o.config ? access.config : access.command));
      // The jump host's key comes from the console (signed in, over https when the console is), so ssh checks it from the first contact.
      const base = ["-p", String(access.port)];
      if (access.knownHosts) {
        const dir = configDir(c.env);
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const file = path.join(dir, "known_hosts");
        writeFileSync(file, `${access.knownHosts}\n`, { mode: 0o600 });
        base.push("-o", `UserKnownHostsFile="${file}"`, "-o", "StrictHostKeyChecking=yes");
      }
      const { options, command } = splitSshArgs(sshArgs);
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn("ssh", [...base, ...options, `${access.username}@${access.host}`, ...command], { stdio: "inherit" });
        child.on("error", (err: NodeJS.ErrnoException) =>
          reject(err.code === "ENOENT" ? new CliError("ssh is not installed here: run the command `aiinfra instances ssh --print` shows elsewhere") : err),
        );
        child.on("close", (n) => resolve(n ?? 1));
      });
      // ssh's own exit code (the remote command's), without a message of ours.
      if (code !== 0) throw new CliError("", code);
    });

  program
    .command("images")
    .description("Container images")
    .command("list")
    .alias("ls")
    .description("Images you can launch")
    .action(async () => {
      const c = ctx();
      const items = await images(c.client());
      print(c.out, items, () =>
        items.length
          ? table(items, [
              { header: "ID", value: (x) => x.id },
              { header: "NAME", value: (x) => x.name },
              { header: "ADDRESS", value: (x) => x.address },
              { header: "DESCRIPTION", value: (x) => x.description },
            ])
          : "no images",
      );
    });
  program
    .command("specs")
    .description("Product specs (GPU, CPU, memory, price)")
    .command("list")
    .alias("ls")
    .description("Specs you can launch on")
    .action(async () => {
      const c = ctx();
      const items = await specs(c.client());
      print(c.out, items, () =>
        items.length
          ? table(items, [
              { header: "ID", value: (x) => x.id },
              { header: "NAME", value: (x) => x.name },
              { header: "GPUS", value: (x) => (x.gpuCount ? `${x.gpuCount}x ${x.gpuModel ?? "GPU"}` : "-") },
              { header: "CPU", value: (x) => x.cpuCores },
              { header: "MEMORY", value: (x) => `${x.memoryGb} GB` },
              { header: "PRICE/H", value: (x) => money(x.pricePerHourCents) },
            ])
          : "no specs",
      );
    });
}

type Stats = ResponseOf<"/api/v1/instances/{id}/stats">;

function bytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u ? v.toFixed(1) : v} ${units[u]}`;
}

/** ssh's options that take a value (man ssh). */
const SSH_VALUED = new Set("BbcDEeFIiJLlmOoPpQRSWw".split("").map((f) => `-${f}`));

/** What goes to ssh: its options (before the destination) and the remote command (after it). */
export function splitSshArgs(args: string[]): { options: string[]; command: string[] } {
  const options: string[] = [];
  let k = 0;
  while (k < args.length && args[k]!.startsWith("-")) {
    const a = args[k]!;
    options.push(a);
    k++;
    if (SSH_VALUED.has(a) && k < args.length) options.push(args[k++]!);
  }
  return { options, command: args.slice(k) };
}
