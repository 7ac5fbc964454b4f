import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";
import { addAttemptsScript, attemptsCommand } from "./attempts-script.js";
import { campaignRepo, sidecars } from "./campaign-repo.js";

describe("retries only where a retry can help (issue #13)", () => {
  it("with retries: 2, a ModuleNotFoundError runs once and says why; a CUDA out-of-memory runs three times", async () => {
    const root = tempDir("labgate-ckpt-");
    const dir = campaignRepo(
      [
        { id: "nomodule", command: attemptsCommand("missing-module"), retries: 2 },
        { id: "oom", command: attemptsCommand("oom"), retries: 2 },
      ],
      `checkpoint_root: ${root}\n`,
    );
    addAttemptsScript(dir);
    const r = await runCli(["run", "--parallel", "2"], dir);
    expect(r.code).toBe(1);
    const attempts = (id: string) =>
      readFileSync(join(root, `ckpt_${id}`, "attempts"), "utf8")
        .trim()
        .split("\n");

    const nomodule = sidecars(dir).get("nomodule_s1");
    expect(attempts("nomodule_s1")).toEqual(["first"]);
    expect(nomodule).toMatchObject({ status: "failed", retry_count: 0, exit_code: 1 });
    expect(nomodule?.reason).toBe(
      "exit 1: ModuleNotFoundError: No module named 'labgate_no_such_module' (not retried: a missing module fails the same way again)",
    );
    expect(r.stdout).toContain("not retried: a missing module fails the same way again");

    const oom = sidecars(dir).get("oom_s1");
    expect(attempts("oom_s1")).toEqual(["first", "resume", "resume"]);
    expect(oom).toMatchObject({ status: "failed", retry_count: 2 });
    expect(oom?.reason).toMatch(/^out-of-memory: RuntimeError: CUDA out of memory/);
    expect(oom?.reason).not.toMatch(/not retried/);
    const log = readFileSync(join(dir, ".labgate/logs/oom_s1.log"), "utf8");
    expect(log.match(/\[labgate: retry \d\/2/g)).toHaveLength(2);
  }, 150_000);

  it("a run that exits 0 without its result file is not retried either", async () => {
    const root = tempDir("labgate-ckpt-");
    const dir = campaignRepo(
      [{ id: "silent", mode: "noresult", retries: 2 }],
      `checkpoint_root: ${root}\n`,
    );
    const r = await runCli(["run"], dir);
    expect(r.code).toBe(1);
    const silent = sidecars(dir).get("silent_s1");
    expect(silent).toMatchObject({ status: "failed", retry_count: 0 });
    expect(silent?.reason).toBe(
      "no-result: exited 0 without writing its result file (not retried: a script that exits 0 without its result file does so again)",
    );
  }, 120_000);
});
