import type { Command } from "commander";
import type { AiInfraClient } from "../../../sdk/src/index";
import { CliError, type Ctx, EXIT, unwrap } from "../context";
import { all, cents, pick, whole } from "../lookup";
import { fields, money, print, table } from "../output";

// billing balance|ledger|redeem, and administrators' nodes list|test, users list and codes
// generate (the codes as CSV on stdout, shown this once).

const LEDGER_KINDS = ["recharge", "usage", "refund", "adjustment"] as const;

function duration(seconds: number | null): string {
  if (seconds === null) return "-";
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h ? `${h} h ${m} min` : `${m} min`;
}

/** A CSV field: quoted when it holds a comma, a quote or a line break; a leading = + - @ cannot start a formula. */
export function csvField(v: unknown): string {
  let s = v === null || v === undefined ? "" : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function billingCommands(program: Command, ctx: () => Ctx): void {
  const billing = program.command("billing").description("Your balance, what you were charged, and recharge codes");
  billing
    .command("balance")
    .description("Balance, what your running instances cost per hour, and how long it lasts")
    .action(async () => {
      const c = ctx();
      const s = await unwrap(c.client().GET("/api/v1/billing/summary"));
      print(c.out, s, () =>
        fields([
          ["balance", money(s.balanceCents)],
          ["running instances", s.runningInstances],
          ["cost per hour", money(s.burnCentsPerHour)],
          ["lasts", s.secondsLeft === null ? "nothing is charged now" : duration(s.secondsLeft)],
          ["low balance", s.lowBalance ? "yes: top up (aiinfra billing redeem CODE)" : "no"],
        ]),
      );
    });
  billing
    .command("ledger")
    .description("Ledger entries (charges, recharges, refunds, adjustments), newest first")
    .option("--kind <kind>", `only this kind (${LEDGER_KINDS.join(", ")})`)
    .option("--limit <n>", "at most this many", whole("--limit"), 50)
    .action(async (o: { kind?: string; limit: number }) => {
      const c = ctx();
      const client = c.client();
      if (o.kind && !(LEDGER_KINDS as readonly string[]).includes(o.kind)) throw new CliError(`--kind must be one of ${LEDGER_KINDS.join(", ")}`, EXIT.usage);
      const query = o.kind ? { kind: o.kind as (typeof LEDGER_KINDS)[number] } : {};
      const items = await all((page) => unwrap(client.GET("/api/v1/billing/ledger", { params: { query: { page, pageSize: 100, ...query } } })), o.limit);
      print(c.out, items, () =>
        items.length
          ? table(items, [
              { header: "TIME", value: (e) => e.createdAt },
              { header: "KIND", value: (e) => e.kind },
              { header: "AMOUNT", value: (e) => (e.amountCents > 0 ? `+${money(e.amountCents)}` : `-${money(-e.amountCents)}`) },
              { header: "BALANCE", value: (e) => money(e.balanceAfterCents) },
              { header: "INSTANCE", value: (e) => e.instanceName },
              { header: "NOTE", value: (e) => e.note ?? (e.recharge ? `code …${e.recharge.codeHint}` : null) },
            ])
          : "no entries",
      );
    });
  billing
    .command("redeem <code>")
    .description("Redeem a recharge code into your balance")
    .action(async (code: string) => {
      const c = ctx();
      const r = await unwrap(c.client().POST("/api/v1/recharge/redeem", { body: { code } }));
      print(c.out, r, () => `added ${money(r.amountCents)}; balance ${money(r.balanceCents)}`);
    });

  const nodes = program.command("nodes").description("Administrators: GPU compute nodes");
  const nodeList = (client: AiInfraClient) => all((page) => unwrap(client.GET("/api/v1/nodes", { params: { query: { page, pageSize: 100 } } })));
  nodes
    .command("list")
    .alias("ls")
    .description("Every node: status, GPUs, address")
    .action(async () => {
      const c = ctx();
      const items = await nodeList(c.client());
      print(c.out, items, () =>
        items.length
          ? table(items, [
              { header: "ID", value: (n) => n.id },
              { header: "NAME", value: (n) => n.name },
              { header: "STATUS", value: (n) => n.status },
              { header: "GPUS", value: (n) => (n.gpuCount ? `${n.gpuCount}x ${n.gpuName ?? "GPU"}` : "-") },
              { header: "CPU", value: (n) => n.cpuCores },
              { header: "MEMORY", value: (n) => `${n.memoryGb} GB` },
              { header: "DOCKER", value: (n) => n.dockerAddress },
              { header: "MESSAGE", value: (n) => n.statusMessage },
            ])
          : "no nodes",
      );
    });
  nodes
    .command("test <node>")
    .description("Check a node now (Docker, SSH, nvidia-smi, GPU runtime, HAMi-core); exit code 1 when it is not online")
    .action(async (ref: string) => {
      const c = ctx();
      const client = c.client();
      const { id, name } = await pick("node", ref, () => nodeList(client));
      const t = await unwrap(client.POST("/api/v1/nodes/{id}/test", { params: { path: { id } } }));
      print(c.out, t, () =>
        [
          `${name}: ${t.online ? "online" : "offline"}`,
          table(t.checks, [
            { header: "CHECK", value: (x) => x.key },
            { header: "RESULT", value: (x) => (x.ok === null ? "skipped" : x.ok ? "ok" : "FAILED") },
            { header: "MESSAGE", value: (x) => x.message },
          ]),
        ].join("\n"),
      );
      if (!t.online) throw new CliError(`${name} is not online`, EXIT.failure);
    });

  program
    .command("users")
    .description("Administrators: accounts")
    .command("list")
    .alias("ls")
    .description("Accounts, newest first")
    .option("--search <text>", "usernames and emails containing this")
    .option("--limit <n>", "at most this many", whole("--limit"), 500)
    .action(async (o: { search?: string; limit: number }) => {
      const c = ctx();
      const client = c.client();
      const items = await all(
        (page) => unwrap(client.GET("/api/v1/admin/users", { params: { query: { page, pageSize: 100, ...(o.search ? { search: o.search } : {}) } } })),
        o.limit,
      );
      print(c.out, items, () =>
        items.length
          ? table(items, [
              { header: "ID", value: (u) => u.id },
              { header: "USERNAME", value: (u) => u.username },
              { header: "EMAIL", value: (u) => u.email },
              { header: "ROLE", value: (u) => u.role },
              { header: "ACTIVE", value: (u) => (u.isActive ? "yes" : "no") },
              { header: "BALANCE", value: (u) => money(u.balanceCents) },
              { header: "LAST SIGN-IN", value: (u) => u.lastLoginAt },
            ])
          : "no users",
      );
    });

  program
    .command("codes")
    .description("Administrators: recharge codes")
    .command("generate")
    .description("Generate a batch of recharge codes; prints them as CSV (code,amount,batch), shown this once")
    .requiredOption("--amount <yuan>", "what each code adds, in yuan (e.g. 50 or 12.50)", cents("--amount"))
    .requiredOption("--count <n>", "how many codes (at most 1000)", whole("--count"))
    .option("--description <text>", "what the batch is for", "generated with aiinfra")
    .option("--max-uses <n>", "redemptions per code (different users)", whole("--max-uses"), 1)
    .option("--expires <time>", "ISO-8601 time after which the codes no longer work")
    .action(async (o: { amount: number; count: number; description: string; maxUses: number; expires?: string }) => {
      const c = ctx();
      const made = await unwrap(
        c.client().POST("/api/v1/recharge/codes", {
          body: { amountCents: o.amount, count: o.count, maxUses: o.maxUses, description: o.description, ...(o.expires ? { expiresAt: o.expires } : {}) },
        }),
      );
      const amount = (made.batch.amountCents / 100).toFixed(2);
      print(c.out, made, () => ["code,amount,batch", ...made.codes.map((code) => [code, amount, made.batch.id].map(csvField).join(","))].join("\n"));
    });
}
