import "server-only";
import type { Server } from "socket.io";
import { z } from "zod";
import { ZId } from "@/lib/contracts/common";
import { actorOf, auditedAction } from "../audit/audit.service";
import { clientIp } from "../http/client-ip";
import { AppError, type MessageRef } from "../http/errors";
import { logger } from "../logger";
import { terminals, type Client, type TerminalSession } from "../terminals/sessions";
import { authenticatedNamespace, type AppSocket } from "./namespace";

// /terminal: one shell session per socket.
//   open {instanceId, cols, rows, sessionId?} → ack {sessionId} | {error: {code, message}}
//   data (string, both ways; the server's `data` wants an ack once xterm has written it)
//   resize {cols, rows}; close; server `exit` {code, reason}.
// A dropped socket leaves its session alive for TERMINAL_GRACE_SEC: `open` with the same
// sessionId reattaches and replays the recent output.

const ZSize = { cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(500) };
const ZOpen = z.object({ instanceId: ZId, ...ZSize, sessionId: z.string().max(64).optional() });
const ZResize = z.object(ZSize);

type Refusal = { error: { code: string; message: string; messageKey?: string; params?: MessageRef["params"] } };
type Ack = (reply: { sessionId: string } | Refusal) => void;

/** Why a terminal was not opened: the English message, and its reference for the reader's language. */
function refusal(err: unknown): Refusal {
  if (err instanceof AppError)
    return { error: { code: err.code, message: err.message, messageKey: err.ref.key, ...(err.ref.params ? { params: err.ref.params } : {}) } };
  if (err instanceof z.ZodError)
    return { error: { code: "VALIDATION_FAILED", message: err.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") } };
  logger.error({ err }, "terminal open failed");
  return { error: { code: "INTERNAL", message: "Could not open the terminal" } };
}

export function registerTerminalNamespace(io: Server) {
  const nsp = authenticatedNamespace(io, "/terminal");
  nsp.on("connection", (socket: AppSocket) => {
    let session: TerminalSession | null = null;
    const client: Client = {
      send: (data, ack) => void socket.emit("data", data, ack),
      exit: (info) => {
        socket.emit("exit", info);
        session = null;
      },
    };
    const mine = () => (session?.isAttachedTo(client) ? session : null);

    socket.on("open", async (payload: unknown, ack: unknown) => {
      if (typeof ack !== "function") return;
      const reply = ack as Ack;
      try {
        if (mine()) throw new AppError("CONFLICT", "This connection already has a terminal open");
        const req = ZOpen.parse(payload);
        const { principal, headers } = socket.data;
        const facts = {
          action: "terminal.open",
          actor: actorOf(principal),
          ip: clientIp(headers),
          userAgent: headers.get("user-agent"),
          target: { type: "instance", id: req.instanceId },
        };
        session = await auditedAction(facts, () => terminals().open(principal, req, client));
        reply({ sessionId: session.id });
      } catch (err) {
        reply(refusal(err));
      }
    });
    socket.on("data", (data: unknown) => {
      if (typeof data === "string" && data.length <= 64 * 1024) mine()?.write(data);
    });
    socket.on("resize", (payload: unknown) => {
      const size = ZResize.safeParse(payload);
      if (size.success)
        void mine()
          ?.resize(size.data.cols, size.data.rows)
          .catch(() => undefined);
    });
    socket.on("close", () => void mine()?.finish("closed"));
    socket.on("disconnect", () => mine()?.detach(client));
  });
  return nsp;
}
