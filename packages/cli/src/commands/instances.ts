import { randomBytes } from "node:crypto";
import type { Command } from "commander";
import { type AiInfraClient, type Instance, paginate, waitForInstance } from "../../../sdk/src/index";
import { CliError, type Ctx, EXIT, unwrap } from "../context";
import { type Column, fields, money, print, table } from "../output";
import { ask } from "../prompt";

// instances list|get|create|start|stop|restart|delete, images list, specs list. Instances,
// images, specs and nodes are named by id or by name.

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

/** Every item of a list endpoint (pages of 100). */
async function all<T>(get: (page: number) => Promise<{ items: T[]; total: number; page: number; pageSize: number }>, limit?: number): Promise<T[]> {
  const out: T[] = [];
  for await (const x of paginate(get, { limit })) out.push(x);
  return out;
}

/** An instance by id, or by its exact name among the caller's. */
export async function findInstance(client: AiInfraClient, ref: string): Promise<Instance> {
  const byId = await client.GET("/api/v1/instances/{id}", { params: { path: { id: ref } } });
  if (byId.response.ok) return byId.data as Instance;
  if (byId.response.status !== 404) return unwrap(Promise.resolve(byId));
  const named = (await unwrap(client.GET("/api/v1/instances", { params: { query: { name: ref, pageSize: 100 } } }))).items.filter((i) => i.name === ref);
  if (named.length === 1) return named[0]!;
  if (named.length > 1) throw new CliError(`${named.length} instances are named ${ref}: use an id (${named.map((i) => i.id).join(", ")})`, EXIT.usage);
  throw new CliError(`no instance ${ref}`, EXIT.notFound);
}

/** A catalog entry by id or exact name. */
async function pick<T extends { id: string; name: string }>(what: string, ref: string, list: () => Promise<T[]>): Promise<T> {
  const items = await list();
  const found = items.filter((x) => x.id === ref || x.name === ref);
  if (found.length === 1) return found[0]!;
  if (found.length > 1) throw new CliError(`${found.length} ${what}s are named ${ref}: use an id`, EXIT.usage);
  const names = items
    .slice(0, 10)
    .map((x) => x.name)
    .join(", ");
  throw new CliError(`no ${what} ${ref}${names ? ` (try: ${names})` : ""}`, EXIT.notFound);
}

const images = (client: AiInfraClient) => all((page) => unwrap(client.GET("/api/v1/images", { params: { query: { page, pageSize: 100 } } })));
const specs = (client: AiInfraClient) => all((page) => unwrap(client.GET("/api/v1/specs", { params: { query: { page, pageSize: 100 } } })));

async function confirm(ctx: Ctx, question: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) throw new CliError("refusing to delete without --yes (no terminal to ask)", EXIT.usage);
  const answer = await ask(`${question} [y/N] `);
  if (!/^y(es)?$/i.test(answer.trim())) throw new CliError("cancelled", EXIT.failure);
  void ctx;
}

export function instanceCommands(program: Command, ctx: () => Ctx): void {
  const inst = program.command("instances").alias("instance").description("Launch and control instances (containers on GPU nodes)");
  inst
    .command("list")
    .alias("ls")
    .description("Your instances (administrators: everyone's)")
    .option("--status <status>", "only this status (creating, running, stopped, exited, failed, unknown)")
    .option("--limit <n>", "at most this many", (v) => positive(v, "--limit"), 500)
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
    .option("--timeout <seconds>", "with --wait: give up after this long", (v) => positive(v, "--timeout"), 600)
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
    const cmd = inst.command(`${verb} <instance>`).description(summary).option("--wait", "wait until it reaches its new status");
    if (verb === "start") cmd.option("--without-gpu", "start without GPUs (when its GPUs are taken); its data is kept");
    cmd.action(async (ref: string, o: { wait?: boolean; withoutGpu?: boolean }) => {
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
      if (o.wait) i = await waitForInstance(client, id, verb === "stop" ? "stopped" : "running");
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

export function positive(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${flag} must be a whole number of at least 1`, EXIT.usage);
  return n;
}
