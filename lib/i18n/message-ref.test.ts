// Server messages as keys: every template has its Chinese twin with the same placeholders,
// references render per locale (nested parts and lists too), and the server's English issue
// phrasings map back to their keys.
import { describe, expect, it } from "vitest";
import { enUS } from "./en-US";
import { MESSAGES } from "./index";
import { hasMessage, issueRef, joined, parseRef, ref, renderMessage, statusFields } from "./message-ref";
import { zhCN } from "./zh-CN";

/** Every leaf of a dictionary, by dotted key. */
function leaves(node: unknown, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (typeof v === "string") out.set(`${prefix}${k}`, v);
    else for (const [kk, vv] of leaves(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}
const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

describe("the dictionaries", () => {
  const en = leaves(enUS);
  const zh = leaves(zhCN);
  it("have the same keys", () => {
    expect([...zh.keys()].sort()).toEqual([...en.keys()].sort());
  });
  it("say each message with the same {placeholders} in both languages", () => {
    const differ = [...en].filter(([key, text]) => placeholders(text).join() !== placeholders(zh.get(key) ?? "").join()).map(([key]) => key);
    expect(differ).toEqual([]);
  });
  it("have a Chinese template for every server message, not the English one", () => {
    const same = [...leaves(enUS.serverMessages, "serverMessages.")]
      .filter(([key, text]) => /[a-z]{3}/.test(text.replace(/\{\w+\}/g, "")) && zh.get(key) === text)
      .map(([key]) => key)
      .filter((key) => !/\.(text|other|sep\.|tokenSignOut)/.test(key));
    expect(same).toEqual([]);
  });
  it("are both registered", () => {
    expect(MESSAGES["zh-CN"].serverMessages.capacity.none).toContain("{reasons}");
  });
});

describe("references", () => {
  it("render in each locale, with nested references and lists rendered per locale", () => {
    const r = ref("serverMessages.capacity.noRoom", {
      node: "n1",
      name: "box",
      missing: [ref("serverMessages.missing.cpu", { count: 2 }), ref("serverMessages.missing.gpus", { count: 3 })],
    });
    expect(r.params?.missing).toEqual({ "en-US": "2 more CPU cores, 3 more free GPUs", "zh-CN": "2 个 CPU 核、3 块空闲 GPU" });
    expect(renderMessage("en-US", r)).toBe('Node n1 has no room to start "box" now: needs 2 more CPU cores, 3 more free GPUs.');
    expect(renderMessage("zh-CN", r)).toBe("节点 n1 当前没有足够资源启动“box”：还需要 2 个 CPU 核、3 块空闲 GPU。");
    expect(joined([ref("serverMessages.things.node"), ref("serverMessages.things.spec")], "clauses")).toEqual({ "en-US": "Node; Spec", "zh-CN": "节点；规格" });
  });
  it("are stored as JSON beside the English and read back", () => {
    const r = ref("serverMessages.run.exited", { code: 2 });
    const f = statusFields(r);
    expect(f.statusMessage).toBe("Exited with code 2");
    expect(parseRef(f.statusRef)).toEqual(r);
    expect(statusFields("Slurm: FAILED")).toEqual({ statusMessage: "Slurm: FAILED", statusRef: null });
    expect(statusFields(null)).toEqual({ statusMessage: null, statusRef: null });
    expect(parseRef("not json")).toBeNull();
  });
  it("know which keys exist", () => {
    expect(hasMessage("serverMessages.capacity.none")).toBe(true);
    expect(hasMessage("serverMessages.nope")).toBe(false);
  });
});

describe("issueRef", () => {
  it("maps the server's issue phrasings to keys and parameters", () => {
    expect(issueRef("is required")).toEqual({ key: "serverMessages.issues.required" });
    expect(issueRef("must be at most 64 characters")).toEqual({ key: "serverMessages.issues.maxChars", params: { max: 64 } });
    expect(issueRef("must be at least 1")).toEqual({ key: "serverMessages.issues.min", params: { min: 1 } });
    expect(issueRef("port 8000 is listed twice")).toEqual({ key: "serverMessages.issues.portTwice", params: { port: 8000 } });
    expect(issueRef("says ssh-rsa but holds a ssh-ed25519 key")).toEqual({
      key: "serverMessages.issues.says",
      params: { claimed: "ssh-rsa", actual: "ssh-ed25519" },
    });
  });
  it("keeps a phrasing it does not know as text", () => {
    expect(issueRef("must rhyme")).toEqual({ key: "serverMessages.issues.other", params: { text: "must rhyme" } });
    expect(renderMessage("zh-CN", issueRef("must rhyme"))).toBe("must rhyme");
  });
});
