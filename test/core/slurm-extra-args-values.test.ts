import { describe, expect, it } from "vitest";
import { Config } from "../../src/core/config/config-schema.js";
import { parseConfig } from "../../src/core/config/parse-config.js";

const poolWith = (extra_args: string[]) =>
  Config.safeParse({
    runner_pools: [{ name: "c", labels: ["x"], executor: "slurm", slurm: { extra_args } }],
  });

describe("a SLURM pool's extra_args: an option that takes a value carries it (docs/runners.md)", () => {
  it.each([
    "--account",
    "--partition",
    "--qos",
    "--constraint",
    "--nodelist",
    "--exclude",
    "--mem",
    "--gres",
    "--mail-type",
    "--account=",
  ])("refuses %s without a value: sbatch would take the batch script's path as it", (arg) => {
    const r = poolWith(["--constraint=a100", arg]);
    expect(r.success).toBe(false);
    const issue = r.error?.issues[0];
    expect(issue?.path).toEqual(["runner_pools", 0, "slurm", "extra_args", 1]);
    const name = arg.replace(/=$/, "");
    expect(issue?.message).toContain(`${name} takes a value; write it as one item ${name}=<value>`);
  });

  it.each([
    "--nodelist=/etc/passwd",
    "--nodelist=./nodes.txt",
    "--exclude=../x",
    "--nodelist=node01,/tmp/n",
  ])("refuses a node list naming a file: %s", (arg) => {
    const r = poolWith([arg]);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toContain('value with "/" makes sbatch read node names');
  });

  it("accepts the flags bare, and node lists of names", () => {
    const r = poolWith([
      "--exclusive",
      "--requeue",
      "--no-requeue",
      "--nice",
      "--nodelist=node[01-04],gpu7",
      "--exclude=node07",
    ]);
    expect(r.error?.issues).toBeUndefined();
  });

  it("the config error names the file, the line, the item and the fix", () => {
    const yml = [
      "runner_pools:",
      "  - name: cluster",
      "    labels: [self-hosted, slurm]",
      "    executor: slurm",
      "    slurm:",
      "      extra_args:",
      "        - --account",
      "",
    ].join("\n");
    const r = parseConfig(".github/labgate.yml", yml);
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({
      file: ".github/labgate.yml",
      line: 7,
      path: "runner_pools[0].slurm.extra_args[0]",
      message: expect.stringContaining('"--account": --account takes a value'),
    });
  });
});
