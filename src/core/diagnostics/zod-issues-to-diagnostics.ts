import type { z } from "zod";
import { type Diagnostic, formatPath, type PathSegment } from "./diagnostic.js";
import { didYouMean } from "./did-you-mean.js";
import { knownKeysAt, objectSchemasAt } from "./known-keys.js";

export interface Locator {
  file: string;
  locate(path: readonly PathSegment[]): { line: number; column: number };
}

export interface IssueOptions {
  /** The fix for a missing field; default: add it to the object that lacks it. */
  missingFieldHint?: string;
}

/** Turns zod issues into diagnostics that name the file, line, column and JSON path, with a fix. */
export function zodIssuesToDiagnostics(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  where: Locator,
  basePath: readonly PathSegment[] = [],
  options: IssueOptions = {},
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    const path = [...basePath, ...(issue.path as PathSegment[])];
    if (issue.code === "unrecognized_keys") {
      const option = unionOptionFor(schema, issue);
      if (option) {
        const again = option.safeParse(issue.input, { reportInput: true });
        if (!again.success) {
          out.push(...zodIssuesToDiagnostics(again.error.issues, option, where, path, options));
          continue;
        }
      }
      const known = knownKeysAt(schema, issue.path as PathSegment[]);
      for (const key of issue.keys) {
        const suggestion = didYouMean(key, known);
        const at = where.locate([...path, key]);
        out.push({
          severity: "error",
          file: where.file,
          path: formatPath([...path, key]),
          ...at,
          message: `unknown key "${key}"${suggestion ? ` — did you mean "${suggestion}"?` : ""}`,
          hint: suggestion
            ? `rename it to "${suggestion}".`
            : `remove it; allowed keys here: ${known.join(", ")}.`,
        });
      }
      continue;
    }
    const at = where.locate(path);
    out.push({
      severity: "error",
      file: where.file,
      path: formatPath(path),
      ...at,
      message: describeIssue(issue, path),
      hint: hintFor(issue, path, options),
    });
  }
  return out;
}

/**
 * Where a union of objects failed, zod reports the option that failed least, which may not be
 * the one the user meant: `{ "file": …, "format": "xml" }` is reported as unknown keys of the
 * other form. The option whose keys cover the object's keys is the one meant, and its issues say
 * what is wrong (here, the format).
 */
function unionOptionFor(
  schema: z.ZodType,
  issue: z.core.$ZodIssue & { code: "unrecognized_keys" },
): z.ZodType | undefined {
  const input = issue.input;
  if (typeof input !== "object" || input === null) return undefined;
  const keys = Object.keys(input);
  const options = objectSchemasAt(schema, issue.path as PathSegment[]);
  if (options.length < 2) return undefined;
  return options.find((o) => {
    const own = knownKeysAt(o, []);
    return keys.every((k) => own.includes(k));
  });
}

function describeIssue(issue: z.core.$ZodIssue, path: readonly PathSegment[]): string {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return `missing required field (expected ${issue.expected})`;
      return `expected ${issue.expected}, got ${describeValue(issue.input)}`;
    case "invalid_value":
      if (issue.input === undefined)
        return `missing required field "${String(path[path.length - 1])}" (one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")})`;
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describeValue(issue.input)}`;
    case "too_small":
      return issue.origin === "array"
        ? `needs at least ${issue.minimum} item(s)`
        : `must be ${issue.inclusive ? ">=" : ">"} ${issue.minimum}`;
    case "too_big":
      return issue.origin === "array"
        ? `allows at most ${issue.maximum} item(s)`
        : `must be ${issue.inclusive ? "<=" : "<"} ${issue.maximum}`;
    case "invalid_format":
      return issue.message.startsWith("Invalid")
        ? `not ${issue.format}: ${describeValue(issue.input)}`
        : issue.message;
    case "invalid_union":
      return "does not match any allowed form";
    default:
      return issue.message;
  }
}

function hintFor(
  issue: z.core.$ZodIssue,
  path: readonly PathSegment[],
  options: IssueOptions,
): string | undefined {
  if (issue.code === "invalid_type" && issue.expected === "int")
    return "use a whole number, e.g. 3.";
  if (issue.code === "invalid_union") return unionHint(path);
  if (issue.code === "invalid_type" && issue.input === undefined)
    return (
      options.missingFieldHint ??
      `add "${path[path.length - 1]}" to ${formatPath(path.slice(0, -1))}.`
    );
  if (issue.code === "invalid_value" && issue.input === undefined) {
    const field = `"${String(path[path.length - 1])}": ${issue.values.map((v) => JSON.stringify(v)).join(" | ")}`;
    return options.missingFieldHint
      ? `${options.missingFieldHint.replace(/\.$/, "")}: ${field}.`
      : `add ${field} to ${formatPath(path.slice(0, -1))}.`;
  }
  if (issue.code === "invalid_type" && issue.expected === "array")
    return `write it as a JSON array: "${String(path[path.length - 1])}": ${asArray(issue.input)}.`;
  if (issue.code === "invalid_format") return issue.message;
  return undefined;
}

/** A value given where a list belongs, as the JSON array it likely meant: "1,2,3" -> [1, 2, 3]. */
function asArray(v: unknown): string {
  const items =
    typeof v === "string"
      ? v
          .split(/[\s,;]+/)
          .filter((x) => x !== "")
          .map((x) => (/^-?\d+(\.\d+)?$/.test(x) ? x : JSON.stringify(x)))
      : v === undefined || v === null || typeof v === "object"
        ? ["…"]
        : [JSON.stringify(v)];
  return `[${items.join(", ")}]`;
}

function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return `${typeof v} ${String(v)}`;
}

/** The allowed forms of the unions in labgate's files, by the field they sit in. */
function unionHint(path: readonly PathSegment[]): string | undefined {
  if (path.includes("pass_criterion"))
    return 'use e.g. { "metric": "accuracy", "min": 0.8 } or { "metric": "accuracy", "beats_baseline": true }.';
  if (path.includes("metrics_from"))
    return 'use { "stdout": { "<metric>": "<regex with one group>" } }, { "pattern": "<regex>" } or { "file": "{checkpoint_dir}/metrics.json", "format": "json" | "csv" | "jsonl" }.';
  if (path.includes("params")) return "use a string, a number or a boolean.";
  return undefined;
}
