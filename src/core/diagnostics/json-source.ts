import { type AnyNode, type DocumentNode, evaluate, parse } from "@humanwhocodes/momoa";
import { type Diagnostic, formatPath, type PathSegment } from "./diagnostic.js";

/**
 * A JSON document parsed with source positions (momoa keeps a location on every node),
 * so that any zod issue path can be mapped back to a line and column.
 */
export interface JsonSource {
  file: string;
  value: unknown;
  locate(path: readonly PathSegment[]): { line: number; column: number };
}

/** Files larger than this are refused before parsing: a campaign definition is hand-written. */
export const MAX_JSON_BYTES = 5 * 1024 * 1024;

export type ParseJsonResult =
  | { ok: true; source: JsonSource; duplicates: Diagnostic[] }
  | { ok: false; diagnostic: Diagnostic };

export function parseJsonSource(file: string, text: string): ParseJsonResult {
  const fail = (line: number, column: number, message: string, hint: string): ParseJsonResult => ({
    ok: false,
    diagnostic: { severity: "error", file, path: "(root)", line, column, message, hint },
  });
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_JSON_BYTES) {
    return fail(
      1,
      1,
      `file is ${(bytes / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_JSON_BYTES / 1024 / 1024} MB`,
      "definitions.json describes experiments, not data: move large tables or generated lists into files the scripts read, and expand runs with `params` and `seeds`.",
    );
  }
  if (text.trim() === "") {
    return fail(
      1,
      1,
      "file is empty",
      'start from `{ "version": 1, "project": "my-study", ... }` or run `labgate init`.',
    );
  }
  let doc: DocumentNode;
  try {
    doc = parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, {
      mode: "json",
      ranges: false,
      tokens: false,
    });
  } catch (err) {
    const e = err as { message?: string; line?: number; column?: number };
    const message = String(e.message ?? err).replace(/\s*\(\d+:\d+\)\s*$/, "");
    return fail(
      e.line ?? 1,
      e.column ?? 1,
      `not valid JSON: ${message}`,
      "check for a missing comma, a trailing comma, or an unquoted key near this position.",
    );
  }
  const duplicates: Diagnostic[] = [];
  collectDuplicateKeys(doc.body, [], file, duplicates);
  const value = evaluate(doc);
  return {
    ok: true,
    duplicates,
    source: { file, value, locate: (path) => locateNode(doc.body, path) },
  };
}

function locateNode(root: AnyNode, path: readonly PathSegment[]): { line: number; column: number } {
  let node: AnyNode = root;
  for (const seg of path) {
    const next = childOf(node, seg);
    if (!next) break;
    node = next;
  }
  return { line: node.loc.start.line, column: node.loc.start.column };
}

function childOf(node: AnyNode, seg: PathSegment): AnyNode | undefined {
  if (node.type === "Object" && typeof seg === "string") {
    const member = node.members.find((m) => m.name.type === "String" && m.name.value === seg);
    // Point at the key for a member: that is where a reader's eye goes.
    return member
      ? member.value.type === "Object" || member.value.type === "Array"
        ? member.value
        : member.name
      : undefined;
  }
  if (node.type === "Array" && typeof seg === "number") return node.elements[seg]?.value;
  return undefined;
}

function collectDuplicateKeys(
  node: AnyNode,
  path: PathSegment[],
  file: string,
  out: Diagnostic[],
): void {
  if (node.type === "Object") {
    const seen = new Set<string>();
    for (const m of node.members) {
      const key = m.name.type === "String" ? m.name.value : String(m.name.name);
      if (seen.has(key)) {
        out.push({
          severity: "error",
          file,
          path: formatPath([...path, key]),
          line: m.name.loc.start.line,
          column: m.name.loc.start.column,
          message: `key "${key}" appears twice in the same object; JSON keeps only the last one`,
          hint: "remove or rename one of them.",
        });
      }
      seen.add(key);
      collectDuplicateKeys(m.value, [...path, key], file, out);
    }
  } else if (node.type === "Array") {
    for (const [i, el] of node.elements.entries())
      collectDuplicateKeys(el.value, [...path, i], file, out);
  }
}
