/**
 * labgate's one failure shape: a value, never a sentence to parse back. A caller branches on
 * `code` (machine-readable, stable), shows `message` to a person, and keeps `cause` (the error or
 * the value behind it) for logs and for whoever wants the details. Pure: no I/O.
 *
 *   const r = await loadContext(source);
 *   if (!r.ok && r.code === "config-invalid") ...
 */
export interface Failure<C extends string = string> {
  ok: false;
  code: C;
  message: string;
  /** What went wrong underneath: a thrown error, an HTTP error, a diagnostic list. */
  cause?: unknown;
}

/** A success carrying `T`'s fields, or a failure with one of the codes `C`. */
export type Outcome<T extends object, C extends string = string> = ({ ok: true } & T) | Failure<C>;

/** A failure with `code`; `cause` kept when given. */
export function fail<C extends string>(code: C, message: string, cause?: unknown): Failure<C> {
  return cause === undefined ? { ok: false, code, message } : { ok: false, code, message, cause };
}

/**
 * The message of something thrown, for a person to read; the thrown value itself belongs in a
 * failure's `cause`. Never parse it: branch on a code.
 */
export function messageOf(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  if (typeof thrown === "string") return thrown;
  try {
    return JSON.stringify(thrown) ?? String(thrown);
  } catch {
    return String(thrown);
  }
}

/** A failure with `code` whose message is the thrown value's (after `context`, if given). */
export function failFrom<C extends string>(code: C, thrown: unknown, context?: string): Failure<C> {
  const message = messageOf(thrown);
  return fail(code, context ? `${context}: ${message}` : message, thrown);
}
