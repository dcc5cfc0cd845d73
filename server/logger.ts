import "server-only";
import pino from "pino";
import { env } from "./env";
import { processSingleton } from "./singleton";

/** Where warn, error and fatal lines also go (the system log in the database, once the console runs it). */
export const logSinks = processSingleton("log-sinks", () => new Set<(line: string) => void>());

const toSinks = {
  write(line: string) {
    for (const sink of logSinks) sink(line);
  },
};

// One pino logger. Redaction is a safety net: code must not log secrets in the first place.
export const logger = pino(
  {
    level: env().LOG_LEVEL,
    base: { service: "ai-infra-console" },
    redact: {
      paths: [
        "password",
        "*.password",
        "*.currentPassword",
        "*.newPassword",
        "token",
        "*.token",
        "secret",
        "*.secret",
        "headers.authorization",
        "headers.cookie",
        "*.headers.authorization",
        "*.headers.cookie",
      ],
      censor: "[redacted]",
    },
  },
  pino.multistream([
    { level: env().LOG_LEVEL === "silent" ? "fatal" : env().LOG_LEVEL, stream: pino.destination(1) },
    { level: "warn", stream: toSinks },
  ]),
);

export type Logger = typeof logger;
