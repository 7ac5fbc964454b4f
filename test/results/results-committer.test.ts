import { afterEach, describe, expect, it } from "vitest";
import { createOctokit } from "../../src/github/octokit.js";
import { localResultsCommitter } from "../../src/operations/commit-results.js";
import { gitDataResultsCommitter } from "../../src/operations/results/git-data-results-committer.js";
import type {
  ResultsBase,
  ResultsBuild,
  ResultsCommitter,
} from "../../src/operations/results/results-committer.js";
import { git, pushFromElsewhere, repoWithBranch } from "../action/helpers/git-fixture.js";
import { type FakeGitHub, startFakeGitHub } from "../helpers/fake-github.js";
import { createTestRepo } from "../helpers/git-repo.js";

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const config = { results_dir: "experiments/results", dispatch_dir: "dispatch" };
const STATE = `${JSON.stringify({ project: "p", updated: "u", experiments: [] })}\n`;

/** A build that writes `files` through the base's target and asks for a commit. */
function writing(files: Record<string, string>, seen: ResultsBase[] = []) {
  return async (base: ResultsBase): Promise<ResultsBuild> => {
    seen.push(base);
    for (const [path, content] of Object.entries(files)) {
      const f = await base.target.open(path);
      await f.write(content);
      await f.close();
    }
    return {
      files: Object.keys(files),
      exclude: [],
      summary: { project: "p", counts: { done: 1 }, sourceCommits: [], runUrl: "local:box" },
      commit: true,
    };
  };
}

async function apiCommitter(files: Record<string, string>) {
  const repo = repoWithBranch(files);
  fake = await startFakeGitHub({ owner: "lab", repo: "study", bareRepo: repo.bare });
  const octokit = createOctokit({ token: "t", baseUrl: fake.url, retries: 0 });
  const committer = gitDataResultsCommitter({
    octokit,
    repo: { owner: "lab", repo: "study" },
    branch: "pr-1",
    source: repo.head,
    config,
  });
  return { repo, committer, fake };
}

describe("the results commit behind one interface (issue #14)", () => {
  it("both committers refuse a file outside the results and dispatch folders, and commit nothing", async () => {
    const local = await createTestRepo();
    const before = (await local.git.revparse(["HEAD"])).trim();
    const { repo, committer } = await apiCommitter({ "train.py": "x\n" });
    const committers: [string, ResultsCommitter][] = [
      ["local", localResultsCommitter({ git: local.repo, cwd: local.dir, config })],
      ["api", committer],
    ];
    for (const [name, c] of committers)
      await expect(
        c.commit(writing({ "dispatch/state.json": STATE, "src/evil.py": "x\n" })),
        name,
      ).rejects.toMatchObject({ code: "path-outside-results", path: "src/evil.py" });
    expect((await local.git.revparse(["HEAD"])).trim()).toBe(before);
    expect(git(repo.bare, "rev-parse", "pr-1")).toBe(repo.head);
  });

  it("the API committer reads state.json at the branch head, and recovers a malformed one from the source commit", async () => {
    const good = `${JSON.stringify({
      project: "p",
      updated: "u",
      experiments: [
        {
          id: "a_s1",
          exp_id: "a",
          phase: "full",
          method: "m",
          dataset: "d",
          seed: 1,
          status: "done",
        },
      ],
    })}\n`;
    const { repo, committer } = await apiCommitter({ "dispatch/state.json": good });
    pushFromElsewhere(repo.bare, "pr-1", "dispatch/state.json", "{ broken");
    const seen: ResultsBase[] = [];
    const out = await committer.commit(writing({ "dispatch/state.json": STATE }, seen));
    expect(out.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(seen[0]?.state?.experiments.map((e) => e.id)).toEqual(["a_s1"]);
    expect(seen[0]?.copyRunFiles).toBe("always");
    expect(seen[0]?.warnings[0]).toMatch(
      new RegExp(
        `^dispatch/state\\.json:1:\\d+: not valid JSON.*\\n  recovered dispatch/state\\.json from ${repo.head.slice(0, 12)}`,
        "s",
      ),
    );
    expect(git(repo.bare, "show", "pr-1:dispatch/state.json")).toBe(STATE.trim());
    expect(git(repo.bare, "log", "-1", "--format=%B", "pr-1")).toContain(
      `Labgate-Source-Commit: ${repo.head}`,
    );
  });

  it("a build that says not to commit sends no tree and moves no branch", async () => {
    const { repo, committer, fake: gh } = await apiCommitter({ "train.py": "x\n" });
    const build = writing({ "dispatch/state.json": STATE });
    const out = await committer.commit(async (base) => ({ ...(await build(base)), commit: false }));
    expect(out.sha).toBeUndefined();
    expect(gh.requests.filter((r) => r.method === "POST" || r.method === "PATCH")).toEqual([]);
    expect(git(repo.bare, "rev-parse", "pr-1")).toBe(repo.head);
  });
});
