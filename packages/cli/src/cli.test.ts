// The CLI's pure parts: following output by polling, ssh's argument split, CSV fields, flag
// parsing, and completion made from the program.
import { describe, expect, it } from "vitest";
import { csvField } from "./commands/billing";
import { splitSshArgs } from "./commands/instances";
import { completionScript, completionWords } from "./completion";
import { newLines, splitTimestamp, timestampNs } from "./follow";
import { normalizeUrl } from "./config";
import { cents, whole } from "./lookup";
import { buildProgram } from "./main";

const quiet = { json: false, write: () => undefined, error: () => undefined };

describe("following output", () => {
  it("reads Docker's timestamps to the nanosecond, trailing zeros trimmed or not", () => {
    expect(timestampNs("2026-12-02T10:00:01Z")).toBe(1_796_205_601_000_000_000n);
    expect(timestampNs("2026-12-02T10:00:01.5Z")).toBe(1_796_205_601_500_000_000n);
    expect(timestampNs("2026-12-02T10:00:01.000000007Z")! - timestampNs("2026-12-02T10:00:01Z")!).toBe(7n);
    expect(timestampNs("yesterday")).toBeNull();
    expect(splitTimestamp("2026-12-02T10:00:01.25Z hello world")).toEqual({ ns: 1_796_205_601_250_000_000n, text: "hello world" });
    expect(splitTimestamp("no time here")).toEqual({ ns: null, text: "no time here" });
  });
  it("finds the new lines of a window that grew or slid, and says when lines were missed", () => {
    expect(newLines([], ["a", "b"])).toEqual({ lines: ["a", "b"], gap: false });
    expect(newLines(["a", "b"], ["a", "b", "c"])).toEqual({ lines: ["c"], gap: false });
    expect(newLines(["a", "b", "c"], ["b", "c", "d"])).toEqual({ lines: ["d"], gap: false });
    expect(newLines(["a", "b", "c"], ["a", "b", "c"])).toEqual({ lines: [], gap: false });
    expect(newLines(["x", "x"], ["x", "x", "x"])).toEqual({ lines: ["x"], gap: false });
    expect(newLines(["a", "b"], ["y", "z"])).toEqual({ lines: ["y", "z"], gap: true });
    // A short first window (--tail) and a longer later one.
    const all = Array.from({ length: 500 }, (_, i) => `line ${i}`);
    expect(newLines(all.slice(-200), [...all, "line 500"])).toEqual({ lines: ["line 500"], gap: false });
    expect(newLines(all.slice(-200), all.slice(-2000))).toEqual({ lines: [], gap: false });
    // Repeated lines: nothing is lost.
    expect(newLines(["tick", "tick"], ["tick", "tick", "tick", "tick"]).lines).toEqual(["tick", "tick"]);
  });
});

describe("console address", () => {
  it("is https unless given or on this machine", () => {
    expect(normalizeUrl("console.example.com")).toBe("https://console.example.com");
    expect(normalizeUrl("localhost:3000/")).toBe("http://localhost:3000");
    expect(normalizeUrl("127.0.0.1:3000")).toBe("http://127.0.0.1:3000");
    expect(normalizeUrl("http://gpu.lan:3000")).toBe("http://gpu.lan:3000");
    expect(() => normalizeUrl("ftp://x")).toThrow(/http or https/);
  });
});

describe("ssh arguments", () => {
  it("keeps ssh's options (and their values) before the destination and the command after it", () => {
    expect(splitSshArgs(["-i", "/k", "-o", "BatchMode=yes", "-v", "nvidia-smi", "-L"])).toEqual({
      options: ["-i", "/k", "-o", "BatchMode=yes", "-v"],
      command: ["nvidia-smi", "-L"],
    });
    expect(splitSshArgs([])).toEqual({ options: [], command: [] });
  });
});

describe("flags and CSV", () => {
  it("parses amounts in yuan exactly and names the flag when wrong", () => {
    expect(cents("--amount")("12.5")).toBe(1250);
    expect(cents("--amount")("0.01")).toBe(1);
    expect(() => cents("--amount")("1.005")).toThrow(/--amount must be an amount in yuan/);
    expect(() => cents("--amount")("0")).toThrow(/--amount must be more than 0/);
    expect(whole("--count")("3")).toBe(3);
    expect(() => whole("--count")("3.5")).toThrow(/--count must be a whole number of at least 1/);
    expect(whole("--gpus", 0)("0")).toBe(0);
  });
  it("quotes CSV fields and keeps spreadsheets from running formulas", () => {
    expect(csvField("ABCD-1234")).toBe("ABCD-1234");
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField(null)).toBe("");
  });
});

describe("completion", () => {
  it("offers every command, alias and option from the program itself", () => {
    const program = buildProgram(quiet, {} as NodeJS.ProcessEnv);
    const { words, valued } = completionWords(program);
    expect(words.get("_")).toEqual(expect.arrayContaining(["instances", "instance", "jobs", "runs", "slurm", "billing", "nodes", "codes", "--json"]));
    expect(words.get("_ instances")).toEqual(expect.arrayContaining(["list", "ls", "logs", "stats", "ssh", "--json", "--url"]));
    expect(words.get("_ instances logs")).toEqual(expect.arrayContaining(["--follow", "-f", "--tail"]));
    expect(words.get("_ slurm jobs")).toEqual(expect.arrayContaining(["list", "submit", "cancel"]));
    expect(valued).toEqual(expect.arrayContaining(["--script", "--tail", "-n", "--url"]));
    expect(valued).not.toContain("--follow");
    const bash = completionScript(program, "bash");
    expect(bash).toContain("complete -o default -F _aiinfra aiinfra");
    expect(bash).toContain("['_ instances logs']=");
    expect(completionScript(program, "zsh")).toMatch(/^autoload -U \+X bashcompinit && bashcompinit\n/);
  });
});
