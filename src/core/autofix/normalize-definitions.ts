import {
  Baseline,
  Dataset,
  Defaults,
  Definitions,
  EarlyStop,
  ExperimentInput,
  Hypothesis,
  Method,
} from "../definitions/definitions-schema.js";
import { type Failure, fail, failFrom } from "../failure/failure.js";
import { formatJson } from "./format-json.js";

export type NormalizeResult =
  | { ok: true; text: string; changed: boolean }
  | Failure<"not-json" | "not-object">;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

/** Key orders from the zod schema, so the normalized file reads in the order docs/definitions.md lists. */
const ORDER = {
  top: Object.keys(Definitions.shape),
  hypothesis: Object.keys(Hypothesis.shape),
  method: Object.keys(Method.shape),
  dataset: Object.keys(Dataset.shape),
  experiment: Object.keys(ExperimentInput.shape),
  defaults: Object.keys(Defaults.shape),
  baseline: Object.keys(Baseline.shape),
  early_stop: Object.keys(EarlyStop.shape),
  pass_criterion: ["metric", "min", "max", "beats_baseline"],
};

/**
 * The built-in fixer: rewrites definitions.json in one canonical form — keys in schema order
 * (unknown keys after, alphabetically), hypotheses, methods, datasets and experiments sorted by
 * id, two-space indentation, short scalar arrays on one line, a final newline. Values are never
 * changed, and `params` keeps its key order because run ids are built from it.
 * Pure: text in, text out; text that is not JSON is left alone with the parse error.
 */
export function normalizeDefinitions(text: string): NormalizeResult {
  let json: Json;
  try {
    json = JSON.parse(text) as Json;
  } catch (err) {
    return failFrom("not-json", err, "not valid JSON, left as is");
  }
  if (!isObj(json)) return fail("not-object", "the top level is not an object, left as is");
  const top = order(json, ORDER.top);
  for (const [key, itemOrder] of [
    ["hypotheses", ORDER.hypothesis],
    ["methods", ORDER.method],
    ["datasets", ORDER.dataset],
    ["experiments", ORDER.experiment],
  ] as const) {
    const list = top[key];
    if (Array.isArray(list))
      top[key] = sortById(list.map((x) => (isObj(x) ? experimentLike(x, itemOrder) : x)));
  }
  if (isObj(top.defaults)) top.defaults = experimentLike(top.defaults, ORDER.defaults);
  const out = formatJson(top);
  return { ok: true, text: out, changed: out !== text };
}

function experimentLike(o: Obj, keys: readonly string[]): Obj {
  const r = order(o, keys);
  if (isObj(r.baseline)) r.baseline = order(r.baseline, ORDER.baseline);
  if (isObj(r.early_stop)) r.early_stop = order(r.early_stop, ORDER.early_stop);
  if (isObj(r.pass_criterion)) r.pass_criterion = order(r.pass_criterion, ORDER.pass_criterion);
  return r;
}

function order(o: Obj, keys: readonly string[]): Obj {
  const out: Obj = {};
  for (const k of keys) if (Object.hasOwn(o, k)) out[k] = o[k] as Json;
  for (const k of Object.keys(o)
    .filter((k) => !keys.includes(k))
    .sort())
    out[k] = o[k] as Json;
  return out;
}

/** Stable sort by `id` (code-point order); items without a string id keep their place at the end. */
function sortById(list: Json[]): Json[] {
  const id = (x: Json) => (isObj(x) && typeof x.id === "string" ? x.id : undefined);
  return list
    .map((x, i) => ({ x, i, id: id(x) }))
    .sort((a, b) =>
      a.id === undefined || b.id === undefined
        ? Number(a.id === undefined) - Number(b.id === undefined) || a.i - b.i
        : a.id < b.id
          ? -1
          : a.id > b.id
            ? 1
            : a.i - b.i,
    )
    .map((e) => e.x);
}

const isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);
