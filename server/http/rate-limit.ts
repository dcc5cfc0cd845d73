import "server-only";
import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { ErrorCode } from "@/lib/contracts/errors";
import { env } from "../env";
import { logger } from "../logger";
import { processSingleton } from "../singleton";
import { AppError } from "./errors";

// Rate limiters: in memory by default, in Redis when REDIS_URL is set (needed when several
// console processes run behind a load balancer). If Redis is unreachable, each limiter falls
// back to counting in memory rather than failing every request.

export type LimiterName = "api" | "admin-ops" | "login-ip" | "login-account" | "password-user" | "register-ip" | "redeem-user" | "ssh-ip";

type Spec = { points: number; duration: number; lockSeconds?: number };

function specs(): Record<LimiterName, Spec> {
  const e = env();
  const lock = e.LOGIN_LOCK_MINUTES * 60;
  return {
    api: { points: e.RATE_LIMIT_API_PER_MIN, duration: 60 },
    // Administrators' changes (endpoints for administrators only), per administrator.
    "admin-ops": { points: e.RATE_LIMIT_ADMIN_PER_MIN, duration: 60 },
    "login-ip": { points: e.RATE_LIMIT_LOGIN_IP_PER_MIN, duration: 60 },
    // Consecutive failures per account (by user id, whichever login named it; unknown logins
    // by their text): the counter is deleted on a successful sign-in.
    "login-account": { points: e.LOGIN_LOCK_FAILURES, duration: lock, lockSeconds: lock },
    // Wrong current passwords on a password change, per user: a stolen session cannot guess.
    "password-user": { points: e.LOGIN_LOCK_FAILURES, duration: lock, lockSeconds: lock },
    "register-ip": { points: e.RATE_LIMIT_REGISTER_IP_PER_HOUR, duration: 3600 },
    // The SSH jump host, per client address: every connection takes a point, given back when
    // it signs in; a bad signature takes another.
    "ssh-ip": { points: e.RATE_LIMIT_LOGIN_IP_PER_MIN, duration: 60 },
    // Failed recharge codes per user: guessing codes is locked out.
    "redeem-user": { points: e.REDEEM_MAX_FAILURES, duration: e.REDEEM_LOCK_MINUTES * 60, lockSeconds: e.REDEEM_LOCK_MINUTES * 60 },
  };
}

function redisClient(url: string): Redis {
  return processSingleton("redis", () => {
    const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    client.on("error", (err) => logger.warn({ err: err.message }, "redis error"));
    return client;
  });
}

/**
 * Connects to Redis before the console serves (when REDIS_URL is set), so the first requests
 * are counted in the shared store rather than in the in-memory fallback.
 */
export async function prepareRateLimits(timeoutMs = 5_000): Promise<"memory" | "redis" | "redis-unreachable"> {
  const url = env().REDIS_URL;
  if (!url) return "memory";
  const client = redisClient(url);
  if (client.status === "ready") return "redis";
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    client.once("ready", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  return ready ? "redis" : "redis-unreachable";
}

export function limiter(name: LimiterName): RateLimiterAbstract {
  return processSingleton(`limiter.${name}`, () => {
    const { points, duration } = specs()[name];
    const spec = { points, duration, keyPrefix: `aic:${name}` };
    const redisUrl = env().REDIS_URL;
    if (!redisUrl) return new RateLimiterMemory(spec);
    return new RateLimiterRedis({
      ...spec,
      storeClient: redisClient(redisUrl),
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(spec),
    });
  });
}

function retryAfter(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

/** Takes one point for `key`; throws a 429 AppError with Retry-After when none is left. */
export async function consumeOrThrow(name: LimiterName, key: string, code: ErrorCode = "RATE_LIMITED", message = "Too many requests"): Promise<RateLimiterRes> {
  try {
    return await limiter(name).consume(key);
  } catch (res) {
    if (res instanceof RateLimiterRes) {
      const seconds = retryAfter(res);
      throw new AppError(code, `${message}; try again in ${seconds} s`, { retryAfterSeconds: seconds });
    }
    throw res;
  }
}

/**
 * Guarded attempts (password checks): the point is taken before the check (consumeOrThrow),
 * so parallel attempts cannot outrun the count; a success clears the key (resetLimit), and a
 * failure that used the last point locks the key for the limiter's `lockSeconds`.
 */
export async function lockIfSpent(name: LimiterName, key: string): Promise<void> {
  const l = limiter(name);
  const { lockSeconds } = specs()[name];
  const res = await l.get(key);
  if (lockSeconds && res && res.consumedPoints >= l.points) await l.block(key, lockSeconds);
}

/** Gives back a point taken by consumeOrThrow (an attempt that turned out fine). */
export async function refundPoint(name: LimiterName, key: string): Promise<void> {
  await limiter(name).reward(key, 1);
}

export async function resetLimit(name: LimiterName, key: string): Promise<void> {
  await limiter(name).delete(key);
}
