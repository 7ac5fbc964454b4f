import { describe, expect, it } from "vitest";
import {
  type ComparedCommit,
  type ComparedRange,
  resultsOnlyRange,
} from "../../src/core/approval/results-commits.js";

const DIRS = ["experiments/results", "dispatch"];

/** labgate's results commit as GitHub makes it for the aggregate job's GITHUB_TOKEN. */
const ours = (sha: string): ComparedCommit => ({
  sha,
  authorLogin: "github-actions[bot]",
  committerLogin: "web-flow",
  authorName: "github-actions[bot]",
  verified: true,
  verificationReason: "valid",
});

const range = (over: Partial<Extract<ComparedRange, { complete: true }>>): ComparedRange => ({
  complete: true,
  status: "ahead",
  files: ["experiments/results/aggregated.json", "dispatch/state.json"],
  commits: [ours("a".repeat(40))],
  ...over,
});

describe("resultsOnlyRange: labgate's own results commits, and nothing else", () => {
  it("labgate's results commits on results paths: ok", () => {
    expect(resultsOnlyRange(range({}), DIRS)).toEqual({ ok: true });
    expect(
      resultsOnlyRange(range({ commits: [ours("a".repeat(40)), ours("b".repeat(40))] }), DIRS),
    ).toEqual({ ok: true });
  });

  it("an incomplete comparison fails closed with its reason", () => {
    expect(resultsOnlyRange({ complete: false, why: "too many commits" }, DIRS)).toEqual({
      ok: false,
      reason: "too many commits",
    });
  });

  it("a head that is not a descendant fails closed", () => {
    const v = resultsOnlyRange(range({ status: "diverged" }), DIRS);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.reason).toContain("the head is not a descendant");
  });

  it("a path outside the results and dispatch folders (a rename's old path included) fails, named", () => {
    const v = resultsOnlyRange(range({ files: ["dispatch/state.json", "train.py"] }), DIRS);
    expect(!v.ok && v.reason).toContain(
      "the commits since change 1 file(s) outside the results and dispatch directories: `train.py`",
    );
  });

  it("an unusable directory setting protects nothing", () => {
    expect(resultsOnlyRange(range({}), ["", ".", "/", "../x"]).ok).toBe(false);
  });

  it("each commit not labgate's is named with its author and committer; labgate's are not", () => {
    const v = resultsOnlyRange(
      range({
        commits: [
          ours("a".repeat(40)),
          { ...ours("b".repeat(40)), authorLogin: "mallory", committerLogin: "mallory" },
          { ...ours("c".repeat(40)), verified: false, verificationReason: "unsigned" },
        ],
      }),
      DIRS,
    );
    expect(v.ok).toBe(false);
    const reason = v.ok ? "" : v.reason;
    expect(reason).toContain("2 commit(s) are not");
    expect(reason).toContain("`bbbbbbb` by @mallory, committed by @mallory");
    expect(reason).toContain(
      "`ccccccc` by @github-actions[bot], committed by @web-flow, which GitHub does not verify (unsigned)",
    );
    expect(reason).not.toContain("aaaaaaa");
  });

  it("author and committer logins are compared without case", () => {
    expect(
      resultsOnlyRange(
        range({ commits: [{ ...ours("a".repeat(40)), authorLogin: "GitHub-Actions[bot]" }] }),
        DIRS,
      ),
    ).toEqual({ ok: true });
  });
});

describe("resultsOnlyRange: the committer is GitHub itself", () => {
  it("a verified commit by github-actions[bot] committed by github-actions[bot] (not web-flow) is not labgate's", () => {
    const v = resultsOnlyRange(
      range({ commits: [{ ...ours("a".repeat(40)), committerLogin: "github-actions[bot]" }] }),
      DIRS,
    );
    expect(v.ok).toBe(false);
    expect(v.ok ? "" : v.reason).toContain(
      "`aaaaaaa` by @github-actions[bot], committed by @github-actions[bot]",
    );
  });

  it("a trusted author named as committer is refused too", () => {
    const v = resultsOnlyRange(
      range({
        commits: [
          { ...ours("a".repeat(40)), authorLogin: "my-bot[bot]", committerLogin: "my-bot[bot]" },
        ],
      }),
      DIRS,
      ["my-bot[bot]"],
    );
    expect(v.ok).toBe(false);
  });
});
