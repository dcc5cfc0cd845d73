// Reading pasted SSH public keys in the browser: the comment names a new key, types read as ssh-keygen prints them.
import { describe, expect, it } from "vitest";
import { configHostAlias, isPrivateKey, keyComment, keyTypeLabel } from "./ssh";

describe("keyComment", () => {
  it("takes everything after the key data, spaces included", () => {
    expect(keyComment("ssh-ed25519 AAAAC3Nza you@laptop")).toBe("you@laptop");
    expect(keyComment("  ecdsa-sha2-nistp256 AAAAE2Vj   work laptop 2024 \n")).toBe("work laptop 2024");
  });
  it("is empty without a comment or for text that is no public key", () => {
    expect(keyComment("ssh-rsa AAAAB3Nza")).toBe("");
    expect(keyComment("")).toBe("");
    expect(keyComment("-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXk")).toBe("");
    expect(keyComment("hello there friend")).toBe("");
  });
});

describe("keyTypeLabel", () => {
  it("names types as ssh-keygen -l does", () => {
    expect(keyTypeLabel("ssh-ed25519")).toBe("ED25519");
    expect(keyTypeLabel("ecdsa-sha2-nistp384")).toBe("ECDSA");
    expect(keyTypeLabel("ssh-rsa")).toBe("RSA");
    expect(keyTypeLabel("ssh-dss")).toBe("ssh-dss");
  });
});

describe("configHostAlias", () => {
  it("reads the Host line of a stanza", () => {
    expect(configHostAlias("Host aiinfra-notebook\n  HostName example.com\n")).toBe("aiinfra-notebook");
    expect(configHostAlias("HostName x")).toBeNull();
  });
});

describe("isPrivateKey", () => {
  it("knows private keys in OpenSSH and PEM form, and not public ones", () => {
    expect(isPrivateKey("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA\n-----END OPENSSH PRIVATE KEY-----\n")).toBe(true);
    expect(isPrivateKey("-----BEGIN RSA PRIVATE KEY-----\nMIIE")).toBe(true);
    expect(isPrivateKey("ssh-ed25519 AAAAC3Nza you@laptop")).toBe(false);
  });
});
