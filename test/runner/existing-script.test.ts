import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { git, resultOf, sidecars } from "./campaign-repo.js";
import { existingScriptRepo, expectedValidPpl } from "./existing-script-repo.js";

/** Files in the checkout that git does not know and does not ignore, and changed tracked ones. */
const strayFiles = (dir: string) =>
  git(dir, "status", "--porcelain", "--untracked-files=all")
    .split("\n")
    .filter((l) => l !== "" && !/experiments\/results|dispatch\//.test(l));

describe("an existing research script runs as it is (issue #16)", () => {
  it("a pytorch/examples-style trainer that only prints '| end of epoch | valid ppl': the last valid ppl becomes the run's result, with meta.source", async () => {
    const dir = existingScriptRepo([
      { id: "lstm", method: "LSTM" },
      { id: "gru", method: "GRU" },
    ]);
    const r = await runCli(["run", "--parallel", "2"], dir);
    expect(r.code, r.stderr).toBe(0);
    const side = sidecars(dir);
    expect(side.get("lstm_s1")).toMatchObject({ status: "done", reason: null });
    expect(side.get("gru_s1")).toMatchObject({ status: "done", reason: null });

    const result = resultOf(dir, "gru_s1");
    // epoch 3's line, not epoch 1's: the last match wins
    expect(result.metrics.valid_ppl).toBeCloseTo(expectedValidPpl(3, 1, "GRU"), 2);
    expect(result.metrics.test_ppl).toBeGreaterThan(0);
    expect(result.meta.source).toMatchObject({
      from: "stdout",
      log: ".labgate/logs/gru_s1.log",
      stdout: { valid_ppl: "valid ppl\\s+([0-9.]+)" },
    });
    expect(result.meta.source.lines.valid_ppl).toMatch(/^\| end of epoch {3}3 \| .*valid ppl/);

    // aggregation reads it like any result file
    const csv = readFileSync(join(dir, "experiments/results/all_results.csv"), "utf8");
    expect(csv).toMatch(/^gru,.*,valid_ppl,1,/m);
    expect(csv).toMatch(/^lstm,.*,valid_ppl,1,/m);
    // and so does provenance: one row per run, naming the commit
    const prov = JSON.parse(readFileSync(join(dir, "experiments/results/provenance.json"), "utf8"));
    expect(prov.runs.map((x: { run_id: string }) => x.run_id).sort()).toEqual([
      "gru_s1",
      "lstm_s1",
    ]);
    // --save {checkpoint_dir}/model.pt: nothing landed in the working tree
    expect(strayFiles(dir)).toEqual([]);
    expect(existsSync(join(dir, "model.pt"))).toBe(false);
    const verify = await runCli(["verify"], dir);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 120_000);

  it("a run whose output matches no metrics_from regex fails no-result, naming the regexes and the log, and is not retried", async () => {
    const dir = existingScriptRepo(
      [{ id: "lstm", method: "LSTM", retries: 2 }],
      {},
      {
        metrics_from: { stdout: { bleu: "BLEU = ([0-9.]+)" } },
      },
    );
    const r = await runCli(["run"], dir);
    expect(r.code).not.toBe(0);
    const e = sidecars(dir).get("lstm_s1");
    expect(e).toMatchObject({ status: "failed", retry_count: 0 });
    expect(e?.reason).toBe(
      "no-result: exited 0, but the output matched no metrics_from regex (bleu); see .labgate/logs/lstm_s1.log (not retried: a script that exits 0 without its metrics does so again)",
    );
    expect(existsSync(join(dir, "experiments/results/runs/lstm_s1.json"))).toBe(false);
  }, 120_000);

  it("a run whose last valid ppl is nan (it blew up after a good epoch) fails invalid-result naming the metric, the value and the line, not done with the stale number, and is not retried", async () => {
    const dir = existingScriptRepo(
      [{ id: "blowup", method: "LSTM", retries: 2 }],
      {
        "train_blowup.py": [
          "import argparse",
          "p = argparse.ArgumentParser()",
          "p.add_argument('--seed', type=int)",
          "a = p.parse_args()",
          "print('| end of epoch   3 | valid ppl 121.00')",
          "print('| end of epoch   4 | valid ppl', float('nan'))",
        ].join("\n"),
      },
      {
        command: "python3 train_blowup.py --seed {seed}",
        metrics_from: { stdout: { valid_ppl: "valid ppl\\s+(\\S+)" } },
      },
    );
    const r = await runCli(["run"], dir);
    expect(r.code).not.toBe(0);
    const e = sidecars(dir).get("blowup_s1");
    expect(e).toMatchObject({ status: "failed", retry_count: 0 });
    expect(e?.reason).toBe(
      'invalid-result: valid_ppl is nan (not a finite number) at "| end of epoch   4 | valid ppl nan" in .labgate/logs/blowup_s1.log (not retried: a result file that breaks the contract is written the same way again)',
    );
    expect(existsSync(join(dir, "experiments/results/runs/blowup_s1.json"))).toBe(false);
  }, 120_000);

  it("a `pattern` captures key=value and key: value lines by name; the last of a name wins", async () => {
    const dir = existingScriptRepo(
      [{ id: "kv", method: "LSTM" }],
      {
        "train_kv.py": [
          "import argparse",
          "p = argparse.ArgumentParser()",
          "p.add_argument('--seed', type=int)",
          "a = p.parse_args()",
          "print('step 1')",
          "print('loss=2.5')",
          "print('accuracy: 0.5')",
          "print('loss=1.25')",
          "print('accuracy: 0.75')",
          "print('note: not a number')",
        ].join("\n"),
      },
      {
        command: "python3 train_kv.py --seed {seed}",
        metrics_from: { pattern: "^(\\w+)[=:]\\s*([-+0-9.eE]+)$" },
      },
    );
    const r = await runCli(["run"], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(resultOf(dir, "kv_s1").metrics).toEqual({ loss: 1.25, accuracy: 0.75 });
  }, 120_000);

  it("metrics from a JSON file the script writes (W&B offline summary style, with a key path), placeholders filled", async () => {
    const dir = existingScriptRepo(
      [{ id: "js", method: "LSTM" }],
      {
        "train_json.py": [
          "import argparse, json, os",
          "p = argparse.ArgumentParser()",
          "p.add_argument('--out', required=True)",
          "a = p.parse_args()",
          "os.makedirs(a.out, exist_ok=True)",
          "with open(os.path.join(a.out, 'wandb-summary.json'), 'w') as f:",
          "    json.dump({'_step': 9, '_runtime': 3.5, 'eval': {'valid_ppl': 101.5, 'name': 'x'}}, f)",
        ].join("\n"),
      },
      {
        command: "python3 train_json.py --out {checkpoint_dir}/wandb",
        metrics_from: {
          file: "{checkpoint_dir}/wandb/wandb-summary.json",
          format: "json",
          key: "eval",
        },
      },
    );
    const r = await runCli(["run"], dir);
    expect(r.code, r.stderr).toBe(0);
    const result = resultOf(dir, "js_s1");
    expect(result.metrics).toEqual({ valid_ppl: 101.5 });
    expect(result.meta.source).toMatchObject({ from: "file", format: "json", key: "eval" });
    expect(result.meta.source.file).toMatch(/ckpt_js_s1\/wandb\/wandb-summary\.json$/);
  }, 120_000);

  it("script_flags.resume null: a retry starts over (no --resume appended); a spelled resume is appended on the retry; an earlier attempt's printed metrics never count for the retry", async () => {
    const flaky = [
      "import argparse, os, sys",
      "p = argparse.ArgumentParser()",
      "p.add_argument('--save', required=True)",
      "p.add_argument('--load', default=None)",
      "p.add_argument('--resume', action='store_true')",
      "p.add_argument('--silent', action='store_true')",
      "a = p.parse_args()",
      "d = os.path.dirname(a.save)",
      "n = os.path.join(d, 'attempts')",
      "with open(n, 'a') as f: f.write(' '.join(sys.argv[1:]) + '\\n')",
      "if len(open(n).read().splitlines()) == 1:",
      "    print('| end of epoch   1 | valid ppl  500.00')",
      "    sys.exit(1)",
      "if a.silent: sys.exit(0)",
      "print('| end of epoch   1 | valid ppl   99.00')",
    ].join("\n");
    const dir = existingScriptRepo(
      [
        { id: "over", method: "LSTM" },
        {
          id: "resumes",
          method: "GRU",
          script_flags: { resume: "--load {checkpoint_dir}/model.pt", dry_run: null },
        },
        {
          id: "stale",
          method: "LSTM",
          command: "python3 flaky.py --silent --save {checkpoint_dir}/model.pt",
        },
      ],
      { "flaky.py": flaky },
      {
        retries: 1,
        command: "python3 flaky.py --save {checkpoint_dir}/model.pt",
        metrics_from: { stdout: { valid_ppl: "valid ppl\\s+([0-9.]+)" } },
      },
    );
    const r = await runCli(["run", "--parallel", "3"], dir);
    expect(r.code).not.toBe(0);
    const side = sidecars(dir);
    const attempts = (id: string) =>
      readFileSync(join(side.get(id)?.checkpoint_dir, "attempts"), "utf8")
        .trim()
        .split("\n");
    expect(side.get("over_s1")).toMatchObject({ status: "done", retry_count: 1 });
    // the script names --resume, but the experiment says it cannot resume: nothing appended
    expect(attempts("over_s1")[1]).not.toMatch(/--resume|--load/);
    expect(attempts("resumes_s1")[1]).toMatch(/--load \S*ckpt_resumes_s1\/model\.pt$/);
    expect(resultOf(dir, "resumes_s1").metrics).toEqual({ valid_ppl: 99 });
    expect(resultOf(dir, "over_s1").metrics).toEqual({ valid_ppl: 99 });
    // the first attempt printed valid ppl 500 and failed; the retry printed nothing
    expect(side.get("stale_s1")).toMatchObject({ status: "failed", retry_count: 1 });
    expect(side.get("stale_s1")?.reason).toMatch(/^no-result: exited 0, but the output matched no/);
  }, 120_000);
});
