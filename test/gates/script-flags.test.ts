import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkScriptFlags } from "../../src/core/gates/code-review/check-script-flags.js";
import {
  resolveScript,
  type ScriptLanguage,
} from "../../src/core/gates/code-review/resolve-script.js";
import { scanSource } from "../../src/core/gates/code-review/scan-source.js";

const FLAGS = ["--seed", "--checkpoint-dir", "--resume", "--dry-run"];
const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/gates/scripts/${name}`, import.meta.url), "utf8");

function states(name: string, language: ScriptLanguage) {
  const { checks, parsers } = checkScriptFlags(
    scanSource(fixture(name), language),
    language,
    FLAGS,
  );
  return { parsers, states: Object.fromEntries(checks.map((c) => [c.flag, c.state])), checks };
}

const all = (state: string) => Object.fromEntries(FLAGS.map((f) => [f, state]));

describe("static flag check", () => {
  it.each([
    ["argparse_ok.py", "python", ["argparse"], all("accepted")],
    ["click_ok.py", "python", ["click"], all("accepted")],
    ["typer_ok.py", "python", ["typer"], all("accepted")],
    ["sysargv_ok.py", "python", ["sys.argv"], all("accepted")],
    ["absl_ok.py", "python", ["absl"], all("accepted")],
    ["parseargs_ok.mjs", "node", ["parseArgs"], all("accepted")],
    ["yargs_ok.js", "node", ["yargs", "process.argv"], all("accepted")],
    ["case_ok.sh", "shell", ["case"], all("accepted")],
  ] as const)("%s accepts every required flag (%s)", (name, lang, parsers, expected) => {
    const r = states(name, lang);
    expect(r.states).toEqual(expected);
    expect(r.parsers).toEqual(parsers);
  });

  it("argparse: flags named only in comments or help texts do not count; --checkpoint_dir is a near miss", () => {
    const r = states("argparse_missing.py", "python");
    expect(r.states).toEqual({
      "--seed": "accepted",
      "--checkpoint-dir": "missing",
      "--resume": "missing",
      "--dry-run": "missing",
    });
    expect(r.checks[1]?.detail).toBe(
      "argparse declares --seed, --checkpoint_dir but not --checkpoint-dir (it declares --checkpoint_dir; the command convention is --checkpoint-dir: add --checkpoint-dir as an alias)",
    );
  });

  it("argparse: computed option names — literals in the file count, anything else is 'could not determine'", () => {
    const r = states("argparse_computed.py", "python");
    expect(r.states).toEqual({
      "--seed": "accepted",
      "--checkpoint-dir": "accepted",
      "--resume": "unknown",
      "--dry-run": "accepted",
    });
    expect(r.checks[2]?.detail).toBe(
      "could not determine: add_argument at line 6 computes its option name",
    );
  });

  it("click and typer: a missing option is missing", () => {
    expect(states("click_missing.py", "python").states).toEqual({
      "--seed": "accepted",
      "--checkpoint-dir": "accepted",
      "--resume": "missing",
      "--dry-run": "missing",
    });
    expect(states("typer_missing.py", "python").states).toEqual({
      "--seed": "accepted",
      "--checkpoint-dir": "accepted",
      "--resume": "missing",
      "--dry-run": "accepted",
    });
  });

  it("sys.argv by hand: a literal flag is accepted, a bare mention is 'could not determine', silence is missing", () => {
    expect(states("sysargv_partial.py", "python").states).toEqual({
      "--seed": "accepted",
      "--checkpoint-dir": "missing",
      "--resume": "unknown",
      "--dry-run": "missing",
    });
  });

  it('python-fire and a shell script forwarding "$@" cannot be read statically', () => {
    const fire = states("fire_cli.py", "python");
    expect(fire.states).toEqual(all("unknown"));
    expect(fire.checks[0]?.detail).toMatch(/python-fire derives flags from function signatures/);
    const fwd = states("forwards.sh", "shell");
    expect(fwd.states).toEqual(all("unknown"));
    expect(fwd.checks[0]?.detail).toMatch(/passes "\$@" on to another program/);
  });

  it("commander: a commented-out option is missing", () => {
    expect(states("commander_missing.js", "node").states).toEqual({
      "--seed": "accepted",
      "--checkpoint-dir": "accepted",
      "--resume": "missing",
      "--dry-run": "accepted",
    });
  });

  it("a script with no argument parsing in sight is 'could not determine', not missing", () => {
    const src = scanSource("from mylib.cli import main\nmain()\n", "python");
    const { checks } = checkScriptFlags(src, "python", ["--seed"]);
    expect(checks[0]?.state).toBe("unknown");
  });
});

describe("resolveScript", () => {
  it.each([
    [
      "python3 experiments/scripts/train.py --seed {seed}",
      "python",
      ["experiments/scripts/train.py"],
    ],
    ["python -u -X dev ./train.py", "python", ["train.py"]],
    [
      "uv run python -m pkg.train --seed 1",
      "python",
      ["pkg/train.py", "pkg/train/__main__.py", "src/pkg/train.py", "src/pkg/train/__main__.py"],
    ],
    ["torchrun --nproc_per_node 4 train.py --seed 1", "python", ["train.py"]],
    ["conda run -n env python3 train.py", "python", ["train.py"]],
    ["node --import tsx scripts/train.ts --seed 1", "node", ["scripts/train.ts"]],
    ["npx tsx scripts/train.ts", "node", ["scripts/train.ts"]],
    ["bash scripts/run.sh --seed 1", "shell", ["scripts/run.sh"]],
    ["./scripts/run.sh --seed 1", "shell", ["scripts/run.sh"]],
    ["env CUDA_LAUNCH_BLOCKING=1 python train.py", "python", ["train.py"]],
  ])("%s", (command, language, candidates) => {
    expect(resolveScript(command.split(" "))).toEqual({
      ok: true,
      language,
      display: expect.any(String),
      candidates,
    });
  });

  it.each([
    ["python -c print(1)", /inline code/],
    ["./bin/train --seed 1", /neither python, node nor a shell script/],
    ["python3 {params.script}", /placeholder/],
    ["python3 ../outside.py", /outside the repository/],
  ])("%s cannot be resolved", (command, reason) => {
    const r = resolveScript(command.split(" "));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});
