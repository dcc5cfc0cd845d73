import ssh2 from "ssh2";
import { describe, expect, it } from "vitest";
import { generateParseable } from "./host-key";

// ssh2 1.17's generateKeyPairSync("ed25519") writes, now and then, a key its own parseKey
// calls malformed (about 1 in 250): a console sealing one as its host key would never start
// again. Made this way, every key reads back.
describe("the jump host's key", () => {
  it("is always one ssh2 can read back (2,000 made)", () => {
    for (let i = 0; i < 2000; i++) {
      const parsed = ssh2.utils.parseKey(generateParseable());
      expect(parsed instanceof Error || Array.isArray(parsed) ? String(parsed) : parsed.type).toBe("ssh-ed25519");
    }
  });
});
