import { callSpan, matchesIn } from "../gates/code-review/declared-flags.js";
import { scanSource } from "../gates/code-review/scan-source.js";
import { guessDirection } from "../results/metric-direction.js";
import type { MetricsFileCandidate } from "./metrics-file-candidate.js";

/**
 * `labgate init --from <script>` (docs/definitions.md, "Existing scripts"): a definitions file for
 * a script as it is, from its argparse/click/typer options and the metric lines its dry-run
 * printed. Pure: the script's text and output in, a definitions object and notes out. The user
 * reviews what it wrote; it validates, passes the code-review check and runs as written.
 */

/** One option as the script declares it. */
export interface ScriptOption {
  /** Every spelling, e.g. ["-m", "--model"]. */
  names: string[];
  default?: string;
  choices: string[];
  help?: string;
  /** The default is a string literal (not a name or an expression). */
  quotedDefault: boolean;
  /** `action="store_true"` and friends: a switch, no value. */
  isSwitch: boolean;
}

/** The options of a Python script's argparse `add_argument` and click/typer `option` calls. */
export function scriptOptions(text: string): ScriptOption[] {
  const src = scanSource(text, "python");
  const out: ScriptOption[] = [];
  for (const m of matchesIn(src, /(\.add_argument|\bclick\.option|\btyper\.Option)\s*\(/g)) {
    const open = m.index + m[0].length - 1;
    const span = callSpan(src, open);
    const lits = src.literals.filter((l) => l.offset >= span.from && l.end <= span.to);
    const call = src.text.slice(span.from, span.to);
    const names = lits
      .filter((l) => l.value.startsWith("-") && /^[-\w/]+$/.test(l.value))
      .flatMap((l) => l.value.split("/"))
      .map((n) => n.trim())
      .filter((n) => n.startsWith("-"));
    if (names.length === 0) continue;
    const kw = (name: string) => new RegExp(`\\b${name}\\s*=\\s*`).exec(call);
    const defaultAt = kw("default");
    let def: string | undefined;
    if (defaultAt) {
      const rest = call.slice(defaultAt.index + defaultAt[0].length);
      const quoted = /^(?:[rRbBuUfF]{0,2})(["'])(.*?)\1/.exec(rest);
      def = quoted ? quoted[2] : /^[^,)\s]+/.exec(rest)?.[0];
    }
    let choices: string[] = [];
    const choicesAt = kw("choices");
    // argparse's choices=[...], click's type=click.Choice([...])
    const list = choicesAt
      ? /^[[(]([^\])]*)[\])]/.exec(call.slice(choicesAt.index + choicesAt[0].length))?.[1]
      : /\bChoice\s*\(\s*[[(]([^\])]*)[\])]/.exec(call)?.[1];
    // choices=MODELS, with `MODELS = ["mlp", "cnn"]` at the module's top level
    const named = choicesAt
      ? /^([A-Za-z_]\w*)\s*[,)]/.exec(call.slice(choicesAt.index + choicesAt[0].length))?.[1]
      : undefined;
    const assigned = named
      ? new RegExp(`^${named}\\s*=\\s*[[(]([^\\])]*)[\\])]`, "m").exec(text)?.[1]
      : undefined;
    const values = list ?? assigned;
    if (values) choices = [...values.matchAll(/["']([^"']+)["']/g)].map((x) => x[1] as string);
    const helpAt = kw("help");
    const help = helpAt
      ? /^(["'])(.*?)\1/.exec(call.slice(helpAt.index + helpAt[0].length))?.[2]
      : undefined;
    // the help text lists the values: "type of network (RNN_TANH, RNN_RELU, LSTM, GRU, Transformer)"
    if (choices.length === 0 && help) {
      const listed = /\(([\w.-]+(?:\s*,\s*[\w.-]+)+)\)/.exec(help)?.[1];
      if (listed) choices = listed.split(",").map((s) => s.trim());
    }
    const isSwitch = /\baction\s*=\s*["']store_(true|false)["']|\bis_flag\s*=\s*True/.test(call);
    const quotedDefault = defaultAt
      ? /^(?:[rRbBuUfF]{0,2})["']/.test(call.slice(defaultAt.index + defaultAt[0].length))
      : false;
    out.push({ names, default: def, quotedDefault, choices, help, isSwitch });
  }
  return out;
}

/** One metric a script printed, and the regex that finds it in its output. */
export interface PrintedMetric {
  name: string;
  regex: string;
  /** The value the dry-run printed last. */
  value: number;
}

const NUMBER = "[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?";
/** Counters and timings, not results. */
const NOT_A_METRIC =
  /\b(epoch|epochs|batch|batches|step|steps|iter|iteration|time|lr|ms|seed|eta)\b/i;

/**
 * The metrics a run's output shows: `| valid ppl   135.64 |` segments (pytorch/examples style),
 * `name=value` and `name: value` pairs. Each becomes a snake_case metric with a regex that finds
 * that label followed by its number; the last value printed is kept.
 */
export function printedMetrics(output: string): PrintedMetric[] {
  const found = new Map<string, PrintedMetric>();
  const add = (label: string, value: string, regex: string) => {
    const clean = label.trim().replace(/\s+/g, " ");
    if (clean === "" || clean.length > 40 || NOT_A_METRIC.test(clean)) return;
    const name = clean
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_|_$/g, "");
    if (!/^[a-z]/.test(name)) return;
    const v = Number(value);
    if (!Number.isFinite(v)) return;
    found.delete(name);
    found.set(name, { name, regex, value: v });
  };
  const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ /g, "\\s+");
  for (const line of output.split(/\r?\n/)) {
    if (line.includes("|")) {
      for (const seg of line.split("|")) {
        const m = new RegExp(`^\\s*([A-Za-z][A-Za-z _-]*?)\\s*[:=]?\\s+(${NUMBER})\\s*$`).exec(seg);
        if (m)
          add(
            m[1] as string,
            m[2] as string,
            `(?:^|\\|)\\s*${literal((m[1] as string).trim())}\\s*[:=]?\\s+(${NUMBER})`,
          );
      }
      continue;
    }
    for (const m of line.matchAll(
      new RegExp(`(?:^|[\\s,;])([A-Za-z][\\w./-]*)\\s*[=:]\\s*(${NUMBER})(?=$|[\\s,;%)])`, "g"),
    ))
      add(
        m[1] as string,
        m[2] as string,
        `(?:^|[\\s,;])${literal(m[1] as string)}\\s*[=:]\\s*(${NUMBER})`,
      );
  }
  return [...found.values()];
}

export interface FromScriptInput {
  /** Repo-relative path of the script. */
  script: string;
  text: string;
  /** What its dry-run printed (empty when it could not run). */
  output: string;
  /** The project slug (the repository folder's name, made a slug). */
  project: string;
  /**
   * The script's module name when it lies in a package whose top folder is at the repository root
   * (`pkg/train.py` beside `pkg/__init__.py` gives `pkg.train`): it runs as `python3 -m pkg.train`,
   * so its own `from pkg.x import y` resolve as they do for its authors.
   */
  module?: string | undefined;
  /** A metrics file its dry-run wrote under `{checkpoint_dir}`: used when it printed no metric. */
  metricsFile?: MetricsFileCandidate | undefined;
}

export interface FromScriptResult {
  definitions: Record<string, unknown>;
  /** What was seen and chosen, one line each, for the user to review. */
  notes: string[];
}

const SEED = /^--(random[-_])?seed$/;
const CKPT_DIR = /^--(checkpoint|ckpt|output|out|save|model|log)[-_]?dir$/;
const SAVE_FILE = /^--(save|save[-_]path|output|out|checkpoint|ckpt|model[-_]path)$/;
const RESUME = /^--(resume|resume[-_]from|load|load[-_]checkpoint|restore)$/;
const DRY_RUN = /^--(dry[-_]run|smoke[-_]test|fast[-_]dev[-_]run|quick[-_]test)$/;
const METHOD = /^--(model|method|arch|architecture|algo|algorithm|variant)$/;
const DATA = /^--(data|data[-_]dir|dataset|data[-_]path|dataroot)$/;

/**
 * The definitions for `script`: one experiment per value of its method-like option (`--model
 * LSTM|GRU` gives methods LSTM and GRU), `metrics_from.stdout` with a regex per printed metric,
 * `script_flags` mapping the contract onto its own flags, its output path flag given
 * `{checkpoint_dir}` so nothing lands in the working tree.
 */
export function definitionsFromScript(input: FromScriptInput): FromScriptResult {
  const options = scriptOptions(input.text);
  const notes: string[] = [];
  const find = (re: RegExp) => options.find((o) => o.names.some((n) => re.test(n)));
  const long = (o: ScriptOption) =>
    o.names.find((n) => n.startsWith("--")) ?? (o.names[0] as string);

  const args: string[] = input.module ? ["python3", "-m", input.module] : ["python3", input.script];
  if (input.module)
    notes.push(`${input.script} lies in a package: it runs as python3 -m ${input.module}`);
  const scriptFlags: Record<string, string | null> = {};

  const method = find(METHOD);
  let methods: string[] = ["default"];
  if (method && method.choices.length > 0) {
    const preferred =
      method.default && method.choices.includes(method.default) ? method.default : undefined;
    methods = preferred
      ? [preferred, ...method.choices.filter((c) => c !== preferred)]
      : method.choices;
    args.push(long(method), "{method}");
    notes.push(
      `${long(method)} ${method.choices.join("|")}: one method each (${methods[0]} the baseline)`,
    );
  } else if (method?.default && /^[\w.-]+$/.test(method.default) && method.quotedDefault) {
    methods = [method.default];
    args.push(long(method), "{method}");
    notes.push(
      `${long(method)} lists no choices: one method, its default ${method.default}; add the others to methods`,
    );
  } else if (method) notes.push(`${long(method)} lists no choices: one method, its default`);

  const data = find(DATA);
  if (data?.default)
    notes.push(
      `${long(data)} defaults to ${data.default}: pass your dataset folder (an absolute path outside the checkout is data, not code)`,
    );

  const seed = find(SEED);
  if (seed) {
    args.push(long(seed), "{seed}");
    if (long(seed) !== "--seed") scriptFlags.seed = `${long(seed)} {seed}`;
  } else {
    scriptFlags.seed = null;
    notes.push("no seed option: every seed runs the same command");
  }

  const dir = find(CKPT_DIR);
  const file = dir ? undefined : find(SAVE_FILE);
  if (dir) {
    args.push(long(dir), "{checkpoint_dir}");
    if (long(dir) !== "--checkpoint-dir")
      scriptFlags.checkpoint_dir = `${long(dir)} {checkpoint_dir}`;
  } else if (file) {
    const base = (file.default ?? "model.pt").split("/").pop() || "model.pt";
    args.push(long(file), `{checkpoint_dir}/${base}`);
    scriptFlags.checkpoint_dir = `${long(file)} {checkpoint_dir}/${base}`;
    notes.push(
      `${long(file)} (default ${file.default ?? "none"}) now writes into {checkpoint_dir}, not the working tree`,
    );
  } else {
    scriptFlags.checkpoint_dir = null;
    notes.push("no output path option: check the script writes nothing into the working tree");
  }

  const resume = find(RESUME);
  if (resume && long(resume) !== "--resume")
    scriptFlags.resume = resume.isSwitch ? long(resume) : `${long(resume)} {checkpoint_dir}`;
  else if (!resume) {
    scriptFlags.resume = null;
    notes.push("no resume option: a retry starts over");
  }

  const dry = find(DRY_RUN);
  if (dry && long(dry) !== "--dry-run") scriptFlags.dry_run = long(dry);
  else if (!dry) {
    scriptFlags.dry_run = null;
    notes.push("no dry-run option: the code-review check cannot try the command first");
  }

  const printed = printedMetrics(input.output);
  const fromFile = printed.length === 0 ? input.metricsFile : undefined;
  if (fromFile)
    printed.push(...fromFile.metrics.map((name) => ({ name, regex: "", value: Number.NaN })));
  const primary =
    printed.find((p) => /^val/.test(p.name) && !/loss/.test(p.name)) ??
    printed.find((p) => /^val/.test(p.name)) ??
    printed.find((p) => /^test/.test(p.name)) ??
    printed[0];
  if (fromFile)
    notes.push(
      `the dry-run printed no metric but wrote {checkpoint_dir}/${fromFile.file}: metrics_from reads ${fromFile.metrics.join(", ")}${fromFile.key ? ` at key ${fromFile.key}` : ""} from it (${primary?.name} the primary one)`,
    );
  else if (printed.length > 0)
    notes.push(
      `metrics seen in the dry-run: ${printed.map((p) => p.name).join(", ")} (${primary?.name} the primary one)`,
    );
  else
    notes.push(
      scriptFlags.dry_run === null
        ? 'no dry-run ran, so no metric was seen: fill in metrics_from.stdout ("<metric>": "<regex with one group>")'
        : 'the dry-run printed no metric: fill in metrics_from.stdout ("<metric>": "<regex with one group>")',
    );
  const metric = primary?.name ?? "metric";
  const direction = guessDirection(metric);

  const hypothesisIds = methods.length > 1 ? methods.slice(1).map((_, i) => `H${i + 1}`) : ["H1"];
  const experimentId = (m: string) =>
    m
      .toLowerCase()
      .replace(/[^a-z0-9.-]+/g, "-")
      .replace(/^-+|-+$/g, "") || "run";
  const definitions: Record<string, unknown> = {
    version: 1,
    project: input.project,
    title: `${input.script}, as it is`,
    // One claim per method against the baseline, each named by that method's experiment only:
    // a verdict then answers one comparison (the baseline's experiment names them all).
    hypotheses: hypothesisIds.map((id, i) => ({
      id,
      claim:
        methods.length > 1
          ? `${methods[i + 1]} beats ${methods[0]} on ${metric}`
          : `the script reaches a good ${metric}`,
      metric,
      direction,
    })),
    metrics: Object.fromEntries(
      (printed.length > 0 ? printed : [{ name: metric }]).map((p) => [
        p.name,
        { direction: guessDirection(p.name) },
      ]),
    ),
    methods: methods.map((m, i) => ({ id: m, label: m, group: i === 0 ? "baseline" : "ours" })),
    datasets: [{ id: "data", label: data?.default ?? "dataset", metric }],
    defaults: {
      phase: "full",
      dataset: "data",
      hypotheses: hypothesisIds,
      seeds: [1, 2, 3],
      expected_duration_hours: 1,
      vram_mb: 0,
      command: args.join(" "),
      metrics_from: fromFile
        ? {
            file: `{checkpoint_dir}/${fromFile.file}`,
            format: fromFile.format,
            ...(fromFile.key ? { key: fromFile.key } : {}),
          }
        : {
            stdout: Object.fromEntries(
              (printed.length > 0
                ? printed
                : [{ name: metric, regex: `${metric}\\s*[=:]?\\s*(${NUMBER})` }]
              ).map((p) => [p.name, p.regex]),
            ),
          },
      script_flags: scriptFlags,
    },
    // Every other method is compared with the first (the baseline): Δ, its CI and the verdicts.
    experiments: methods.map((m, i) =>
      i === 0 || methods.length < 2
        ? { id: experimentId(m), method: m }
        : {
            id: experimentId(m),
            method: m,
            baseline: { method: methods[0] },
            hypotheses: [hypothesisIds[i - 1]],
          },
    ),
  };
  return { definitions, notes };
}
