import "server-only";
import pino from "pino";
import { env } from "./env";

// One pino logger. Redaction is a safety net: code must not log secrets in the first place.
export const logger = pino({
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
});

export type Logger = typeof logger;
