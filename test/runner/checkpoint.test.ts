import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";
import { addAttemptsScript, attemptsCommand } from "./attempts-script.js";
import { campaignRepo, resultOf, sidecars } from "./campaign-repo.js";

describe("{checkpoint_dir} is made before the run, where a resume finds it (issue #13)", () => {
  it("a script saving {checkpoint_dir}/model.pt without creating the folder succeeds; its retry reads what the first attempt saved", async () => {
    const root = join(tempDir("labgate-ckpt-"), "checkpoints");
    const dir = campaignRepo(
      [{ id: "train", command: attemptsCommand("preempt"), retries: 1 }],
      `checkpoint_root: ${root}\n`,
    );
    addAttemptsScript(dir);
    const r = await runCli(["run"], dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const entry = sidecars(dir).get("train_s1");
    expect(entry).toMatchObject({ status: "done", retry_count: 1 });
    expect(entry?.checkpoint_dir).toBe(join(root, "ckpt_train_s1"));
    expect(resultOf(dir, "train_s1").meta.resumed_from).toBe("epoch 1 weights");
    expect(statSync(join(root, "ckpt_train_s1")).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(root, "ckpt_train_s1", "attempts"), "utf8")).toBe("first\nresume\n");
  }, 120_000);

  it("by default the checkpoints live beside the checkout, not in the temp dir or the checkout", async () => {
    const dir = campaignRepo([{ id: "train", command: attemptsCommand("preempt"), retries: 1 }]);
    const root = join(dirname(dir), ".labgate-checkpoints", basename(dir));
    addAttemptsScript(dir);
    const r = await runCli(["run"], dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(sidecars(dir).get("train_s1")?.checkpoint_dir).toBe(join(root, "ckpt_train_s1"));
    expect(existsSync(join(root, "ckpt_train_s1", "model.pt"))).toBe(true);
    expect(statSync(root).mode & 0o777).toBe(0o700);
  }, 120_000);
});
