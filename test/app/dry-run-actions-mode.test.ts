import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { actionsModeInputFromEnv, runInActions } from "../../src/app/run-in-actions.js";
import { CODE_REVIEW_CHECK, decodeCodeReviewState } from "../../src/github/check-run-protocol.js";
import {
  GATES_RUN_URL,
  gatesRunCompleted,
  serveContents,
  serveJobs,
  serveRepository,
} from "./dry-run-helpers.js";
import { checkRunsReply, exampleFiles, HEAD, nock, pullRequestResource, R } from "./harness.js";

/** Not api.github.com: every request must go where GITHUB_API_URL says. */
const ACTIONS_API = "https://api.labgate.test";
const TOKEN = "ghs_workflow_token";

let dir: string;
beforeEach(() => {
  nock.disableNetConnect();
  dir = mkdtempSync(join(tmpdir(), "labgate-actions-"));
});
afterEach(() => {
  nock.cleanAll();
  rmSync(dir, { recursive: true, force: true });
});

/** labgate-app.yml's step on the gates workflow's `workflow_run` event. */
function workflowRunStep(payload: Record<string, any>) {
  const path = join(dir, "event.json");
  delete payload.installation;
  writeFileSync(path, JSON.stringify(payload));
  return actionsModeInputFromEnv({
    GITHUB_EVENT_NAME: "workflow_run",
    GITHUB_EVENT_PATH: path,
    GITHUB_TOKEN: TOKEN,
    GITHUB_API_URL: ACTIONS_API,
    GITHUB_RUN_ID: "4343",
  });
}

describe("Actions mode: the gates workflow's workflow_run", () => {
  it("reports the dry-run as a new labgate/code-review check: no existing check is labgate's own when every workflow writes as github-actions", async () => {
    const scope = nock(ACTIONS_API, { reqheaders: { authorization: `token ${TOKEN}` } });
    serveRepository(scope);
    serveContents(scope, exampleFiles());
    scope.get(`${R}/pulls/2`).reply(200, pullRequestResource());
    serveJobs(scope, 1589141559, "success");
    scope
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(
        200,
        checkRunsReply([
          {
            id: 12,
            name: CODE_REVIEW_CHECK,
            head_sha: HEAD,
            status: "completed",
            conclusion: "neutral",
            external_id: "",
            app: { id: 15368, slug: "github-actions" },
            output: { title: "forged", summary: "" },
          },
        ]),
      );
    let created: any;
    scope
      .post(`${R}/check-runs`, (b) => {
        created = b;
        return true;
      })
      .reply(201, { id: 13 });
    const result = await runInActions(workflowRunStep(gatesRunCompleted()));
    scope.done();
    expect(result).toEqual({ event: "workflow_run.completed", failures: [] });
    expect(created).toMatchObject({
      name: CODE_REVIEW_CHECK,
      head_sha: HEAD,
      status: "completed",
      conclusion: "success",
      details_url: GATES_RUN_URL,
    });
    expect(decodeCodeReviewState(created.external_id)).toEqual({ v: 1, dry_run: "passed" });
  });

  it("a forged run (the PR branch's copy of the gates workflow) writes nothing here either", async () => {
    const scope = nock(ACTIONS_API, { reqheaders: { authorization: `token ${TOKEN}` } });
    serveRepository(scope);
    serveContents(scope, exampleFiles());
    const result = await runInActions(
      workflowRunStep(gatesRunCompleted((r) => (r.head_branch = "changes"))),
    );
    scope.done();
    expect(result.failures).toEqual([]);
  });
});
