import { type DebateContext, listIds } from "./debate-input.js";
import type { Finding } from "./debate-role.js";
import { locksFor } from "./lock-files.js";

/** Frameworks whose GPU kernels are nondeterministic unless asked, and how one asks. */
const FRAMEWORKS: [RegExp, string, RegExp][] = [
  [
    /^\s*(import|from)\s+(torch|lightning|pytorch_lightning)\b/m,
    "torch",
    /use_deterministic_algorithms|cudnn\.deterministic\s*=\s*True|deterministic\s*=\s*True|CUBLAS_WORKSPACE_CONFIG/,
  ],
  [/^\s*(import|from)\s+tensorflow\b/m, "tensorflow", /enable_op_determinism|TF_DETERMINISTIC_OPS/],
  [/^\s*(import|from)\s+jax\b/m, "jax", /xla_gpu_deterministic_ops|XLA_FLAGS/],
];

/**
 * Reproducibility Hawk (docs/gates.md).
 *
 * | finding | verdict |
 * | --- | --- |
 * | a full experiment lists the same seed twice | REJECT |
 * | a full experiment with fewer than `gates.min_seeds` seeds (default 3) | REVISE |
 * | a component that an `ours` method claims has no ablation method, or its ablation never runs in a full experiment | REVISE |
 * | deterministic flags: a full experiment's command does not pass `{seed}` | REVISE |
 * | deterministic flags: a script imports torch / tensorflow / jax and never turns on deterministic kernels | REVISE |
 * | no lock file for the language of the scripts (requirements.txt, poetry.lock, uv.lock, environment.yml, package-lock.json, ...) | REVISE |
 *
 * "Deterministic flags" is labgate's reading: the seed must reach the script, and a GPU framework
 * must be told to use deterministic kernels; a standard-library or numpy script needs only its seed.
 */
export function reproducibilityHawk(ctx: DebateContext): Finding[] {
  const out: Finding[] = [];
  const minSeeds = ctx.input.config.gates.min_seeds;
  for (const exp of ctx.full) {
    const distinct = new Set(exp.seeds);
    if (distinct.size !== exp.seeds.length)
      out.push(
        ctx.finding(
          "REJECT",
          `experiment ${exp.id} lists a seed twice (${exp.seeds.join(", ")}): the repeats are the same run`,
          ctx.field(exp, "seeds"),
        ),
      );
    if (distinct.size < minSeeds)
      out.push(
        ctx.finding(
          "REVISE",
          `experiment ${exp.id} has ${distinct.size} distinct seed(s); a full experiment needs at least ${minSeeds} (gates.min_seeds) for a mean and a spread`,
          ctx.field(exp, "seeds"),
        ),
      );
    if (!exp.command.includes("{seed}"))
      out.push(
        ctx.finding(
          "REVISE",
          `experiment ${exp.id}: the command never passes {seed}, so every seed runs the same way (or an unseeded one) — add --seed {seed}`,
          ctx.field(exp, "command"),
        ),
      );
  }

  const fullMethods = new Set(ctx.full.map((e) => e.method));
  for (const m of ctx.defs.methods) {
    if (m.group !== "ours") continue;
    for (const component of m.components ?? []) {
      const ablations = ctx.defs.methods.filter(
        (a) => a.group === "ablation" && a.ablates === component,
      );
      if (ablations.length === 0)
        out.push(
          ctx.finding(
            "REVISE",
            `method ${m.id} claims the component "${component}" and no ablation method removes it — add { "group": "ablation", "ablates": "${component}" } and run it`,
            [...ctx.methodAt(m.id), "components"],
          ),
        );
      else if (!ablations.some((a) => fullMethods.has(a.id)))
        out.push(
          ctx.finding(
            "REVISE",
            `the ablation of "${component}" (${ablations.map((a) => a.id).join(", ")}) runs in no full experiment`,
            ctx.methodAt(ablations[0]?.id ?? m.id),
          ),
        );
    }
  }

  for (const s of ctx.input.scripts) {
    // the whole import closure runs: the framework may be imported, and determinism turned on,
    // in modules the script imports
    const files = [s, ...(s.modules ?? [])].filter((f) => f.path.endsWith(".py"));
    if (files.length === 0) continue;
    for (const [uses, name, deterministic] of FRAMEWORKS) {
      const user = files.find((f) => uses.test(f.text));
      if (!user || files.some((f) => deterministic.test(f.text))) continue;
      const m = uses.exec(user.text) as RegExpExecArray;
      const line = user.text.slice(0, m.index + m[0].length).split("\n").length;
      const via = user.path === s.path ? "" : ` (imported by ${s.path})`;
      out.push({
        verdict: "REVISE",
        message: `${user.path}${via} (run by ${listIds(s.exp_ids)}) imports ${name} but never turns on deterministic kernels, so seeds do not make runs repeatable`,
        file: user.path,
        line,
      });
    }
  }

  const languages = new Map<string, string[]>();
  for (const s of ctx.input.scripts)
    languages.set(s.language, [...(languages.get(s.language) ?? []), ...s.exp_ids]);
  for (const [language, expIds] of [...languages].sort(([a], [b]) => a.localeCompare(b))) {
    if (locksFor(language as "python" | "node" | "shell", ctx.input.lockFiles).length > 0) continue;
    const first = ctx.experiments.find((e) => e.id === expIds[0]);
    if (!first) continue;
    out.push(
      ctx.finding(
        "REVISE",
        `no lock file pins the ${language} environment of ${listIds(expIds)} — commit one (${language === "node" ? "package-lock.json" : "requirements.txt with versions, uv.lock, poetry.lock or environment.yml"}) so a run can be repeated`,
        ctx.field(first, "command"),
      ),
    );
  }
  return out;
}
