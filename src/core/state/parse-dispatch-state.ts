import type { z } from "zod";
import { formatPath, type PathSegment } from "../diagnostics/diagnostic.js";
import { messageOf } from "../failure/failure.js";
import type { DispatchState } from "./state-entry.js";
import { DispatchStateSchema, type Sidecar, SidecarSchema } from "./state-entry-schema.js";

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** `dispatch/state.json` text -> state, or a message naming the file, the place and the fault. */
export function parseDispatchState(path: string, text: string): Parsed<DispatchState> {
  return parseWith(
    path,
    text,
    DispatchStateSchema as z.ZodType<DispatchState>,
    "a labgate dispatch state",
  );
}

/** A sidecar's text -> its fields, or a message naming the file and the fault. */
export function parseSidecar(path: string, text: string): Parsed<Sidecar> {
  return parseWith(path, text, SidecarSchema, "a labgate run sidecar");
}

function parseWith<T>(path: string, text: string, schema: z.ZodType<T>, what: string): Parsed<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const at = jsonErrorPosition(text, messageOf(err));
    return {
      ok: false,
      message: `${path}${at ? `:${at.line}:${at.column}` : ""}: not valid JSON (${messageOf(err)})`,
    };
  }
  const r = schema.safeParse(json);
  if (r.success) return { ok: true, value: r.data };
  const issues = r.error.issues
    .slice(0, 3)
    .map((i) => `${formatPath(i.path as PathSegment[])}: ${i.message}`);
  const more = r.error.issues.length > 3 ? ` (and ${r.error.issues.length - 3} more)` : "";
  return { ok: false, message: `${path}: not ${what}: ${issues.join("; ")}${more}` };
}

/** Node's JSON.parse says "at position N" (or "line L column C" on newer V8); turn it into both. */
function jsonErrorPosition(
  text: string,
  message: string,
): { line: number; column: number } | undefined {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  const pos = /position (\d+)/.exec(message);
  if (!pos) return undefined;
  const offset = Number(pos[1]);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++)
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  return { line, column: offset - lineStart + 1 };
}
