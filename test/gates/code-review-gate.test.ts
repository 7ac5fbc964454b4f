import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderVerdictMarkdown } from "../../src/core/gates/render-verdict-markdown.js";
import { diskWorkspace } from "../../src/operations/disk-workspace.js";
import { reviewGates } from "../../src/operations/review-gates.js";
import { asText, validDefinitions } from "../helpers/definitions-fixture.js";
import { tempDir } from "../helpers/temp-dir.js";
import { one } from "./gate-helpers.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SCRIPTS = fileURLToPath(new URL("../fixtures/gates/scripts", import.meta.url));
const ARGS = "--seed {seed} --checkpoint-dir {checkpoint_dir} --result-file {result_file}";

/** A repo whose experiments each run one fixture script: `{ exp_id: "script.py" }`. */
function repo(scripts: Record<string, string>, config = "gates:\n  dry_run_timeout_seconds: 2\n") {
  const dir = tempDir();
  mkdirSync(join(dir, "experiments"));
  mkdirSync(join(dir, ".github"));
  cpSync(SCRIPTS, join(dir, "scripts"), { recursive: true });
  writeFileSync(join(dir, ".github/labgate.yml"), config);
  const d = validDefinitions();
  d.experiments = Object.entries(scripts).map(([id, script]) => ({
    id,
    phase: "full",
    method: "ours",
    dataset: "toy",
    command: `${script.endsWith(".sh") ? "sh" : "python3"} scripts/${script} ${ARGS}`,
  }));
  writeFileSync(join(dir, "experiments/definitions.json"), asText(d));
  return dir;
}

async function codeReview(dir: string, dryRun: "run" | "skip") {
  const { verdicts } = await reviewGates({
    workspace: diskWorkspace(dir),
    only: ["code-review"],
    dryRun,
    cwd: dir,
  });
  return one(verdicts);
}

describe("code-review gate", () => {
  it("approves the bundled example campaign, dry-runs included", async () => {
    const v = await codeReview(ROOT, "run");
    expect(v.label).toBe("CODE_APPROVED");
    expect(v.conclusion).toBe("success");
    expect(v.summary).toBe("1 script checked; 3/3 dry-runs passed");
    expect(v.reasons).toEqual([]);
  });

  it("says the dry-run is pending when asked to skip it, and is neutral", async () => {
    const v = await codeReview(repo({ a: "passes.py" }), "skip");
    expect(v).toMatchObject({ label: "DRY_RUN_PENDING", conclusion: "neutral" });
    expect(v.reasons).toEqual([
      expect.objectContaining({
        severity: "info",
        message: expect.stringMatching(/dry-runs pending/),
      }),
    ]);
  });

  it("blocks a dry-run that hangs (timeout) and one that fails, naming the experiment's line", async () => {
    const dir = repo({ ok: "passes.py", slow: "hangs.py", broken: "fails.py" });
    const started = Date.now();
    const v = await codeReview(dir, "run");
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(v.label).toBe("CODE_REVISE");
    const blocking = v.reasons.filter((r) => r.severity === "blocking");
    expect(blocking).toHaveLength(2);
    expect(blocking[0]).toMatchObject({
      file: "experiments/definitions.json",
      line: expect.any(Number),
      message: expect.stringMatching(
        /^dry-run of slow timed out after 2 s \(gates\.dry_run_timeout_seconds\).*last output: loading the whole dataset/,
      ),
    });
    expect(blocking[1]?.message).toMatch(
      /^dry-run of broken exited with code 3: `python3 scripts\/fails\.py --seed 1 .* --dry-run` — last output: FileNotFoundError: data\/train\.csv$/,
    );
    expect(v.summary).toBe("2 blocking items in 3 scripts; 1/3 dry-runs passed");
  });

  it("does not dry-run a command whose script rejects --dry-run or is not in the repository", async () => {
    const v = await codeReview(
      repo({ ok: "passes.py", noflag: "click_missing.py", gone: "nope.py" }),
      "run",
    );
    expect(v.label).toBe("CODE_REVISE");
    expect(v.summary).toBe("3 blocking items in 2 scripts; 1/1 dry-runs passed");
    expect(v.reasons.filter((r) => r.severity === "info").map((r) => r.message)).toEqual([
      "dry-run of noflag not run: scripts/click_missing.py does not accept --dry-run (see above)",
      "dry-run of gone not run: its script is not in the repository (see above)",
    ]);
  });

  it('follows a shell wrapper that passes "$@" on to the script it runs', async () => {
    const ok = await codeReview(repo({ wrapped: "wrap_ok.sh" }), "skip");
    expect(ok.label).toBe("DRY_RUN_PENDING");
    expect(ok.tables?.[0]?.rows).toEqual([
      [
        "scripts/wrap_ok.sh",
        '"$@" → scripts/argparse_ok.py, argparse',
        "yes",
        "yes",
        "yes",
        "yes",
        "wrapped",
      ],
    ]);
    const missing = await codeReview(repo({ wrapped: "wrap_missing.sh" }), "skip");
    expect(missing.reasons.filter((r) => r.severity === "blocking")).toEqual([
      expect.objectContaining({
        file: "scripts/click_missing.py",
        line: 5,
        message: expect.stringMatching(
          /^scripts\/wrap_missing\.sh does not accept --dry-run: scripts\/click_missing\.py: click declares --seed, --checkpoint-dir but not --dry-run/,
        ),
      }),
    ]);
  });

  it("blocks missing flags, hard-coded paths, secrets and a script not in the repository", async () => {
    const dir = repo({
      flags: "argparse_missing.py",
      paths: "hardcoded.py",
      key: "private_key.py",
      gone: "not_there.py",
      unknown: "fire_cli.py",
    });
    const v = await codeReview(dir, "skip");
    expect(v.label).toBe("CODE_REVISE");
    const text = renderVerdictMarkdown(v);
    expect(text).not.toContain("hf_AbCdEf");
    expect(text).not.toContain("MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu");
    expect(text.replaceAll(dir, "<repo>")).toMatchSnapshot();
    const where = v.reasons.map((r) => `${r.severity} ${r.file}:${r.line}`);
    expect(where).toEqual([
      "blocking experiments/definitions.json:72",
      "blocking scripts/argparse_missing.py:6",
      "blocking scripts/argparse_missing.py:5",
      "blocking scripts/argparse_missing.py:5",
      "warning scripts/fire_cli.py:1",
      "warning scripts/fire_cli.py:1",
      "warning scripts/fire_cli.py:1",
      "warning scripts/fire_cli.py:1",
      "warning scripts/hardcoded.py:6",
      "blocking scripts/hardcoded.py:11",
      "blocking scripts/hardcoded.py:12",
      "blocking scripts/hardcoded.py:17",
      "blocking scripts/hardcoded.py:18",
      "blocking scripts/private_key.py:8",
      "info undefined:undefined",
    ]);
  });
});
