import { describe, expect, it } from "vitest";
import { Config } from "../../src/core/config/config-schema.js";
import { parseConfig } from "../../src/core/config/parse-config.js";
import { ALLOWED_SBATCH_OPTIONS } from "../../src/core/slurm/slurm-pool-options.js";

const poolWith = (extra_args: string[]) =>
  Config.safeParse({
    runner_pools: [{ name: "c", labels: ["x"], executor: "slurm", slurm: { extra_args } }],
  });

describe("a SLURM pool's extra_args: an allow-list of sbatch options (docs/runners.md)", () => {
  it.each([
    // abbreviations sbatch accepts for the options labgate sets itself
    "--out=/home/victim/.bashrc",
    "--outp=/tmp/x",
    "--err=/tmp/x",
    "--exp=ALL",
    "--ch=/",
    "--wr=id",
    "--arr=0-9",
    // short options
    "-o/tmp/x",
    "-e/tmp/x",
    "-D/",
    "-J x",
    "-a0-9",
    // long options not on the list
    "--wrap=curl evil",
    "--chdir=/",
    "--export=ALL,SECRET",
    "--output=/tmp/x",
    "--get-user-env",
    "--uid=0",
    "--container=/x",
    "--bb=stage_in",
  ])("refuses %s, naming the option, the allowed ones and the fix", (arg) => {
    const r = poolWith(["--constraint=a100", arg]);
    expect(r.success).toBe(false);
    const issue = r.error?.issues[0];
    expect(issue?.path).toEqual(["runner_pools", 0, "slurm", "extra_args", 1]);
    expect(issue?.message).toContain(JSON.stringify(arg));
    expect(issue?.message).toContain("remove it from extra_args");
    expect(issue?.message).toContain("--partition");
  });

  it("a short option is told its long form", () => {
    const r = poolWith(["-pgpu"]);
    expect(r.error?.issues[0]?.message).toContain("write it as --partition=...");
  });

  it("accepts the allowed options, with and without a value", () => {
    const args = [
      "--partition=gpu",
      "--account=lab",
      "--qos=normal",
      "--constraint=a100",
      "--mem=64G",
      "--cpus-per-task=8",
      "--gres=gpu:a100:1",
      "--gpus=1",
      "--reservation=paper",
      "--exclusive",
      "--nice=10",
      "--exclude=node07",
    ];
    const r = poolWith(args);
    expect(r.error?.issues).toBeUndefined();
    for (const a of args) expect(ALLOWED_SBATCH_OPTIONS).toContain(a.split("=")[0]);
  });
});

describe("the config error a user sees", () => {
  it("names the file, the line, the item's path and the option", () => {
    const yml = [
      "runner_pools:",
      "  - name: cluster",
      "    labels: [self-hosted, slurm]",
      "    executor: slurm",
      "    slurm:",
      "      extra_args:",
      "        - --constraint=a100",
      "        - -o/home/me/.bashrc",
      "",
    ].join("\n");
    const r = parseConfig(".github/labgate.yml", yml);
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({
      file: ".github/labgate.yml",
      line: 8,
      path: "runner_pools[0].slurm.extra_args[1]",
      message: expect.stringMatching(
        /^"-o\/home\/me\/\.bashrc" is not an sbatch option extra_args allows/,
      ),
    });
  });
});
