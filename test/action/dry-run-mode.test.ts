import { writeFileSync } from "node:fs";
import { join } from "node:path";
import examples from "@octokit/webhooks-examples";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeGitHub, startFakeGitHub } from "../helpers/fake-github.js";
import { tempDir } from "../helpers/temp-dir.js";
import { campaignFiles } from "./helpers/campaign-fixture.js";
import { git, repoWithBranch } from "./helpers/git-fixture.js";
import { runBundledAction } from "./helpers/run-bundled-action.js";

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** The real `workflow_dispatch` example payload: the gates workflow's own event. */
function dispatchEventFile(pr: number, sha: string): string {
  const all = examples as unknown as { name: string; examples: any[] }[];
  const payload = structuredClone(all.find((e) => e.name === "workflow_dispatch")?.examples[0]);
  payload.inputs = { pr: String(pr), sha };
  const file = join(tempDir("labgate-event-"), "event.json");
  writeFileSync(file, JSON.stringify(payload));
  return file;
}

const BROKEN_SCRIPT = `import argparse, sys
p = argparse.ArgumentParser()
p.add_argument("--method"); p.add_argument("--dataset"); p.add_argument("--seed", type=int)
p.add_argument("--checkpoint-dir"); p.add_argument("--result-file"); p.add_argument("--fail-on")
p.add_argument("--resume", action="store_true"); p.add_argument("--dry-run", action="store_true")
a = p.parse_args()
if a.dry_run:
    raise SystemExit("dry run: dataset toy not found")
`;

/**
 * The gates workflow's `dry-run` step as the runner starts it — here WITH a write token in its
 * environment (input and GITHUB_TOKEN), as a misconfigured workflow would give it: the mode must
 * still make no request at all.
 */
async function dryRun(
  repo: { work: string; head: string },
  opts: { sha?: string; env?: Record<string, string> } = {},
) {
  const sha = opts.sha ?? repo.head;
  return runBundledAction(
    { mode: "dry-run", token: "ghs_write_token", sha, pr: "5" },
    {
      GITHUB_WORKSPACE: repo.work,
      GITHUB_EVENT_NAME: "workflow_dispatch",
      GITHUB_EVENT_PATH: dispatchEventFile(5, sha),
      GITHUB_API_URL: fake?.url as string,
      GITHUB_TOKEN: "ghs_write_token",
      RUNNER_ENVIRONMENT: "github-hosted",
      ...opts.env,
    },
  );
}

describe("action mode dry-run (bundled, GitHub-hosted runner, no API writes)", () => {
  it("runs the code review with dry-runs, reports through the job summary and makes no API request even with a token", async () => {
    const repo = repoWithBranch(campaignFiles());
    fake = await startFakeGitHub({
      owner: "lab",
      repo: "study",
      checkRuns: [
        {
          id: 7,
          name: "labgate/code-review",
          head_sha: repo.head,
          status: "completed",
          conclusion: "neutral",
        },
      ],
    });
    const run = await dryRun(repo);
    expect(run.log).not.toContain("::error::");
    expect(run.code).toBe(0);
    expect(run.outputs.conclusion).toBe("success");
    expect(fake.requests).toEqual([]);
    expect(fake.checkRuns.get(7)?.conclusion).toBe("neutral");
    expect(run.summary).toContain(`## labgate/code-review dry-run of PR #5 at ${repo.head}`);
    expect(run.summary).toMatch(/CODE_APPROVED/);
    expect(run.summary).toContain("This job holds no token and posts nothing");
  }, 60_000);

  it("fails the job with the blocking items when a dry-run fails, still without any API request", async () => {
    const files = campaignFiles();
    files["train.py"] = BROKEN_SCRIPT;
    const repo = repoWithBranch(files);
    fake = await startFakeGitHub({ owner: "lab", repo: "study" });
    const run = await dryRun(repo);
    expect(run.code).toBe(1);
    expect(run.outputs.conclusion).toBe("failure");
    expect(run.log).toMatch(/::error::labgate\/code-review: CODE_REVISE/);
    expect(run.summary).toContain("dataset toy not found");
    expect(fake.requests).toEqual([]);
  }, 60_000);

  it("refuses a checkout that is not the requested sha", async () => {
    const repo = repoWithBranch(campaignFiles());
    writeFileSync(join(repo.work, "extra.txt"), "x\n");
    git(repo.work, "add", "extra.txt");
    git(repo.work, "commit", "-qm", "moved on");
    fake = await startFakeGitHub({ owner: "lab", repo: "study" });
    const run = await dryRun(repo, { sha: repo.head });
    expect(run.code).toBe(1);
    expect(run.log).toContain(`not the requested sha ${repo.head}; refusing to continue`);
    expect(fake.requests).toEqual([]);
  }, 60_000);

  it("needs `sha`: the gates workflow passes the PR head it dispatched", async () => {
    const repo = repoWithBranch(campaignFiles());
    fake = await startFakeGitHub({ owner: "lab", repo: "study" });
    const run = await dryRun(repo, { env: { INPUT_SHA: "" } });
    expect(run.code).toBe(1);
    expect(run.log).toContain('input `sha` is required in mode "dry-run"');
  });

  it("refuses to run PR code on a self-hosted runner", async () => {
    const repo = repoWithBranch(campaignFiles());
    fake = await startFakeGitHub({ owner: "lab", repo: "study" });
    const run = await dryRun(repo, { env: { RUNNER_ENVIRONMENT: "self-hosted" } });
    expect(run.code).toBe(1);
    expect(run.log).toContain("must run on a GitHub-hosted runner");
    expect(fake.requests).toEqual([]);
  });
});
