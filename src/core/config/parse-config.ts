import { isMap, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { Diagnostic, PathSegment } from "../diagnostics/diagnostic.js";
import { zodIssuesToDiagnostics } from "../diagnostics/zod-issues-to-diagnostics.js";
import { Config } from "./config-schema.js";

export type ParseConfigResult =
  | { ok: true; config: Config; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/** Parses and validates `.github/labgate.yml` text; `undefined` text (no file) yields the defaults. */
export function parseConfig(file: string, text: string | undefined): ParseConfigResult {
  if (text === undefined || text.trim() === "")
    return { ok: true, config: Config.parse({}), diagnostics: [] };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const pos = (offset: number) => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      diagnostics: doc.errors.map((e) => ({
        severity: "error" as const,
        file,
        path: "(root)",
        ...pos(e.pos[0]),
        message: `not valid YAML: ${e.message.split("\n")[0]}`,
        hint: "check the indentation and that every `key: value` pair has a space after the colon.",
      })),
    };
  }
  const locate = (path: readonly PathSegment[]) => {
    let node: unknown = doc.contents;
    let offset = 0;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === seg);
        if (!pair) break;
        offset = (pair.key as Node).range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === "number") {
        const item = node.items[seg] as Node | undefined;
        if (!item) break;
        offset = item.range?.[0] ?? offset;
        node = item;
      } else break;
    }
    return pos(offset);
  };
  const parsed = Config.safeParse(doc.toJS() ?? {}, { reportInput: true });
  if (!parsed.success)
    return {
      ok: false,
      diagnostics: zodIssuesToDiagnostics(parsed.error.issues, Config, { file, locate }),
    };
  return { ok: true, config: parsed.data, diagnostics: [] };
}
