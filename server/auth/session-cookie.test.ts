import { describe, expect, it } from "vitest";
import { readCookie } from "./session-cookie";

describe("readCookie", () => {
  it("reads a cookie by its exact name", () => {
    expect(readCookie("a=1; aic.session=abc%3D; b=2", "aic.session")).toBe("abc=");
    expect(readCookie("xaic.session=1", "aic.session")).toBeUndefined();
    expect(readCookie(undefined, "aic.session")).toBeUndefined();
  });

  it("refuses a name sent twice: another port of the host (an app) may have set one to shadow ours", () => {
    expect(readCookie("aic.session=attacker; aic.session=victim", "aic.session")).toBeUndefined();
  });
});
