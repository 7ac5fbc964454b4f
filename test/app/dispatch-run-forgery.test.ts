import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dispatchRunTitle } from "../../src/app/approval/dispatch-run-title.js";
import { budgetPauseRefusal, encodeBudgetPause } from "../../src/core/budget/budget-pause.js";
import { type ApprovalRecord, encodeApproval } from "../../src/github/check-run-protocol.js";
import {
  API,
  BASE_REF,
  checkRun,
  checkRunsReply,
  DISPATCH_RUNS_QUERY,
  example,
  exampleFiles,
  HEAD,
  nock,
  pullRequestResource,
  R,
  servePolicy,
  testApp,
  withToken,
} from "./harness.js";

/**
 * Security review of the dispatch chain (issue #19): anyone who can run a workflow by hand (a
 * same-repository PR's author, or the PR's own workflow through GITHUB_TOKEN) can start the
 * dispatch workflow for an approved (PR, SHA). Only a run that carried the campaign (its plan job
 * authorized it) completes the approval, and only labgate's own budget refusal pauses it
 * (docs/approval.md, docs/security.md). Real webhook payloads; GitHub mocked at the HTTP layer.
 */
beforeEach(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const config = exampleFiles()[".github/labgate.yml"] as string;
const FORGED = { wave: 2, measured_gpu_hours: 4999, wave_gpu_hours: 1, budget_gpu_hours: 10 };

function record(): ApprovalRecord {
  return {
    v: 1,
    pr: 2,
    sha: HEAD,
    phase: "full",
    by: "octocat",
    at: "2026-04-30T10:00:00.000Z",
    state: "dispatching",
    comment_id: 1,
    budget_gpu_hours: 12,
    budget_from: "definitions",
  };
}

/** A hand-made dispatch run of wave 2 for the approved (PR, SHA) finished with `conclusion`. */
function handRunFinished(conclusion: string) {
  const p = example(
    "workflow_run",
    (e) => e.action === "completed" && e.workflow_run.event === "workflow_dispatch",
  );
  p.installation = { id: 1 };
  p.workflow_run.path = ".github/workflows/labgate-dispatch.yml";
  p.workflow_run.head_branch = BASE_REF;
  p.workflow_run.display_title = dispatchRunTitle({ pr: 2, sha: HEAD, phase: "full", wave: 2 });
  p.workflow_run.conclusion = conclusion;
  p.workflow_run.status = "completed";
  return p;
}

/**
 * What the app may read for the run: the approval on HEAD, no wave 3, the PR, the run's plan job
 * (`plan`) and its annotations; any write is recorded in `writes`.
 */
function serve(runId: number, plan: Record<string, unknown> | undefined, annotations: string[]) {
  const writes: { method: string; path: string; body: any }[] = [];
  const phase8 = checkRun(500, "labgate/phase8", {
    status: "in_progress",
    conclusion: null,
    external_id: encodeApproval(record()),
  });
  const scope = servePolicy(withToken(nock(API)), config)
    .get(`${R}/commits/${HEAD}/check-runs`)
    .query(true)
    .times(3)
    .optionally()
    .reply(200, checkRunsReply([phase8]))
    .get(`${R}/actions/workflows/labgate-dispatch.yml/runs`)
    .query(DISPATCH_RUNS_QUERY)
    .optionally()
    .reply(200, { total_count: 0, workflow_runs: [] })
    .get(`${R}/pulls/2`)
    .optionally()
    .reply(200, pullRequestResource())
    .get(`${R}/actions/runs/${runId}/jobs`)
    .query(true)
    .optionally()
    .reply(200, {
      total_count: plan ? 1 : 0,
      jobs: plan ? [{ id: 77, name: "plan", status: "completed", html_url: null, ...plan }] : [],
    })
    .get(`${R}/check-runs/77/annotations`)
    .query(true)
    .optionally()
    .reply(
      200,
      annotations.map((message) => ({ path: ".github", annotation_level: "failure", message })),
    )
    // Reading the results for a completion: nothing committed.
    .get(/\/contents\//)
    .query(true)
    .times(5)
    .optionally()
    .reply(404, { message: "Not Found" })
    .post("/graphql")
    .times(5)
    .optionally()
    .reply(200, { data: { repository: null } });
  for (const method of ["patch", "post"] as const)
    scope[method](/\/check-runs/)
      .times(5)
      .optionally()
      .reply(200, (path, body) => {
        writes.push({ method, path, body });
        return { id: 900 };
      });
  return writes;
}

describe("a dispatch run that did not carry the campaign leaves the approval as it is", () => {
  it("a budget pause forged through an echoed input (the old annotation text): labgate/phase8 is neither paused nor completed", async () => {
    const app = await testApp();
    const p = handRunFinished("failure");
    // What the plan step wrote before inputs were escaped: the raw `stage` text, newlines kept.
    const echoed = `input \`stage\`: Invalid input (got "x\n${encodeBudgetPause(FORGED)}")`;
    const bare = `input \`stage\`: Invalid input (got "x\n${encodeBudgetPause(FORGED)}`;
    const writes = serve(p.workflow_run.id, { conclusion: "failure" }, [echoed, bare]);
    await app.receive("workflow_run", p);
    expect(writes).toEqual([]);
  });

  it("a plan refusal whose last line is a well-formed pause but is not labgate's own budget refusal: ignored", async () => {
    const app = await testApp();
    const p = handRunFinished("failure");
    const writes = serve(p.workflow_run.id, { conclusion: "failure" }, [
      `refusing to plan: something else\n${encodeBudgetPause(FORGED)}`,
      // labgate's own words, but for another wave than the run's title names
      budgetPauseRefusal({ ...FORGED, wave: 3 }, 2),
    ]);
    await app.receive("workflow_run", p);
    expect(writes).toEqual([]);
  });

  it("a hand-made dispatch whose plan step refused (a bad input, a duplicate): the approval is not completed", async () => {
    const app = await testApp();
    const p = handRunFinished("failure");
    const writes = serve(p.workflow_run.id, { conclusion: "failure" }, [
      'input `wave`: a whole number: 1 for the first wave, 2 for the next..., written as digits only with no leading zero, sign, space, decimal point or hex (got "02")',
    ]);
    await app.receive("workflow_run", p);
    expect(writes).toEqual([]);
  });

  it("a run cancelled before its plan job ran (no plan job, or the plan job cancelled): the approval is not completed", async () => {
    for (const plan of [undefined, { conclusion: "cancelled" }, { conclusion: "skipped" }]) {
      const app = await testApp();
      const p = handRunFinished("cancelled");
      const writes = serve(p.workflow_run.id, plan, []);
      await app.receive("workflow_run", p);
      expect(writes, JSON.stringify(plan)).toEqual([]);
      nock.cleanAll();
    }
  });

  it("labgate's own budget refusal for the run's wave still pauses the approval", async () => {
    const app = await testApp();
    const p = handRunFinished("failure");
    const pause = { wave: 2, measured_gpu_hours: 9.5, wave_gpu_hours: 4, budget_gpu_hours: 12 };
    const writes = serve(p.workflow_run.id, { conclusion: "failure" }, [
      budgetPauseRefusal(pause, 2),
    ]);
    await app.receive("workflow_run", p);
    expect(writes).toHaveLength(1);
    expect(writes[0]?.body.status).toBe("in_progress");
    expect(writes[0]?.body.output.title).toBe(
      "Paused before wave 2: the GPU-hour budget does not cover it",
    );
  });

  it("a failed run whose plan job succeeded carried the campaign: the approval completes as failure", async () => {
    const app = await testApp();
    const p = handRunFinished("failure");
    const writes = serve(p.workflow_run.id, { conclusion: "success" }, []);
    await app.receive("workflow_run", p);
    expect(writes.length).toBeGreaterThan(0);
    expect(writes[0]?.body).toMatchObject({ status: "completed", conclusion: "failure" });
  });
});
