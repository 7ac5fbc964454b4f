import type { Failure } from "../core/failure/failure.js";
import { DEFAULT_RETRY_BUDGET, type RetryBudget } from "./inbox/work-failure.js";

/** Probot's own fallback when no secret is given (probot/lib/server/server.js): anyone knows it. */
export const PROBOT_DEVELOPMENT_SECRET = "development";

export interface ServerConfig {
  /** Where the inbox lives: put it on a persistent volume. */
  dataDir: string;
  redeliveryIntervalMs: number;
  retry: RetryBudget;
}

export type ServerConfigResult =
  | { ok: true; config: ServerConfig }
  | Failure<"missing-webhook-secret" | "development-webhook-secret" | "bad-setting">;

const HOW_TO_SET_SECRET =
  "Set WEBHOOK_SECRET to the app's webhook secret (GitHub: Settings → Developer settings → GitHub Apps → labgate → Webhook secret; a long random string, e.g. `openssl rand -hex 32`, set on both sides).";

/**
 * The server's settings from its environment, read once at start. The server refuses to run
 * without a real webhook secret: without one, anyone who can reach it could post an
 * `/approve-phase8` in a maintainer's name (docs/security.md).
 */
export function readServerConfig(env: NodeJS.ProcessEnv): ServerConfigResult {
  const secret = env.WEBHOOK_SECRET;
  if (!secret)
    return {
      ok: false,
      code: "missing-webhook-secret",
      message: `labgate refuses to start: WEBHOOK_SECRET is not set, so webhooks could not be verified and Probot would accept ones signed with its public development secret. ${HOW_TO_SET_SECRET}`,
    };
  if (secret === PROBOT_DEVELOPMENT_SECRET)
    return {
      ok: false,
      code: "development-webhook-secret",
      message: `labgate refuses to start: WEBHOOK_SECRET is "${PROBOT_DEVELOPMENT_SECRET}", Probot's public development default, so anyone could sign webhooks. ${HOW_TO_SET_SECRET}`,
    };
  const numbers: [keyof typeof NUMBER_DEFAULTS, number][] = [];
  for (const key of Object.keys(NUMBER_DEFAULTS) as (keyof typeof NUMBER_DEFAULTS)[]) {
    const raw = env[key];
    const value = raw === undefined || raw === "" ? NUMBER_DEFAULTS[key] : Number(raw);
    if (!Number.isFinite(value) || value < 0)
      return {
        ok: false,
        code: "bad-setting",
        message: `labgate refuses to start: ${key}=${JSON.stringify(raw)} is not a number >= 0 (default ${NUMBER_DEFAULTS[key]}).`,
      };
    numbers.push([key, value]);
  }
  const n = Object.fromEntries(numbers) as Record<keyof typeof NUMBER_DEFAULTS, number>;
  return {
    ok: true,
    config: {
      dataDir: env.LABGATE_DATA_DIR || ".labgate/app",
      redeliveryIntervalMs: n.LABGATE_REDELIVERY_INTERVAL_S * 1000,
      retry: {
        attempts: Math.max(1, Math.floor(n.LABGATE_RETRY_ATTEMPTS)),
        baseDelayMs: n.LABGATE_RETRY_BASE_MS,
        maxDelayMs: DEFAULT_RETRY_BUDGET.maxDelayMs,
      },
    },
  };
}

const NUMBER_DEFAULTS = {
  LABGATE_REDELIVERY_INTERVAL_S: 300,
  LABGATE_RETRY_ATTEMPTS: DEFAULT_RETRY_BUDGET.attempts,
  LABGATE_RETRY_BASE_MS: DEFAULT_RETRY_BUDGET.baseDelayMs,
} as const;
