import type { z } from "zod";
import type { PathSegment } from "./diagnostic.js";

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/**
 * The keys a zod object schema accepts at `path` — used to suggest "did you mean" for an
 * unknown key. Walks through optional/default/array/record/union wrappers.
 */
export function knownKeysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let frontier: z.ZodType[] = [schema];
  for (const seg of path) {
    frontier = frontier.flatMap((s) => stepInto(s, seg));
  }
  return [...new Set(frontier.flatMap((s) => objectKeys(s)))];
}

/** The object schemas (every option of a union) that may sit at `path`. */
export function objectSchemasAt(schema: z.ZodType, path: readonly PathSegment[]): z.ZodType[] {
  let frontier: z.ZodType[] = [schema];
  for (const seg of path) {
    frontier = frontier.flatMap((s) => stepInto(s, seg));
  }
  return frontier.flatMap(unwrap).filter((u) => defOf(u).type === "object");
}

function unwrap(s: z.ZodType): z.ZodType[] {
  const def = defOf(s);
  switch (def.type) {
    case "optional":
    case "default":
    case "nullable":
    case "prefault":
      return def.innerType ? unwrap(def.innerType) : [];
    case "pipe":
      return def.in ? unwrap(def.in) : [];
    case "union":
      return (def.options ?? []).flatMap(unwrap);
    default:
      return [s];
  }
}

function stepInto(s: z.ZodType, seg: PathSegment): z.ZodType[] {
  return unwrap(s).flatMap((u) => {
    const def = defOf(u);
    if (def.type === "object" && typeof seg === "string")
      return def.shape?.[seg] ? [def.shape[seg]] : [];
    if (def.type === "array" && typeof seg === "number") return def.element ? [def.element] : [];
    if (def.type === "record") return def.valueType ? [def.valueType] : [];
    return [];
  });
}

function objectKeys(s: z.ZodType): string[] {
  return unwrap(s).flatMap((u) => {
    const def = defOf(u);
    return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
  });
}
