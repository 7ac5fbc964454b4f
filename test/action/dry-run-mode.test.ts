import { writeFileSync } from "node:fs";
import { join } from "node:path";
import examples from "@octokit/webhooks-examples";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeGitHub, startFakeGitHub } from "../helpers/fake-github.js";
import { tempDir } from "../helpers/temp-dir.js";
import { campaignFiles } from "./helpers/campaign-fixture.js";
import { repoWithBranch } from "./helpers/git-fixture.js";
import { runBundledAction } from "./helpers/run-bundled-action.js";

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** The real `pull_request` example payload, pointed at our repo, head sha and (maybe) a fork. */
function eventFile(headSha: string, fork = false): string {
  const all = examples as unknown as { name: string; examples: any[] }[];
  const payload = structuredClone(
    all.find((e) => e.name === "pull_request")?.examples.find((e) => e.action === "synchronize"),
  );
  payload.number = 5;
  payload.pull_request.number = 5;
  payload.pull_request.head.sha = headSha;
  payload.pull_request.base.repo.full_name = "lab/study";
  payload.pull_request.head.repo.full_name = fork ? "mallory/study" : "lab/study";
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

async function dryRun(repo: { work: string; head: string }, env: Record<string, string> = {}) {
  return runBundledAction(
    { mode: "dry-run", token: "t" },
    {
      GITHUB_WORKSPACE: repo.work,
      GITHUB_EVENT_PATH: eventFile(repo.head),
      GITHUB_API_URL: fake?.url as string,
      RUNNER_ENVIRONMENT: "github-hosted",
      ...env,
    },
  );
}

describe("action mode dry-run (bundled, GitHub-hosted runner)", () => {
  it("runs the code review with dry-runs and completes the app's in-progress labgate/code-review check", async () => {
    const repo = repoWithBranch(campaignFiles());
    fake = await startFakeGitHub({
      owner: "lab",
      repo: "study",
      checkRuns: [
        {
          id: 7,
          name: "labgate/code-review",
          head_sha: repo.head,
          status: "in_progress",
          conclusion: null,
        },
      ],
    });
    const run = await dryRun(repo);
    expect(run.log).not.toContain("::error::");
    expect(run.code).toBe(0);
    expect(run.outputs.conclusion).toBe("success");
    const patch = fake.requests.find((r) => r.method === "PATCH");
    expect(patch?.path).toBe("/repos/lab/study/check-runs/7");
    expect(patch?.body).toMatchObject({
      status: "completed",
      conclusion: "success",
      details_url: "https://github.example/lab/study/actions/runs/4242",
    });
    expect(patch?.body.output.title).toMatch(/^CODE_APPROVED/);
    expect(patch?.body.output.summary.length).toBeLessThanOrEqual(65_535);
    expect(fake.requests.some((r) => r.method === "POST")).toBe(false);
    expect(run.summary).toContain("labgate/code-review");
    expect(run.summary).toContain("Reported to the `labgate/code-review` check (updated)");
  }, 60_000);

  it("creates the check with the blocking items when a dry-run fails, and ends red", async () => {
    const files = campaignFiles();
    files["train.py"] = BROKEN_SCRIPT;
    const repo = repoWithBranch(files);
    fake = await startFakeGitHub({ owner: "lab", repo: "study" });
    const run = await dryRun(repo);
    expect(run.code).toBe(1);
    expect(run.outputs.conclusion).toBe("failure");
    expect(run.log).toMatch(/::error::labgate\/code-review: CODE_REVISE/);
    const post = fake.requests.find((r) => r.method === "POST" && r.path.endsWith("/check-runs"));
    expect(post?.body).toMatchObject({
      name: "labgate/code-review",
      head_sha: repo.head,
      status: "completed",
      conclusion: "failure",
    });
    expect(JSON.stringify(post?.body.output)).toContain("dataset toy not found");
  }, 60_000);

  it("reports a fork PR's verdict through the job only: its token cannot write checks", async () => {
    const repo = repoWithBranch(campaignFiles());
    fake = await startFakeGitHub({ owner: "lab", repo: "study" });
    const run = await dryRun(repo, { GITHUB_EVENT_PATH: eventFile(repo.head, true) });
    expect(run.code).toBe(0);
    expect(fake.requests).toEqual([]);
    expect(run.summary).toContain("This PR comes from a fork");
  }, 60_000);

  it("fails closed, naming the permission, when the token may not write checks", async () => {
    const repo = repoWithBranch(campaignFiles());
    fake = await startFakeGitHub({ owner: "lab", repo: "study", checkRunStatus: 403 });
    const run = await dryRun(repo);
    expect(run.code).toBe(1);
    expect(run.log).toContain(
      "the token may not write check runs (403): give this job `permissions: checks: write`",
    );
  }, 60_000);

  it("refuses to run PR code on a self-hosted runner", async () => {
    const repo = repoWithBranch(campaignFiles());
    fake = await startFakeGitHub({ owner: "lab", repo: "study" });
    const run = await dryRun(repo, { RUNNER_ENVIRONMENT: "self-hosted" });
    expect(run.code).toBe(1);
    expect(run.log).toContain("must run on a GitHub-hosted runner");
    expect(fake.requests).toEqual([]);
  });
});
