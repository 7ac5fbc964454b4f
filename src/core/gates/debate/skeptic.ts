import { budgetCapNote, effectiveBudget } from "../../config/effective-budget.js";
import { estimateGpuHours } from "../../plan/estimate-gpu-hours.js";
import { countRuns } from "../../plan/expand-runs.js";
import { expectedJobHours } from "../../plan/expected-job-hours.js";
import { matchPool, VRAM_HEADROOM } from "../../plan/match-pool.js";
import { planDispatch } from "../../plan/plan-dispatch.js";
import type { DebateContext } from "./debate-input.js";
import type { Finding } from "./debate-role.js";

/**
 * Skeptic — feasibility (docs/gates.md).
 *
 * | finding | verdict |
 * | --- | --- |
 * | estimated GPU-hours exceed the budget (definitions or config) | REJECT |
 * | a run needs more GPU memory (x1.2 headroom) than the largest runner GPU | REJECT |
 * | an experiment's `runs_on` labels match no runner pool | REJECT |
 * | one run is expected to take longer than `dispatch.max_job_hours` (no runner job can hold it: the dispatch plan refuses it) | REJECT |
 * | one run is expected to take longer than `gates.debate.max_run_hours` | REVISE |
 * | the timeline, GPU-hours / GPUs of all pools, exceeds `gates.debate.max_timeline_days` | REVISE |
 * | the full phase planned on the pools, its waves one after another, exceeds `gates.debate.max_campaign_days` | REVISE |
 *
 * Durations are always declared once definitions.json validates (the schema requires
 * `expected_duration_hours` on every experiment or in `defaults`), so there is no finding for it.
 */
export function skeptic(ctx: DebateContext): Finding[] {
  const out: Finding[] = [];
  const { config } = ctx.input;
  const pools = config.runner_pools;
  const hours = estimateGpuHours(ctx.experiments);
  const cap = effectiveBudget(ctx.defs.budget?.gpu_hours, config.budget.gpu_hours);
  const budget = cap?.gpuHours;
  const byCost = [...ctx.experiments].sort(
    (a, b) => countRuns(b) * b.expected_duration_hours - countRuns(a) * a.expected_duration_hours,
  );
  const biggest = byCost
    .slice(0, 3)
    .map((e) => `${e.id} (${fmt(countRuns(e) * e.expected_duration_hours)} h)`);
  if (budget !== undefined && hours > budget && byCost[0])
    out.push(
      ctx.finding(
        "REJECT",
        `estimated ${fmt(hours)} GPU-hours exceed the budget of ${fmt(budget)}${budgetCapNote(ctx.defs.budget?.gpu_hours, config.budget.gpu_hours, fmt)}; the largest experiments are ${biggest.join(", ")} — cut seeds or grid values, or raise the budget with your PI`,
        cap?.fromDefinitions ? ["budget", "gpu_hours"] : ctx.at(byCost[0]),
      ),
    );

  const gpuPools = pools.filter((p) => p.gpus_per_machine > 0);
  const largest = Math.max(0, ...gpuPools.map((p) => p.gpu_memory_mb));
  for (const exp of ctx.experiments) {
    if (matchPool(exp, pools) >= 0) continue;
    const need = Math.ceil(exp.vram_mb * VRAM_HEADROOM);
    if (exp.vram_mb > 0 && need > largest)
      out.push(
        ctx.finding(
          "REJECT",
          `experiment ${exp.id} needs ${exp.vram_mb} MB of GPU memory (${need} MB with the 1.2 headroom), more than the largest runner GPU (${largest} MB in runner_pools) — lower the batch size or add a pool with larger GPUs`,
          ctx.field(exp, "vram_mb"),
        ),
      );
    else
      out.push(
        ctx.finding(
          "REJECT",
          `experiment ${exp.id} asks for runners labelled [${exp.runs_on.join(", ")}], and no runner pool with room for it has all of them (pools: ${pools.map((p) => `${p.name} [${p.labels.join(", ")}]`).join("; ")})`,
          ctx.field(exp, "runs_on"),
        ),
      );
  }

  out.push(...overJobHours(ctx));

  const maxRun = config.gates.debate.max_run_hours;
  for (const exp of ctx.experiments)
    if (exp.expected_duration_hours > maxRun)
      out.push(
        ctx.finding(
          "REVISE",
          `experiment ${exp.id} expects ${fmt(exp.expected_duration_hours)} h per run, over gates.debate.max_run_hours (${maxRun} h); a crash loses days — checkpoint and split it, or confirm the estimate with a pilot`,
          ctx.field(exp, "expected_duration_hours"),
        ),
      );

  const gpus = pools.reduce((n, p) => n + p.machines * Math.max(p.gpus_per_machine, 0), 0);
  const maxDays = config.gates.debate.max_timeline_days;
  if (gpus > 0 && byCost[0] && hours / gpus / 24 > maxDays)
    out.push(
      ctx.finding(
        "REVISE",
        `${fmt(hours)} GPU-hours on ${gpus} GPU(s) take at least ${fmt(hours / gpus / 24)} days, over gates.debate.max_timeline_days (${maxDays}); the largest experiments are ${biggest.join(", ")}`,
        ctx.at(byCost[0]),
      ),
    );
  const campaign = campaignTimeline(ctx);
  if (campaign) out.push(campaign);
  return out;
}

/**
 * The check `labgate plan` and the dispatch make (`planDispatch`): one run alone on a machine of
 * its pool must end within `dispatch.max_job_hours`, or no runner job can hold it and the phase
 * never dispatches. Caught here, so a PR does not go green and approved and then fail to plan.
 */
function overJobHours(ctx: DebateContext): Finding[] {
  const { config } = ctx.input;
  const pools = config.runner_pools;
  const limit = config.dispatch.max_job_hours;
  const out: Finding[] = [];
  for (const exp of ctx.experiments) {
    const pool = pools[matchPool(exp, pools)];
    if (!pool) continue; // no pool: its own REJECT above
    const run = {
      run_id: exp.id,
      phase: exp.phase,
      stage: exp.phase === "pilot" ? (exp.stage ?? 1) : null,
      vram_mb: exp.vram_mb,
      expected_duration_hours: exp.expected_duration_hours,
    };
    const alone = expectedJobHours([run], pool);
    if (alone <= limit) continue;
    out.push(
      ctx.finding(
        "REJECT",
        `one run of ${exp.id} is expected to take ${fmt(alone)} h, over dispatch.max_job_hours (${fmt(limit)} h): no runner job can hold it, so the dispatch plan would refuse the phase — split the run (fewer steps per run, resuming from its checkpoint), or raise dispatch.max_job_hours in .github/labgate.yml (at most 100; docs/github-limits.md)`,
        ctx.field(exp, "expected_duration_hours"),
      ),
    );
  }
  return out;
}

/** The plan's checkpoint folder: nothing runs from this plan, only its waves are counted. */
const NO_TMP = "/tmp";

/**
 * The full phase as the dispatch will run it (`planDispatch` on the config's runner pools): waves
 * of jobs of at most `dispatch.max_job_hours`, one after another, so the campaign takes the sum
 * of its waves' hours. A plan that fails (no pool, a run too long for one job) is left to the
 * findings above and to the plan itself.
 */
function campaignTimeline(ctx: DebateContext): Finding | undefined {
  const { config } = ctx.input;
  const full = ctx.full;
  const planned = planDispatch({
    experiments: full,
    config,
    filter: { phase: "full" },
    tmpDir: NO_TMP,
  });
  if (!planned.ok) return undefined;
  const { waves, max_job_hours } = planned.plan;
  const hours = waves.reduce((h, w) => h + w.hours, 0);
  const maxDays = config.gates.debate.max_campaign_days;
  const biggest = [...full].sort(
    (a, b) => countRuns(b) * b.expected_duration_hours - countRuns(a) * a.expected_duration_hours,
  )[0];
  if (hours / 24 <= maxDays || !biggest) return undefined;
  const pools = config.runner_pools
    .map((p) => `${p.name}: ${p.machines} machine(s) x ${p.gpus_per_machine} GPU(s)`)
    .join("; ");
  return ctx.finding(
    "REVISE",
    `the full phase is expected to take ${fmt(hours / 24)} days on the configured runner pools (${pools}): ${waves.length} wave(s) one after another, each at most dispatch.max_job_hours (${max_job_hours} h), ${fmt(hours)} h in all — over gates.debate.max_campaign_days (${maxDays}); add machines to runner_pools, cut seeds or grid values (the largest experiment is ${biggest.id}), or raise gates.debate.max_campaign_days with your PI`,
    ctx.at(biggest),
  );
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
