// Prints what `npm test` took, pass or fail: each phase's wall time and how the machine's CPUs
// spent it (busy, waiting on I/O, stolen by the hypervisor), the machine's facts, and the
// end-to-end projects' summed test times with the slowest tests. CI shows the end of its log,
// so this is what tells a slow machine from a slow test.
// Usage: node scripts/test-summary.mjs reports/phases.tsv [reports/e2e.json]
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";

const [phasesFile, e2eFile] = process.argv.slice(2);
const line = (s) => process.stdout.write(`${s}\n`);
const min = (ms) => `${(ms / 60_000).toFixed(1)} min`;
const pct = (n, d) => (d > 0 ? `${Math.round((100 * n) / d)}%` : "-");

line("");
line("== summary");
const cpus = os.cpus();
let driver = "?";
try {
  driver = execFileSync("docker", ["info", "-f", "{{.Driver}}"], { encoding: "utf8", timeout: 5000 }).trim();
} catch {}
const pressure = (kind) => {
  try {
    return readFileSync(`/proc/pressure/${kind}`, "utf8")
      .split("\n")[0]
      .replace(/^some /, "")
      .replace(/ total=\d+$/, "");
  } catch {
    return "n/a";
  }
};
line(
  `machine: ${cpus.length} x ${cpus[0]?.model ?? "?"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}, docker storage ${driver}, node ${process.version}`,
);
line(`pressure: cpu ${pressure("cpu")}; io ${pressure("io")}`);

// /proc/stat "cpu" fields: user nice system idle iowait irq softirq steal.
const rows = existsSync(phasesFile)
  ? readFileSync(phasesFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => {
        const [name, at, stat] = l.split("\t");
        return { name, at: Number(at), ticks: stat.split(/\s+/).slice(1, 9).map(Number) };
      })
  : [];
for (let i = 0; i + 1 < rows.length; i++) {
  const a = rows[i];
  const b = rows[i + 1];
  const d = b.ticks.map((t, k) => t - a.ticks[k]);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = d;
  const all = d.reduce((s, t) => s + t, 0);
  line(
    `${a.name.padEnd(34)} ${min(b.at - a.at).padStart(9)}  cpu busy ${pct(user + nice + system + irq + softirq, all)}, iowait ${pct(iowait, all)}, steal ${pct(steal, all)}, idle ${pct(idle, all)}`,
  );
}

if (e2eFile && existsSync(e2eFile)) {
  const report = JSON.parse(readFileSync(e2eFile, "utf8"));
  const tests = [];
  const walk = (suite, file) => {
    for (const spec of suite.specs ?? [])
      for (const t of spec.tests)
        for (const r of t.results) tests.push({ project: t.projectName, title: `${spec.file ?? file}: ${spec.title}`, ms: r.duration, status: r.status });
    for (const s of suite.suites ?? []) walk(s, suite.file ?? file);
  };
  for (const s of report.suites ?? []) walk(s, s.file);
  const byProject = new Map();
  for (const t of tests) {
    const p = byProject.get(t.project) ?? { n: 0, ms: 0, failed: 0 };
    p.n++;
    p.ms += t.ms;
    if (t.status !== "passed" && t.status !== "skipped") p.failed++;
    byProject.set(t.project, p);
  }
  line(`end-to-end: ${min(report.stats?.duration ?? 0)} wall; per project, tests and their summed time:`);
  for (const [name, p] of byProject)
    line(`  ${name.padEnd(16)} ${String(p.n).padStart(4)} tests ${min(p.ms).padStart(10)}${p.failed ? `, ${p.failed} not passed` : ""}`);
  line("slowest:");
  for (const t of tests.sort((a, b) => b.ms - a.ms).slice(0, 8)) line(`  ${(t.ms / 1000).toFixed(0).padStart(4)} s ${t.project} ${t.title.slice(0, 100)}`);
}
