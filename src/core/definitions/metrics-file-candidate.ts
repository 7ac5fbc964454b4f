/**
 * A metrics file a script's dry-run wrote under its `{checkpoint_dir}`, as `labgate init --from`
 * proposes it for `metrics_from: { file, format, key }` (docs/definitions.md, "Existing scripts").
 */
export interface MetricsFileCandidate {
  /** Relative to the dry-run's `{checkpoint_dir}`, "/"-separated. */
  file: string;
  format: "json" | "jsonl" | "csv";
  /** json/jsonl: the dot path of the object holding the metrics; absent: the top level. */
  key?: string;
  /** The numeric fields found there, in file order (names starting with `_` left out, as capture does). */
  metrics: string[];
}

/** Counters and bookkeeping, not results. */
const NOT_A_METRIC = /^(epoch|epochs|step|steps|global_step|iter|iteration|batch|seed|lr|time)$/i;
/** Objects whose name says they hold evaluation results come first. */
const EVAL_KEY = /^(val|valid|validation|eval|evaluation|test|metrics|summary|results?)$/i;
const MAX_DEPTH = 3;

/**
 * The metrics file `text` at `file` would give, or undefined when it holds no numeric field.
 * JSON: the object (top level, or nested at most three levels deep) with the most numeric fields,
 * an object named like `val`/`eval`/`metrics` first on a tie; JSONL: the last line's object;
 * CSV: the header's columns whose last row is numeric.
 */
export function metricsFileCandidate(file: string, text: string): MetricsFileCandidate | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith(".json")) {
    const value = parseJson(text);
    const best = bestObject(value);
    return best ? { file, format: "json", ...best } : undefined;
  }
  if (lower.endsWith(".jsonl")) {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
    const last = lines.length > 0 ? parseJson(lines[lines.length - 1] as string) : undefined;
    const best = bestObject(last);
    return best ? { file, format: "jsonl", ...best } : undefined;
  }
  if (lower.endsWith(".csv")) {
    const rows = text.split(/\r?\n/).filter((l) => l.trim() !== "");
    if (rows.length < 2) return undefined;
    const header = (rows[0] as string).split(",").map((h) => h.trim());
    const last = (rows[rows.length - 1] as string).split(",");
    const metrics = header.filter(
      (h, i) => isMetricName(h) && last[i] !== undefined && Number.isFinite(Number(last[i])),
    );
    return metrics.length > 0 ? { file, format: "csv", metrics } : undefined;
  }
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isMetricName(name: string): boolean {
  return name !== "" && !name.startsWith("_") && !NOT_A_METRIC.test(name);
}

function numericFields(obj: Record<string, unknown>): string[] {
  return Object.entries(obj)
    .filter(([k, v]) => isMetricName(k) && typeof v === "number" && Number.isFinite(v))
    .map(([k]) => k);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function bestObject(root: unknown): { key?: string; metrics: string[] } | undefined {
  let best: { path: string[]; metrics: string[]; evalNamed: boolean } | undefined;
  const visit = (obj: Record<string, unknown>, path: string[]) => {
    const metrics = numericFields(obj);
    const evalNamed = path.length > 0 && EVAL_KEY.test(path[path.length - 1] as string);
    if (
      metrics.length > 0 &&
      (!best ||
        (evalNamed && !best.evalNamed) ||
        (evalNamed === best.evalNamed && metrics.length > best.metrics.length))
    )
      best = { path, metrics, evalNamed };
    if (path.length >= MAX_DEPTH) return;
    for (const [k, v] of Object.entries(obj))
      if (isObject(v) && /^[A-Za-z0-9_-]+$/.test(k)) visit(v, [...path, k]);
  };
  if (isObject(root)) visit(root, []);
  if (!best) return undefined;
  return best.path.length > 0
    ? { key: best.path.join("."), metrics: best.metrics }
    : { metrics: best.metrics };
}
