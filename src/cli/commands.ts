import type { ParseArgsConfig } from "node:util";
import { type CliContext, UsageError } from "./cli-context.js";
import { aggregateCommand, aggregateHelp } from "./commands/aggregate-command.js";
import { appCommand, appHelp } from "./commands/app-command.js";
import { initCommand, initHelp } from "./commands/init-command.js";
import { initFromCommand } from "./commands/init-from-command.js";
import { nightlyCommand, nightlyHelp } from "./commands/nightly-command.js";
import { planCommand, planHelp } from "./commands/plan-command.js";
import { reportCommand, reportHelp } from "./commands/report-command.js";
import { gateArgs, reviewCommand, reviewHelp } from "./commands/review-command.js";
import { runCommand, runHelp } from "./commands/run-command.js";
import { runTaskCommand, runTaskHelp } from "./commands/run-task-command.js";
import { statusCommand, statusHelp } from "./commands/status-command.js";
import { validateCommand, validateHelp } from "./commands/validate-command.js";
import { verifyCommand, verifyHelp } from "./commands/verify-command.js";

type Values = Record<string, string | boolean | string[] | undefined>;

export interface CommandSpec {
  summary: string;
  help: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  run(ctx: CliContext, values: Values, positionals: string[]): Promise<number>;
}

/** What `plan` and `run` act on: the config, and which phase and stage of the campaign. */
const SELECTION_OPTIONS = {
  config: { type: "string" },
  phase: { type: "string" },
  stage: { type: "string" },
} as const satisfies CommandSpec["options"];

/** The command table: one entry per `labgate <name>`; each maps parsed flags to its typed args. */
export const COMMANDS: Record<string, CommandSpec> = {
  init: {
    summary: "write the workflows, a commented config and an example campaign into a repo",
    help: initHelp,
    options: {
      force: { type: "boolean" },
      "action-ref": { type: "string" },
      from: { type: "string" },
    },
    run: (ctx, v, pos) =>
      v.from !== undefined
        ? initFromCommand(ctx, { from: String(v.from), force: v.force === true })
        : initCommand(ctx, {
            dir: oneFile(pos),
            force: v.force === true,
            actionRef: str(v["action-ref"]),
          }),
  },
  validate: {
    summary: "check experiments/definitions.json and .github/labgate.yml",
    help: validateHelp,
    options: { config: { type: "string" } },
    run: (ctx, v, pos) => validateCommand(ctx, { file: oneFile(pos), config: str(v.config) }),
  },
  review: {
    summary: "run the review gates (the PR checks) here and print their verdicts",
    help: reviewHelp,
    options: {
      gate: { type: "string", multiple: true },
      json: { type: "boolean" },
      "no-dry-run": { type: "boolean" },
    },
    run: (ctx, v) =>
      reviewCommand(ctx, {
        gates: gateArgs(v.gate),
        json: v.json === true,
        dryRun: v["no-dry-run"] !== true,
      }),
  },
  plan: {
    summary: "expand runs, estimate GPU-hours, balance shards, print the dispatch table",
    help: planHelp,
    options: { ...SELECTION_OPTIONS, json: { type: "boolean" } },
    run: (ctx, v, pos) =>
      planCommand(ctx, { file: oneFile(pos), ...selectionArgs(v), json: v.json === true }),
  },
  run: {
    summary: "run the campaign here: pilot stages, then full; aggregate and commit the results",
    help: runHelp,
    options: {
      ...SELECTION_OPTIONS,
      parallel: { type: "string" },
      only: { type: "string" },
      "dry-run": { type: "boolean" },
      force: { type: "boolean" },
      sha: { type: "string" },
      shard: { type: "string" },
      "commit-empty": { type: "boolean" },
      "allow-dirty": { type: "boolean" },
    },
    run: (ctx, v) =>
      runCommand(ctx, {
        ...selectionArgs(v),
        parallel: intArg("--parallel", v.parallel, 1),
        only: str(v.only),
        dryRun: v["dry-run"] === true,
        force: v.force === true,
        sha: str(v.sha),
        shard: intArg("--shard", v.shard, 0),
        commitEmpty: v["commit-empty"] === true,
        allowDirty: v["allow-dirty"] === true,
      }),
  },
  "run-task": {
    summary:
      "the per-run step of one SLURM array task (the batch script labgate run submits calls it)",
    help: runTaskHelp,
    options: { manifest: { type: "string" }, index: { type: "string" } },
    run: (ctx, v) =>
      runTaskCommand(ctx, { manifest: str(v.manifest), index: intArg("--index", v.index, 0) }),
  },
  status: {
    summary: "table of runs by status from dispatch/state.json and the sidecars",
    help: statusHelp,
    options: { config: { type: "string" }, json: { type: "boolean" } },
    run: (ctx, v) => statusCommand(ctx, { config: str(v.config), json: v.json === true }),
  },
  aggregate: {
    summary: "merge sidecars into state.json, write experiments/results/, one results commit",
    help: aggregateHelp,
    options: {
      config: { type: "string" },
      "no-commit": { type: "boolean" },
      "commit-empty": { type: "boolean" },
      phase: { type: "string" },
      "run-url": { type: "string" },
    },
    run: (ctx, v) =>
      aggregateCommand(ctx, {
        config: str(v.config),
        commit: v["no-commit"] !== true,
        commitEmpty: v["commit-empty"] === true,
        phase: phaseArg(v.phase),
        runUrl: str(v["run-url"]),
      }),
  },
  report: {
    summary: "print the design table and the failed runs from the current results files",
    help: reportHelp,
    options: { config: { type: "string" } },
    run: (ctx, v) => reportCommand(ctx, { config: str(v.config) }),
  },
  verify: {
    summary: "check results provenance: row commits exist and are named, sha256 of result files",
    help: verifyHelp,
    options: { config: { type: "string" } },
    run: (ctx, v) => verifyCommand(ctx, { config: str(v.config) }),
  },
  app: {
    summary: "the GitHub App's handlers on this workflow's event (Actions mode)",
    help: appHelp,
    options: {},
    run: (ctx) => appCommand(ctx),
  },
  nightly: {
    summary: "compare two nights' results (`nightly compare <dir-a> <dir-b>`); list nightly runs",
    help: nightlyHelp,
    options: {
      config: { type: "string" },
      threshold: { type: "string" },
      "noise-k": { type: "string" },
      json: { type: "boolean" },
    },
    run: (ctx, v, pos) =>
      nightlyCommand(ctx, {
        sub: pos[0],
        dirs: pos.slice(1),
        config: str(v.config),
        threshold: numberArg("--threshold", v.threshold),
        noiseK: numberArg("--noise-k", v["noise-k"]),
        json: v.json === true,
      }),
  },
};

function selectionArgs(v: Values) {
  return { config: str(v.config), phase: phaseArg(v.phase), stage: stageArg(v.stage) };
}

export function intArg(flag: string, v: Values[string], min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${flag} must be an integer >= ${min}, got "${String(v)}"`);
  return n;
}

export function str(v: Values[string]): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function oneFile(pos: readonly string[]): string | undefined {
  if (pos.length > 1)
    throw new UsageError(`expected at most one file, got ${pos.length}: ${pos.join(" ")}`);
  return pos[0];
}

export function phaseArg(v: Values[string]): "pilot" | "full" | undefined {
  if (v === undefined) return undefined;
  if (v === "pilot" || v === "full") return v;
  throw new UsageError(`--phase must be "pilot" or "full", got "${String(v)}"`);
}

export function stageArg(v: Values[string]): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 3)
    throw new UsageError(`--stage must be 1, 2 or 3, got "${String(v)}"`);
  return n;
}

export function numberArg(flag: string, v: Values[string]): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0)
    throw new UsageError(`${flag} must be a number >= 0, got "${String(v)}"`);
  return n;
}
