import retModule, { type Tokens, types } from "ret";
import type { MetricsFrom } from "../definitions/definitions-schema.js";
import { messageOf } from "../failure/failure.js";

/**
 * Metrics taken from what a script already prints or writes (`metrics_from`, docs/definitions.md,
 * "Existing scripts"). Pure: text in, metrics out; the runner reads the log or the file.
 */

export type CompiledRegex =
  | { ok: true; re: RegExp; groups: number; named: ReadonlySet<string> }
  | { ok: false; message: string };

/**
 * A user's regex, compiled for line-by-line matching (`m`: `^`/`$` at each line). Python's
 * `(?P<name>...)` and `(?P=name)` are accepted, since the scripts are Python and their authors
 * write Python regexes.
 */
export function compileMetricsRegex(source: string): CompiledRegex {
  const js = source.replace(/\(\?P</g, "(?<").replace(/\(\?P=(\w+)\)/g, "\\k<$1>");
  let re: RegExp;
  try {
    re = new RegExp(js, "gm");
  } catch (err) {
    return { ok: false, message: regexError(js, messageOf(err)) };
  }
  // an alternative that always matches the empty string exposes the group count
  const groups = (new RegExp(`${js}|`).exec("") as RegExpExecArray).length - 1;
  const named = new Set(Object.keys(new RegExp(`${js}|`).exec("")?.groups ?? {}));
  return { ok: true, re, groups, named };
}

/**
 * JavaScript's message for a bad regex names no position; this finds the first character at
 * which a prefix of the regex stops being completable, by closing what it opened.
 */
function regexError(source: string, message: string): string {
  const reason = message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
  for (let i = 1; i <= source.length; i++) {
    const prefix = source.slice(0, i);
    if (!completable(prefix)) return `${reason} (at character ${i} of the regex)`;
  }
  return `${reason} (at character ${source.length} of the regex, its end)`;
}

/** Whether some closing of `prefix` (brackets, groups, escapes) compiles. */
function completable(prefix: string): boolean {
  let closer = "";
  let inClass = false;
  const stack: string[] = [];
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "(") stack.push(")");
    else if (c === ")") stack.pop();
  }
  if (prefix.endsWith("\\") && !prefix.endsWith("\\\\")) closer += "\\";
  if (inClass) closer += "]";
  closer += stack.reverse().join("");
  for (const tail of [closer, `${closer}`.replace(/^\\/, "\\\\")]) {
    try {
      new RegExp(prefix + tail);
      return true;
    } catch {
      // try the next closing
    }
  }
  // a prefix ending inside a group name or quantifier may need more than closing brackets
  return /\(\?(P?<\w*|\w*)$|\{\d*,?\d*$/.test(prefix);
}

export interface MetricsFromProblem {
  /** JSON path below the `metrics_from` field. */
  path: (string | number)[];
  message: string;
  hint: string;
}

/** What `validate` says about a `metrics_from` besides its shape: regexes that compile, with their groups. */
export function metricsFromProblems(mf: MetricsFrom): MetricsFromProblem[] {
  const out: MetricsFromProblem[] = [];
  if ("file" in mf) return out;
  if (mf.stdout === undefined && mf.pattern === undefined)
    out.push({
      path: [],
      message: "metrics_from names neither `stdout` regexes nor a `pattern`",
      hint: 'add "stdout": { "<metric>": "<regex with one group>" }, or a "pattern" with name and value groups.',
    });
  for (const [metric, source] of Object.entries(mf.stdout ?? {})) {
    const c = compileMetricsRegex(source);
    if (!c.ok)
      out.push({
        path: ["stdout", metric],
        message: `the regex for ${metric} does not compile: ${c.message}`,
        hint: "fix the regex (JSON strings need \\\\ for one backslash).",
      });
    else if (c.groups !== 1)
      out.push({
        path: ["stdout", metric],
        message: `the regex for ${metric} has ${c.groups} groups; it needs exactly one, around the number`,
        hint: 'capture only the value, e.g. "valid ppl\\\\s+([0-9.]+)"; make other groups non-capturing: (?:...).',
      });
    else if (backtracks(c.re))
      out.push({
        path: ["stdout", metric],
        message: `the regex for ${metric} ${BACKTRACKS}`,
        hint: BACKTRACKS_HINT,
      });
  }
  if (mf.pattern !== undefined) {
    const c = compileMetricsRegex(mf.pattern);
    if (!c.ok)
      out.push({
        path: ["pattern"],
        message: `the pattern does not compile: ${c.message}`,
        hint: "fix the regex (JSON strings need \\\\ for one backslash).",
      });
    else if (!(c.named.has("name") && c.named.has("value")) && c.groups !== 2)
      out.push({
        path: ["pattern"],
        message: `the pattern has ${c.groups} groups; it needs two, the name then the value (or groups named name and value)`,
        hint: 'e.g. "^(\\\\w+)[=:]\\\\s*([-+0-9.eE]+)$" for key=value and key: value lines.',
      });
    else if (backtracks(c.re))
      out.push({ path: ["pattern"], message: `the pattern ${BACKTRACKS}`, hint: BACKTRACKS_HINT });
  }
  return out;
}

const BACKTRACKS =
  "can take exponential time on some lines (catastrophic backtracking): a repeated group repeats something that itself repeats, as in (a+)+ or (\\w+\\s?)*";
const BACKTRACKS_HINT =
  "repeat only single items or character classes, e.g. (a+)+ -> a+, (\\\\w+\\\\s?)* -> [\\\\w\\\\s]*; the runner stops a capture that runs too long and fails the run (docs/security.md).";

/**
 * Whether a regex may backtrack catastrophically: a quantifier that repeats (`*`, `+`, `{2,}`)
 * inside another that repeats, as in `(a+)+` or `(\\w+\\s?)*` (star height above one, read from
 * `ret`'s parse). An optional group (`(?:[eE][-+]?\\d+)?`) repeats nothing. `ret` knows no
 * lookbehind, which changes no star height, so one is read as a lookahead. This catches the
 * common shapes, not every one (`((?:a|a)*)$`): the runner's deadline stops the rest.
 */
function backtracks(re: RegExp): boolean {
  // `ret` sets module.exports to its tokenizer: the default import is the function itself
  const tokenize = retModule as unknown as typeof retModule.default;
  let root: Tokens;
  try {
    root = tokenize(re.source.replace(/(?<!\\)\(\?<([=!])/g, "(?$1"));
  } catch {
    return false; // JavaScript compiled it; the deadline stands behind what this cannot read
  }
  const nested = (t: Tokens, inRepeat: boolean): boolean => {
    if (t.type === types.REPETITION) {
      const repeats = t.max === null || t.max > 1;
      return (repeats && inRepeat) || nested(t.value, inRepeat || repeats);
    }
    if (t.type !== types.GROUP && t.type !== types.ROOT) return false;
    const seqs = [...(t.stack ? [t.stack] : []), ...(t.options ?? [])];
    return seqs.some((seq) => seq.some((x) => nested(x, inRepeat)));
  };
  return nested(root, false);
}

/** A metric whose last value is not a finite number (`nan`, `inf`, text): the run blew up. */
export interface NotFinite {
  metric: string;
  /** The value as printed or written. */
  value: string;
  /** Where: the log line, or the file's line or key. */
  at: string;
}

/**
 * The most metrics one run's `metrics_from` captures, and the longest metric name
 * (docs/definitions.md, "Existing scripts"): a pattern that matches every line of a 10 MB log
 * must fail the run, not commit a result file of millions of "metrics".
 */
export const MAX_CAPTURED_METRICS = 1000;
export const MAX_METRIC_NAME_LENGTH = 200;

/** Why captured metrics are refused: over `MAX_CAPTURED_METRICS` or `MAX_METRIC_NAME_LENGTH`. */
export interface OverCap {
  code: "too-many-metrics" | "metric-name-too-long";
  message: string;
}

export interface CapturedMetrics {
  metrics: Record<string, number>;
  /** The line each metric was last found on, for `meta.source`. */
  lines: Record<string, string>;
  /** Metrics whose last match is not a finite number; absent when there are none. */
  notFinite?: NotFinite[];
  /** Why the capture is refused as a whole; absent when it is not. */
  overCap?: OverCap;
}

/** The regexes `lastMatches` runs: JavaScript sources, already translated from Python's syntax. */
export interface MatchRequest {
  /** `[metric, regex]`, each regex with one group around the value. */
  stdout: [string, string][];
  /** The name/value pattern, if any. */
  pattern?: string;
  maxNames: number;
  maxNameLength: number;
}

/** Each regex's last match, as `[name, raw value, index in the text]`. */
export interface LastMatches {
  stdout: [string, string, number][];
  pattern: [string, string, number][];
  /** A pattern name over `maxNameLength`, or the first name past `maxNames` numeric names. */
  overCap?: { code: OverCap["code"]; name: string };
}

/** The regexes of a `metrics_from`, compiled and translated, ready for `lastMatches`. */
export function matchRequestOf(mf: {
  stdout?: Record<string, string>;
  pattern?: string;
}): MatchRequest {
  const stdout: [string, string][] = [];
  for (const [metric, source] of Object.entries(mf.stdout ?? {})) {
    const c = compileMetricsRegex(source);
    if (c.ok) stdout.push([metric, c.re.source]); // validation reported the others
  }
  const p = mf.pattern === undefined ? undefined : compileMetricsRegex(mf.pattern);
  return {
    stdout,
    ...(p?.ok ? { pattern: p.re.source } : {}),
    maxNames: MAX_CAPTURED_METRICS,
    maxNameLength: MAX_METRIC_NAME_LENGTH,
  };
}

/**
 * Runs the user's regexes over the text: the one step whose time a regex controls. It is
 * self-contained (no imports, no outer names, no nested functions) because the runner runs its
 * source in a worker thread it can stop at a deadline (capture-metrics.ts); `onRegex` is told
 * which regex runs next, so a stopped capture can name it. A pattern name is kept once it has
 * had a number-shaped value (a name that never had a number is no metric), and matching stops
 * at the first name over the caps.
 */
export function lastMatches(
  req: MatchRequest,
  text: string,
  onRegex?: (label: string) => void,
): LastMatches {
  const out: LastMatches = { stdout: [], pattern: [] };
  const taken = new Set<string>();
  for (const [metric, source] of req.stdout) {
    taken.add(metric);
    if (onRegex) onRegex(metric);
    let last: [string, string, number] | undefined;
    for (const m of text.matchAll(new RegExp(source, "gm"))) last = [metric, m[1] ?? "", m.index];
    if (last) out.stdout.push(last);
  }
  if (req.pattern === undefined) return out;
  if (onRegex) onRegex("pattern");
  const numberShaped = /^\s*([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|[-+]?(nan|inf|infinity))\s*$/i;
  const names = new Map<string, [string, string, number]>();
  for (const m of text.matchAll(new RegExp(req.pattern, "gm"))) {
    const name = (m.groups?.name ?? m[1])?.trim();
    const raw = m.groups?.value ?? m[2] ?? "";
    if (name === undefined || name === "" || taken.has(name)) continue;
    const seen = names.get(name);
    if (seen) {
      seen[1] = raw;
      seen[2] = m.index;
      continue;
    }
    if (!numberShaped.test(raw)) continue;
    if (name.length > req.maxNameLength) {
      out.overCap = { code: "metric-name-too-long", name };
      break;
    }
    if (names.size >= req.maxNames) {
      out.overCap = { code: "too-many-metrics", name };
      break;
    }
    names.set(name, [name, raw, m.index]);
  }
  out.pattern = [...names.values()];
  return out;
}

/**
 * The metrics in a run's output: each `stdout` regex's last match, and every `pattern` match by
 * name (the last of a name wins). The last match always wins: one that is not a finite number
 * (`nan`, `inf`, anything else) is reported in `notFinite`, never replaced by an earlier number.
 * A `pattern` name that never had a number (`model=LSTM`) is not a metric. This runs the regexes
 * in this thread; the runner runs them under a deadline instead (capture-metrics.ts).
 */
export function captureFromOutput(
  mf: { stdout?: Record<string, string>; pattern?: string },
  text: string,
): CapturedMetrics {
  return metricsOfMatches(lastMatches(matchRequestOf(mf), text), text);
}

/** `lastMatches`' answer as metrics: numbers, the lines they were on, and what was not finite. */
export function metricsOfMatches(found: LastMatches, text: string): CapturedMetrics {
  if (found.overCap) return { metrics: {}, lines: {}, overCap: overCapOf(found.overCap) };
  const metrics: Record<string, number> = {};
  const lines: Record<string, string> = {};
  const notFinite: NotFinite[] = [];
  for (const [name, raw, at] of [...found.stdout, ...found.pattern]) {
    const value = toNumber(raw);
    if (value === undefined)
      notFinite.push({ metric: name, value: raw.trim(), at: lineAround(text, at) });
    else {
      metrics[name] = value;
      lines[name] = lineAround(text, at);
    }
  }
  return { metrics, lines, ...(notFinite.length > 0 ? { notFinite } : {}) };
}

/** Whether metrics (from the output or a file) stay under the caps; the refusal when not. */
export function metricsOverCap(metrics: Record<string, number>): OverCap | undefined {
  const names = Object.keys(metrics);
  const long = names.find((n) => n.length > MAX_METRIC_NAME_LENGTH);
  if (long !== undefined) return overCapOf({ code: "metric-name-too-long", name: long });
  const extra = names[MAX_CAPTURED_METRICS];
  return extra === undefined ? undefined : overCapOf({ code: "too-many-metrics", name: extra });
}

function overCapOf({ code, name }: { code: OverCap["code"]; name: string }): OverCap {
  const shown = JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name);
  return code === "too-many-metrics"
    ? {
        code,
        message: `metrics_from found more than ${MAX_CAPTURED_METRICS} metrics (the next was ${shown}); at most ${MAX_CAPTURED_METRICS} are captured: make the pattern match only the metric lines`,
      }
    : {
        code,
        message: `metrics_from found a metric name of ${name.length} characters (${shown}); names are at most ${MAX_METRIC_NAME_LENGTH}: make the pattern's name group match only the name`,
      };
}

/** How Python, NumPy, PyTorch and JSON writers spell a value that is not a finite number. */
const NON_FINITE = /^[-+]?(nan|inf|infinity)$/i;

export type DocumentMetrics =
  | { ok: true; metrics: Record<string, number>; notFinite?: NotFinite[] }
  | { ok: false; message: string };

/**
 * The metrics in a file the script writes: json (the object at `key`), jsonl (each line's object
 * at `key`, later lines winning), csv (the last row, by header). Names starting with `_` (W&B's
 * `_step`, `_runtime`, `_timestamp`) are bookkeeping, not metrics; other text is left out. A value
 * that is not a finite number (Python's `NaN`/`Infinity`, `"nan"`, `inf`) is reported in
 * `notFinite`, never replaced by an earlier line's number.
 */
export function metricsFromDocument(
  format: "json" | "csv" | "jsonl",
  text: string,
  key?: string,
): DocumentMetrics {
  if (format === "csv") return fromCsv(text);
  const objects: { o: unknown; line?: number }[] = [];
  if (format === "json") {
    try {
      objects.push({ o: parseJson(text) });
    } catch (err) {
      return { ok: false, message: `not JSON (${messageOf(err)})` };
    }
  } else {
    const lines = text.split(/\r?\n/);
    for (const [i, line] of lines.entries()) {
      if (line.trim() === "") continue;
      try {
        objects.push({ o: parseJson(line), line: i + 1 });
      } catch (err) {
        // a last line cut short by a killed writer is not fatal; one in the middle is
        if (lines.slice(i + 1).some((l) => l.trim() !== ""))
          return { ok: false, message: `line ${i + 1} is not JSON (${messageOf(err)})` };
      }
    }
  }
  const metrics: Record<string, number> = {};
  const bad = new Map<string, NotFinite>();
  let found = false;
  for (const { o, line } of objects) {
    const at = key === undefined ? o : dig(o, key);
    if (at === null || typeof at !== "object" || Array.isArray(at)) continue;
    found = true;
    for (const [name, v] of Object.entries(at)) {
      if (name.startsWith("_")) continue;
      if (typeof v === "number") {
        metrics[name] = v;
        bad.delete(name);
      } else if (typeof v === "string" && NON_FINITE.test(v.trim())) {
        delete metrics[name];
        const where = line === undefined ? `key "${key ? `${key}.` : ""}${name}"` : `line ${line}`;
        bad.set(name, { metric: name, value: v.trim(), at: where });
      }
    }
  }
  if (!found)
    return {
      ok: false,
      message:
        key === undefined
          ? "holds no JSON object"
          : `has no object at key "${key}" (a dot path, e.g. summary.eval)`,
    };
  return { ok: true, metrics, ...(bad.size > 0 ? { notFinite: [...bad.values()] } : {}) };
}

/** JSON.parse that also reads Python's bare `NaN`, `Infinity`, `-Infinity` (json.dump's default), as strings. */
function parseJson(text: string): unknown {
  return JSON.parse(
    text.replace(/"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)/g, (m, bare: string | undefined) =>
      bare === undefined ? m : `"${bare}"`,
    ),
  );
}

function fromCsv(text: string): DocumentMetrics {
  const rows = text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "")
    .map(splitCsvLine);
  const header = rows[0];
  const last = rows.at(-1);
  if (!header || !last || rows.length < 2)
    return { ok: false, message: "needs a header row and at least one row of values" };
  const metrics: Record<string, number> = {};
  const notFinite: NotFinite[] = [];
  const lastLine = `line ${text.split(/\r?\n/).findLastIndex((l) => l.trim() !== "") + 1}`;
  header.forEach((name, i) => {
    if (name === "" || name.startsWith("_")) return;
    const raw = last[i] ?? "";
    const v = toNumber(raw);
    if (v !== undefined) metrics[name] = v;
    else if (numberShaped(raw)) notFinite.push({ metric: name, value: raw, at: lastLine });
  });
  return { ok: true, metrics, ...(notFinite.length > 0 ? { notFinite } : {}) };
}

/** One CSV line's fields: commas separate, double quotes quote, "" is a quote. */
function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      out.push(cur.trim());
      cur = "";
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

function dig(o: unknown, key: string): unknown {
  let at = o;
  for (const part of key.split(".")) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A decimal number, finite; anything else (nan, inf, 1e999, text) is undefined. */
function toNumber(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const s = raw.trim();
  if (!DECIMAL.test(s)) return undefined;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

/** A number, finite or not (`nan`, `inf`, `1e999`): a metric's value rather than a word. */
function numberShaped(raw: string): boolean {
  return DECIMAL.test(raw.trim()) || NON_FINITE.test(raw.trim());
}

function lineAround(text: string, at: number): string {
  const start = text.lastIndexOf("\n", at - 1) + 1;
  const end = text.indexOf("\n", at);
  return text
    .slice(start, end < 0 ? undefined : end)
    .trim()
    .slice(0, 200);
}
