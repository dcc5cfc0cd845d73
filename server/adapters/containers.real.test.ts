// Container logs against the real local engine: whatever the output looks like (a single
// JSON line, many lines, stdout and stderr), with and without a TTY, tail and download.
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { LOCAL_DOCKER, LOCAL_IMAGE } from "../testing/node-fixtures";
import { containerLogs, containerLogStream, inspectContainer } from "./containers";
import { dockerClient } from "./docker";

const d = dockerClient({ dockerAddress: LOCAL_DOCKER, useTls: false });
const names: string[] = [];

function run(tty: boolean, script: string): string {
  const name = `aic-logs-test-${process.pid}-${names.length}`;
  names.push(name);
  execFileSync("docker", ["run", "-d", ...(tty ? ["-t"] : []), "--name", name, LOCAL_IMAGE, "sh", "-c", script], { stdio: "ignore" });
  execFileSync("docker", ["wait", name], { stdio: "ignore" });
  return name;
}

afterAll(() => {
  for (const n of names) execFileSync("docker", ["rm", "-f", n], { stdio: "ignore" });
});

describe("container logs", () => {
  for (const tty of [true, false]) {
    it(`a log that is one JSON line stays text (tty=${tty})`, async () => {
      const name = run(tty, `echo '{"loss":0.5}'`);
      const state = (await inspectContainer(d, name))!;
      expect((await containerLogs(d, state.id, state.tty, { tail: 1 })).lines).toEqual([{ stream: "stdout", text: '{"loss":0.5}' }]);
      let text = "";
      for await (const chunk of await containerLogStream(d, state.id, state.tty, false)) text += String(chunk);
      expect(text.replace(/\r/g, "")).toBe('{"loss":0.5}\n');
    });
  }

  it("tail picks the last lines; stderr is told apart without a TTY", async () => {
    const name = run(false, "for i in $(seq 1 500); do echo out-$i; done; sleep 1; echo oops >&2");
    const state = (await inspectContainer(d, name))!;
    const { lines } = await containerLogs(d, state.id, false, { tail: 3 });
    expect(lines).toEqual([
      { stream: "stdout", text: "out-499" },
      { stream: "stdout", text: "out-500" },
      { stream: "stderr", text: "oops" },
    ]);
    let text = "";
    for await (const chunk of await containerLogStream(d, state.id, false, false)) text += String(chunk);
    expect(text.split("\n").filter(Boolean)).toHaveLength(501);
  });

  it("a flood without newlines is read as bounded pieces of the newest output, saying older ones were left out", async () => {
    const name = run(false, "head -c 12000000 /dev/zero | tr '\\0' A; echo; echo the-end");
    const state = (await inspectContainer(d, name))!;
    const tail = await containerLogs(d, state.id, false, { tail: 10_000 });
    expect(tail.truncated).toBe(true);
    expect(JSON.stringify(tail).length).toBeLessThan(2.2 * 1024 * 1024);
    expect(tail.lines.at(-1)).toEqual({ stream: "stdout", text: "the-end" });
  });
});
