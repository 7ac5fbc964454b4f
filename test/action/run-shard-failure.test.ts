import { describe, expect, it } from "vitest";
import { runShard } from "../../src/operations/action/run-shard.js";
import { createTestRepo } from "../helpers/git-repo.js";

describe("a shard that runs nothing says why with a code (issue #14)", () => {
  it("refuses a checkout at another commit with checkout-mismatch, naming both shas", async () => {
    const repo = await createTestRepo();
    const head = await repo.repo.head();
    const other = "0".repeat(40);
    const uploads: string[] = [];
    const r = await runShard(
      {
        git: repo.repo,
        env: {},
        clock: () => new Date(),
        log: { info: () => {}, warn: () => {} },
        signal: new AbortController().signal,
        emit: () => {},
        artifacts: {
          upload: async (name) => {
            uploads.push(name);
            return { files: 0 };
          },
          list: async () => [],
          download: async () => {},
          describe: "a recording stand-in",
        },
      },
      {
        cwd: repo.dir,
        sha: other,
        shard: 0,
        phase: "full",
        runUrl: "https://github.com/lab/study/actions/runs/1",
        runner: "gpu-box",
        artifactName: "labgate-shard-0",
        tmpDir: repo.dir,
        config: { ok: false, message: "unused" } as never,
      },
    );
    expect(r.refused).toMatchObject({ ok: false, code: "checkout-mismatch" });
    expect(r.refused?.message).toContain(
      `the checkout is at ${head}, not the requested sha ${other}`,
    );
    expect(r.entries).toEqual([]);
    expect(uploads).toEqual([]);
  });
});
