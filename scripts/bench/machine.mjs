// The facts a benchmark result means nothing without.
import os from "node:os";

export function machineFacts() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: `${cpus[0]?.model ?? "unknown"} × ${cpus.length}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    load: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" "),
  };
}

export function printFacts(title) {
  const f = machineFacts();
  console.log(`\n# ${title}`);
  console.log(`${f.date} · Node ${f.node} · ${f.cpu} · ${f.memoryGiB} GiB · ${f.os} · load average ${f.load}\n`);
}
