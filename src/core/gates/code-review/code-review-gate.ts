import type { ScriptFlags } from "../../definitions/definitions-schema.js";
import { splitCommand } from "../../definitions/split-command.js";
import type { Verdict, VerdictReason, VerdictTable } from "../verdict.js";
import { checkContractFlags, type FlagCheck } from "./check-script-flags.js";
import { type DryRunOutcome, dryRunFailure } from "./dry-run.js";
import { findHardcodedPaths, type PathFinding } from "./find-hardcoded-paths.js";
import { findSecrets, type SecretFinding } from "./find-secrets.js";
import { flagHint, languageOf } from "./flag-hint.js";
import { importClosure, languageOfPath } from "./import-graph.js";
import { resolveScript, type ScriptLanguage } from "./resolve-script.js";
import { scanSource } from "./scan-source.js";
import { forwardedScript } from "./shell-forward.js";

/** One experiment's command and where it is written in definitions.json. */
export interface CommandUse {
  exp_id: string;
  command: string;
  file: string;
  line: number;
  column: number;
  /** How the experiment's script spells the contract (`script_flags`), when it says. */
  scriptFlags?: ScriptFlags;
}

export interface CodeReviewInput {
  commands: readonly CommandUse[];
  /** The repo's files that the commands may run, by repo-relative path (absent: not in the repo). */
  files: ReadonlyMap<string, string>;
  requiredFlags: readonly string[];
  /** Outcomes of the dry-runs, or "pending" when a CPU workflow runs them later. */
  dryRuns: readonly DryRunOutcome[] | "pending";
  dryRunTimeoutSeconds: number;
  /** Dry-runs not attempted because a static blocking item already rules them out. */
  dryRunSkipped?: readonly DryRunSkip[];
  /** Files the dry-runs created or changed in the checkout (`git status`, before vs after). */
  dryRunWrites?: readonly string[];
}

export interface DryRunSkip {
  exp_ids: string[];
  why: string;
}

export interface ScriptReport {
  path: string;
  language: ScriptLanguage;
  experiments: string[];
  parsers: string[];
  flags: FlagCheck[];
  /** Findings in the script and in the repository modules it imports; `file` holds the evidence. */
  hardcodedPaths: (PathFinding & { file: string })[];
  secrets: (SecretFinding & { file: string })[];
  /** The repository files the script imports (transitively) or, for a wrapper, runs. */
  modules: string[];
}

export interface CodeReviewDetails {
  scripts: ScriptReport[];
  /** Experiments whose command runs a script that is not in the repository. */
  missingScripts: string[];
  dryRuns: readonly DryRunOutcome[] | "pending";
}

/** The paths `reviewGates` should read for these commands: every candidate of every script. */
export function scriptCandidates(commands: readonly CommandUse[]): string[] {
  const out = new Set<string>();
  for (const c of commands) {
    const split = splitCommand(c.command);
    if (!split.ok) continue;
    const target = resolveScript(split.argv);
    if (target.ok) for (const p of target.candidates) out.add(p);
  }
  return [...out].sort();
}

/**
 * `labgate/code-review` (docs/gates.md): for every script a command runs, the required flags are
 * accepted, no checkpoint or result path is hard-coded, no secret is committed; then every
 * distinct command's `--dry-run` passed. CODE_APPROVED or CODE_REVISE with the blocking items;
 * DRY_RUN_PENDING (neutral) when the static checks pass and the dry-runs have not run yet.
 */
export function codeReviewGate(input: CodeReviewInput): Verdict {
  const reasons: VerdictReason[] = [];
  const scripts = new Map<string, ScriptReport>();
  const missingScripts: string[] = [];
  const at = (c: CommandUse) => ({ file: c.file, line: c.line, column: c.column });

  for (const c of input.commands) {
    const split = splitCommand(c.command);
    if (!split.ok) continue; // the definitions gate reports it
    const target = resolveScript(split.argv);
    if (!target.ok) {
      reasons.push({
        severity: "warning",
        ...at(c),
        message: `experiment ${c.exp_id}: could not determine which script runs: ${target.reason}`,
      });
      continue;
    }
    const path = target.candidates.find((p) => input.files.has(p));
    if (path === undefined) {
      missingScripts.push(c.exp_id);
      reasons.push({
        severity: "blocking",
        ...at(c),
        message: `experiment ${c.exp_id} runs ${target.display}, which is not in the repository (looked for ${target.candidates.join(", ")}) — commit the script or fix the path in the command`,
      });
      continue;
    }
    // experiments that map the contract differently onto one script are checked apart
    const key = c.scriptFlags ? `${path}\0${JSON.stringify(c.scriptFlags)}` : path;
    const seen = scripts.get(key);
    if (seen) {
      seen.experiments.push(c.exp_id);
      continue;
    }
    const text = input.files.get(path) as string;
    const src = scanSource(text, target.language);
    let { parsers, checks } = checkContractFlags(
      src,
      target.language,
      input.requiredFlags,
      c.scriptFlags,
    );
    const next = target.language === "shell" ? forwardedScript(text) : undefined;
    const nextPath = next?.ok ? next.candidates.find((p) => input.files.has(p)) : undefined;
    let parsed = parsers.length > 0;
    if (next?.ok && nextPath) {
      // the wrapper accepts what it handles itself plus what the script it runs accepts
      const inner = checkContractFlags(
        scanSource(input.files.get(nextPath) as string, next.language),
        next.language,
        input.requiredFlags,
        c.scriptFlags,
      );
      parsers = [`"$@" → ${nextPath}`, ...inner.parsers];
      parsed = inner.parsers.length > 0;
      checks = checks.map((c, i) => {
        const f = inner.checks[i] as FlagCheck;
        return c.state === "accepted" || c.state === "unsupported" ? c : { ...f, file: nextPath };
      });
    }
    const modules = importClosure(path, input.files).slice(1);
    if (!parsed) {
      // arguments parsed in a module the script imports (`from config import parse_args`)
      for (const m of modules) {
        const mLanguage = languageOfPath(m);
        if (!mLanguage || mLanguage === "shell" || m === nextPath) continue;
        const inner = checkContractFlags(
          scanSource(input.files.get(m) as string, mLanguage),
          mLanguage,
          input.requiredFlags,
          c.scriptFlags,
        );
        if (inner.parsers.length === 0) continue;
        parsers = [...parsers, `${m}: ${inner.parsers.join(", ")}`];
        checks = checks.map((own, i) => {
          const f = inner.checks[i] as FlagCheck;
          return own.state === "accepted" || own.state === "unsupported" ? own : { ...f, file: m };
        });
        break;
      }
    }
    const hardcodedPaths = findHardcodedPaths(src).map((p) => ({ ...p, file: path }));
    const secrets = findSecrets(text).map((x) => ({ ...x, file: path }));
    for (const m of modules) {
      const mText = input.files.get(m) as string;
      const mLanguage = languageOfPath(m);
      if (mLanguage)
        hardcodedPaths.push(
          ...findHardcodedPaths(scanSource(mText, mLanguage)).map((p) => ({ ...p, file: m })),
        );
      secrets.push(...findSecrets(mText).map((x) => ({ ...x, file: m })));
    }
    scripts.set(key, {
      path,
      language: target.language,
      experiments: [c.exp_id],
      parsers,
      flags: checks,
      hardcodedPaths,
      secrets,
      modules,
    });
  }

  const ordered = [...scripts.values()].sort((a, b) => a.path.localeCompare(b.path));
  for (const s of ordered) {
    const usedBy = `used by ${plural(s.experiments.length, "experiment")}: ${short(s.experiments)}`;
    for (const f of s.flags) {
      if (f.state === "accepted") continue;
      if (f.state === "unsupported") {
        reasons.push({
          severity: "warning",
          file: s.path,
          line: 1,
          message: `${s.path} has no ${f.flag} (${usedBy}): ${f.detail} — add it to the script and to script_flags to get it back`,
        });
        continue;
      }
      const flag = f.spelled ?? f.flag;
      reasons.push({
        severity: f.state === "missing" ? "blocking" : "warning",
        file: f.file ?? s.path,
        line: f.line ?? 1,
        message:
          f.state === "missing"
            ? `${s.path} does not accept ${flag}: ${f.file ? `${f.file}: ` : ""}${f.detail} (${usedBy}) — ${flagHint(f.file ? languageOf(f.file) : s.language, s.parsers, flag)}`
            : `${s.path}, ${flag}: ${f.file ? `${f.file}: ` : ""}${f.detail}`,
      });
    }
    const via = (file: string) => (file === s.path ? "" : ` (imported by ${s.path})`);
    for (const p of s.hardcodedPaths)
      reasons.push({
        severity: p.isOptionDefault ? "warning" : "blocking",
        file: p.file,
        line: p.line,
        message: p.isOptionDefault
          ? `"${p.path}" is a hard-coded default${via(p.file)}; fine while every command passes the flag explicitly`
          : p.kind === "write"
            ? `writes "${p.path}" at a fixed path relative to the working directory, the checkout${via(p.file)} — every run overwrites it and it lands in the working tree; write it under {checkpoint_dir} (pass the path to the script, or map the script's own flag in script_flags)`
            : p.kind === "download"
              ? `downloads data into "${p.path}", a fixed path relative to the checkout${via(p.file)} — take the data folder from a flag (e.g. --data /datasets/mnist) so runs share one copy outside the checkout`
              : `hard-coded checkpoint/result path "${p.path}"${via(p.file)} — write under the --checkpoint-dir and --result-file the command passes, so runs do not overwrite each other`,
      });
    for (const x of s.secrets)
      reasons.push({
        severity: "blocking",
        file: x.file,
        line: x.line,
        message: `looks like a ${x.kind} (${x.masked}) committed in ${x.file === s.path ? "the script" : `${x.file}${via(x.file)}`} — remove it, rotate it, and read it from an environment variable or a secret`,
      });
  }

  const byExp = new Map(input.commands.map((c) => [c.exp_id, c]));
  if (input.dryRuns === "pending") {
    reasons.push({
      severity: "info",
      message:
        "dry-runs pending: they run on a CPU runner (the gates workflow), never on the GPU runners",
    });
  } else {
    for (const skip of input.dryRunSkipped ?? [])
      reasons.push({
        severity: "info",
        message: `dry-run of ${short(skip.exp_ids)} not run: ${skip.why} (see above)`,
      });
    const writes = input.dryRunWrites ?? [];
    if (writes.length > 0)
      reasons.push({
        severity: "blocking",
        message: `the dry-runs left ${plural(writes.length, "file")} in the checkout: ${writes.slice(0, 10).join(", ")}${writes.length > 10 ? ` and ${writes.length - 10} more` : ""} — a run writes only under {checkpoint_dir} (and {result_file}); pass the script's output path, or map its own flag in script_flags (e.g. "checkpoint_dir": "--save {checkpoint_dir}/model.pt")`,
      });
    for (const o of input.dryRuns) {
      const failure = dryRunFailure(o, input.dryRunTimeoutSeconds);
      if (!failure) continue;
      const first = byExp.get(o.exp_ids[0] as string);
      const tail = lastLines(o.logTail, 5);
      reasons.push({
        severity: "blocking",
        ...(first ? at(first) : {}),
        message: `dry-run of ${short(o.exp_ids)} ${failure}: \`${o.argv.join(" ")}\`${tail ? ` — last output: ${tail}` : ""}`,
      });
    }
  }

  const blocking = reasons.filter((r) => r.severity === "blocking").length;
  const unknown = reasons.filter((r) => r.severity === "warning").length;
  const nScripts = plural(ordered.length, "script");
  const dry =
    input.dryRuns === "pending"
      ? "dry-runs pending"
      : `${input.dryRuns.filter((o) => !dryRunFailure(o, input.dryRunTimeoutSeconds)).length}/${input.dryRuns.length} dry-runs passed`;
  const verdict = (conclusion: Verdict["conclusion"], label: string, summary: string): Verdict => ({
    gate: "code-review",
    conclusion,
    label,
    summary,
    reasons,
    details: {
      scripts: ordered,
      missingScripts,
      dryRuns: input.dryRuns,
    } satisfies CodeReviewDetails,
    tables: tables(ordered, input),
  });
  if (blocking > 0)
    return verdict(
      "failure",
      "CODE_REVISE",
      `${plural(blocking, "blocking item")} in ${nScripts}; ${dry}`,
    );
  const tail = unknown > 0 ? `; ${plural(unknown, "warning")}` : "";
  if (input.dryRuns === "pending")
    return verdict(
      "neutral",
      "DRY_RUN_PENDING",
      `static checks pass for ${nScripts}; dry-runs pending${tail}`,
    );
  return verdict("success", "CODE_APPROVED", `${nScripts} checked; ${dry}${tail}`);
}

function tables(scripts: readonly ScriptReport[], input: CodeReviewInput): VerdictTable[] {
  const mark = {
    accepted: "yes",
    missing: "**no**",
    unknown: "could not determine",
    unsupported: "none (script_flags)",
  } as const;
  const out: VerdictTable[] = [
    {
      title: "Scripts",
      header: ["script", "parser", ...input.requiredFlags, "used by"],
      rows: scripts.map((s) => [
        s.path,
        s.parsers.join(", ") || "none found",
        ...s.flags.map((f) =>
          f.spelled && f.state === "accepted" ? `yes, as ${f.spelled}` : mark[f.state],
        ),
        short(s.experiments),
      ]),
    },
  ];
  if (input.dryRuns !== "pending")
    out.push({
      title: "Dry-runs",
      header: ["experiments", "command", "result"],
      rows: input.dryRuns.map((o) => [
        short(o.exp_ids),
        o.argv.join(" "),
        dryRunFailure(o, input.dryRunTimeoutSeconds) ?? "ok",
      ]),
    });
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function short(ids: readonly string[]): string {
  return ids.length > 3
    ? `${ids.slice(0, 3).join(", ")} and ${ids.length - 3} more`
    : ids.join(", ");
}

function lastLines(text: string, n: number): string {
  return text.trim().split("\n").slice(-n).join(" / ").slice(-600);
}
