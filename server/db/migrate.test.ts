import { describe, expect, it } from "vitest";
import { pending, type Migration } from "./migrate";

const m = (name: string, checksum = `sum-${name}`): Migration => ({ name, sql: "", checksum });

describe("pending", () => {
  it("answers the unapplied migrations in order", () => {
    expect(pending([m("0001_a"), m("0002_b"), m("0003_c")], new Map([["0001_a", "sum-0001_a"]])).map((x) => x.name)).toEqual(["0002_b", "0003_c"]);
  });
  it("throws on an edited or unknown migration", () => {
    expect(() => pending([m("0001_a")], new Map([["0001_a", "other"]]))).toThrow(/changed/);
    expect(() => pending([m("0001_a")], new Map([["0002_x", "s"]]))).toThrow(/does not know/);
  });
});
