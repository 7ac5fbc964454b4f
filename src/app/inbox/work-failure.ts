import { messageOf } from "../../core/failure/failure.js";
import { httpStatus } from "../../github/repo-ref.js";

/**
 * Why a piece of the app's work failed, read from the error it ended with (no I/O). `transient`
 * failures are worth trying again after a wait; the others will fail the same way again.
 */
export type WorkFailure =
  | { code: "github-unavailable"; status: number; transient: true }
  | { code: "rate-limited"; status: number; retryAfterS: number | undefined; transient: true }
  | { code: "github-refused"; status: number; transient: false }
  | { code: "unreachable"; message: string; transient: true }
  | { code: "bug"; message: string; transient: false };

interface HttpErrorLike {
  response?: { headers?: Record<string, string | number | undefined> };
}

/**
 * The codes Node and undici (fetch) give a request that got no HTTP answer: refused, reset,
 * timed out, name not resolved, socket closed. Read from the error or any error in its `cause`.
 */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "EPIPE",
]);
const NETWORK_NAMES = new Set(["AbortError", "TimeoutError", "ConnectTimeoutError", "SocketError"]);
/** fetch's one fixed message for a request that got no answer (its TypeError has no code). */
const FETCH_FAILED = "fetch failed";

/** Whether `err` (or an error behind it) says the request never got an HTTP answer. */
function noAnswer(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const { code, name, message, cause } = e as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof code === "string" && (NETWORK_CODES.has(code) || code.startsWith("UND_ERR_")))
      return true;
    if (typeof name === "string" && NETWORK_NAMES.has(name)) return true;
    if (message === FETCH_FAILED) return true;
    e = cause;
  }
  return false;
}

export function classifyFailure(err: unknown): WorkFailure {
  const e = (err ?? {}) as HttpErrorLike;
  const message = messageOf(err);
  const status = httpStatus(err);
  if (status === undefined)
    return noAnswer(err)
      ? { code: "unreachable", message, transient: true }
      : { code: "bug", message, transient: false };
  const headers = e.response?.headers ?? {};
  const retryAfter = Number(headers["retry-after"]);
  const exhausted = String(headers["x-ratelimit-remaining"] ?? "") === "0";
  if (status === 429 || (status === 403 && (Number.isFinite(retryAfter) || exhausted)))
    return {
      code: "rate-limited",
      status,
      retryAfterS: Number.isFinite(retryAfter) ? retryAfter : undefined,
      transient: true,
    };
  if (status >= 500) return { code: "github-unavailable", status, transient: true };
  return { code: "github-refused", status, transient: false };
}

/** A few words for a PR reader: what GitHub answered. */
export function describeFailure(f: WorkFailure): string {
  switch (f.code) {
    case "github-unavailable":
      return `GitHub answered ${f.status}`;
    case "rate-limited":
      return `GitHub answered ${f.status}, rate limit`;
    case "github-refused":
      return `GitHub answered ${f.status}`;
    case "unreachable":
      return "GitHub could not be reached";
    case "bug":
      return "an internal error";
  }
}

export interface RetryBudget {
  /** Tries in all, the first included. */
  attempts: number;
  /** Wait before the second try; doubled for each one after. */
  baseDelayMs: number;
  /** No single wait is longer, whatever `retry-after` asks. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_BUDGET: RetryBudget = {
  attempts: 4,
  baseDelayMs: 2_000,
  maxDelayMs: 60_000,
};

/** The wait before try `attempt + 1` (attempt counts from 1), or undefined: give up. */
export function retryDelayMs(
  f: WorkFailure,
  attempt: number,
  budget: RetryBudget,
): number | undefined {
  if (!f.transient || attempt >= budget.attempts) return undefined;
  const backoff = budget.baseDelayMs * 2 ** (attempt - 1);
  const asked = f.code === "rate-limited" && f.retryAfterS !== undefined ? f.retryAfterS * 1000 : 0;
  return Math.min(budget.maxDelayMs, Math.max(backoff, asked));
}
