import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlurmClient, SlurmError } from "./client";
import { parseEndpoint } from "./transport";

// The client's reading of slurmrestd's answers, against a small HTTP server that answers as
// the recorded slurmrestd releases did (the real one runs in e2e/api/slurm.spec.ts).

let server: Server;
let base = "";
let handler: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;
const seen: { url: string; user: string | undefined; token: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? "", user: req.headers["x-slurm-user-name"] as string, token: req.headers["x-slurm-user-token"] as string });
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};
const meta38 = { plugin: { type: "openapi/v0.0.38" }, Slurm: { version: { major: 22, micro: 8, minor: 5 }, release: "22.05.8" } };
const key = new Uint8Array(Buffer.from("0123456789abcdef0123456789abcdef"));
const client = (opts: Partial<ConstructorParameters<typeof SlurmClient>[0]> = {}) =>
  new SlurmClient({ endpoint: parseEndpoint(base)!, auth: { mode: "key", key }, serviceUser: "root", ...opts });

async function failure(p: Promise<unknown>): Promise<SlurmError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SlurmError) return err;
    throw err;
  }
  throw new Error("expected a SlurmError");
}

describe("SlurmClient", () => {
  it("finds the newest version the server serves and mints short-lived tokens per user", async () => {
    seen.length = 0;
    handler = (req, res) =>
      req.url === "/slurm/v0.0.38/ping" ? json(res, 200, { meta: meta38, errors: [], pings: [{ hostname: "c1", ping: "UP" }] }) : json(res, 404, {});
    const found = await client().discover();
    expect(found).toMatchObject({ version: "v0.0.38", ping: { release: "22.05.8", controllers: [{ host: "c1", up: true }] } });
    expect(seen.map((s) => s.url)).toEqual(["/slurm/v0.0.42/ping", "/slurm/v0.0.41/ping", "/slurm/v0.0.40/ping", "/slurm/v0.0.38/ping"]);
    const payload = JSON.parse(Buffer.from(seen[3]!.token!.split(".")[1]!, "base64url").toString());
    expect(payload.sun).toBe("root");
    expect(payload.exp - payload.iat).toBe(900);
    expect(seen[3]!.user).toBe("root");
  });

  it("says plainly when nothing answers, something else answers, or no version is served", async () => {
    const refused = await failure(new SlurmClient({ endpoint: parseEndpoint("http://127.0.0.1:1")!, auth: { mode: "key", key }, serviceUser: "root" }).ping());
    expect(refused).toMatchObject({ kind: "unreachable", message: expect.stringMatching(/Connection refused/) });
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>secret internal page</html>");
    };
    const html = await failure(client({ version: "v0.0.38" }).ping());
    expect(html.kind).toBe("not_slurm");
    expect(html.message).not.toContain("secret");
    handler = (_req, res) => json(res, 404, {});
    expect((await failure(client().discover())).message).toMatch(/none of the API versions/);
  });

  it("reads 22.05's HTTP 500 for a token slurmctld refused as an authentication error; 401 and 511 too", async () => {
    handler = (_req, res) =>
      json(res, 500, { meta: meta38, errors: [{ description: "Failed while looking for jobs", error_number: -1, error: "Unspecified error" }], jobs: [] });
    expect(await failure(client({ version: "v0.0.38" }).jobs())).toMatchObject({ kind: "auth", message: expect.stringMatching(/refused the credentials/) });
    handler = (_req, res) => {
      res.writeHead(401);
      res.end("Authorization failure");
    };
    expect((await failure(client({ version: "v0.0.38" }).jobs())).kind).toBe("auth");
    handler = (_req, res) => json(res, 511, { errors: [{ error: "Protocol authentication error", error_number: 1007 }] });
    expect((await failure(client({ version: "v0.0.42" }).jobs())).kind).toBe("auth");
    handler = (_req, res) => json(res, 500, { errors: [{ description: "Unable to find JobId=9", error_number: 2017, error: "Invalid job id specified" }] });
    expect(await client({ version: "v0.0.38" }).job(9)).toBeNull();
  });

  it("refuses an expired stored token before asking", async () => {
    seen.length = 0;
    const exp = Math.floor(Date.now() / 1000) - 60;
    const token = `e30.${Buffer.from(JSON.stringify({ sun: "root", exp })).toString("base64url")}.sig`;
    const err = await failure(client({ auth: { mode: "token", token }, version: "v0.0.38" }).jobs());
    expect(err).toMatchObject({ kind: "auth", message: expect.stringMatching(/expired/) });
    expect(seen).toHaveLength(0);
  });

  it("passes a refused submission's reasons on", async () => {
    handler = (_req, res) => json(res, 500, { meta: meta38, errors: [{ error_code: 2000, error: "Invalid partition name specified" }] });
    const err = await failure(
      client({ version: "v0.0.38" }).submit(
        {
          name: "x",
          script: "#!/bin/sh\n",
          partition: "nope",
          nodes: null,
          tasks: null,
          cpusPerTask: null,
          memoryMbPerNode: null,
          timeLimitMinutes: 1,
          gpus: 0,
          environment: {},
          workingDirectory: "/tmp",
          stdoutPath: "/tmp/o",
          stderrPath: "/tmp/e",
          comment: "c",
        },
        "alice",
      ),
    );
    expect(err).toMatchObject({ kind: "api", message: "Slurm refused the submit: Invalid partition name specified" });
    expect(seen.at(-1)!.user).toBe("alice");
  });
});
