import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DASHBOARD_MARKER } from "../../src/app/dashboard/render-dashboard.js";
import { actionsModeInputFromEnv, runInActions } from "../../src/app/run-in-actions.js";
import { diskWorkspace } from "../../src/operations/disk-workspace.js";
import { reviewGates } from "../../src/operations/review-gates.js";
import { runBundledAction } from "../action/helpers/run-bundled-action.js";
import { startFakeGitHub } from "../helpers/fake-github.js";
import { serveGatesDispatch } from "./dry-run-helpers.js";
import {
  exampleFiles,
  HEAD,
  nock,
  OWNER,
  prCommentEvent,
  pullRequestEvent,
  R,
  REPO,
  serveFiles,
} from "./harness.js";

/** Not api.github.com: every request must go where GITHUB_API_URL says. */
const ACTIONS_API = "https://api.labgate.test";
const TOKEN = "ghs_workflow_token";
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let dir: string;
beforeEach(() => {
  nock.disableNetConnect();
  dir = mkdtempSync(join(tmpdir(), "labgate-actions-"));
});
afterEach(() => {
  nock.cleanAll();
  rmSync(dir, { recursive: true, force: true });
});

/** The environment a workflow step gives `labgate app`, with the event written to a file. */
function actionsEnv(name: string, payload: Record<string, any>): NodeJS.ProcessEnv {
  const path = join(dir, "event.json");
  // A workflow's event has no installation: the job's token is the only credential.
  delete payload.installation;
  writeFileSync(path, JSON.stringify(payload));
  return {
    GITHUB_EVENT_NAME: name,
    GITHUB_EVENT_PATH: path,
    GITHUB_TOKEN: TOKEN,
    GITHUB_API_URL: ACTIONS_API,
    GITHUB_RUN_ID: "4242",
  };
}

/** Every request carries the workflow token; no installation token is ever asked for. */
const actionsApi = () => nock(ACTIONS_API, { reqheaders: { authorization: `token ${TOKEN}` } });

describe("labgate app (Actions mode)", () => {
  it("issue_comment `/labgate help`: reacts and replies through GITHUB_API_URL with the job's token", async () => {
    const replies: string[] = [];
    const scope = actionsApi()
      .post(`${R}/issues/comments/492700400/reactions`, (b) => b.content === "eyes")
      .reply(201, {})
      .post(`${R}/issues/2/comments`, (b) => replies.push(b.body) > 0)
      .reply(201, { id: 1 });
    const result = await runInActions(
      actionsModeInputFromEnv(actionsEnv("issue_comment", prCommentEvent("/labgate help"))),
    );
    scope.done();
    expect(result).toEqual({ event: "issue_comment.created", failures: [] });
    expect(replies[0]).toContain("/approve-phase8");
  });

  it("pull_request opened: posts every gate's check on the head and creates the dashboard, then returns", async () => {
    const { verdicts } = await reviewGates({ workspace: diskWorkspace(ROOT), dryRun: "skip" });
    const gates = verdicts.filter((v) => v.gate !== "pilot").map((v) => `labgate/${v.gate}`);
    const checks: any[] = [];
    let dashboard = "";
    const scope = actionsApi();
    serveGatesDispatch(scope); // the code-review dry-run, on the default branch
    serveFiles(scope, exampleFiles(), 2);
    scope
      .post(`${R}/check-runs`, (b) => checks.push(b) > 0)
      .times(gates.length)
      .reply(201, { id: 1 })
      .get(`${R}/issues/2/comments`)
      .query(true)
      .reply(200, [])
      .post(`${R}/issues/2/comments`, (b) => {
        dashboard = b.body;
        return true;
      })
      .reply(201, { id: 10 });
    const result = await runInActions(
      actionsModeInputFromEnv(actionsEnv("pull_request", pullRequestEvent("opened"))),
    );
    scope.done();
    expect(result).toEqual({ event: "pull_request.opened", failures: [] });
    expect(checks.map((c) => c.name)).toEqual(gates);
    for (const c of checks) expect(c).toMatchObject({ head_sha: HEAD, status: "completed" });
    expect(dashboard.startsWith(DASHBOARD_MARKER)).toBe(true);
    // A new PR has no approval to look up.
    expect(dashboard).toContain("not approved");
  });

  it("a failed API call is reported in failures, not thrown, so the step can fail with the reason", async () => {
    const scope = actionsApi()
      .post(`${R}/issues/comments/492700400/reactions`)
      .reply(201, {})
      .post(`${R}/issues/2/comments`)
      .reply(403, { message: "Resource not accessible by integration" });
    const result = await runInActions(
      actionsModeInputFromEnv(actionsEnv("issue_comment", prCommentEvent("/labgate help"))),
    );
    scope.done();
    expect(result.event).toBe("issue_comment.created");
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatch(
      /^Codertocat\/Hello-World#2: .*Resource not accessible by integration/,
    );
  });

  it("without the workflow's environment it says which variables are missing, before any request", async () => {
    await expect(
      runInActions(actionsModeInputFromEnv({ GITHUB_EVENT_NAME: "pull_request" })),
    ).rejects.toThrow(/needs GITHUB_EVENT_PATH, GITHUB_TOKEN/);
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe("the action's app mode (bundled, as labgate-app.yml runs it)", () => {
  it("handles a real issue_comment event with the step's token, from the bundle alone", async () => {
    const fake = await startFakeGitHub({ owner: OWNER, repo: REPO });
    try {
      const env = actionsEnv("issue_comment", prCommentEvent("/labgate help"));
      const run = await runBundledAction(
        { mode: "app", token: TOKEN },
        {
          GITHUB_EVENT_NAME: env.GITHUB_EVENT_NAME as string,
          GITHUB_EVENT_PATH: env.GITHUB_EVENT_PATH as string,
          GITHUB_API_URL: fake.url,
          GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
        },
      );
      expect(run.log).not.toContain("::error::");
      expect(run.code).toBe(0);
      expect(run.summary).toContain("## labgate app: handled issue_comment.created");
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        `POST ${R}/issues/comments/492700400/reactions`,
        `POST ${R}/issues/2/comments`,
      ]);
      expect(fake.requests[0]?.body).toEqual({ content: "eyes" });
      expect(fake.requests[1]?.body.body).toContain("/approve-phase8");
    } finally {
      await fake.close();
    }
  });

  it("fails the step with the handler's failure", async () => {
    const fake = await startFakeGitHub({ owner: OWNER, repo: "another-repo" });
    try {
      const env = actionsEnv("issue_comment", prCommentEvent("/labgate help"));
      const run = await runBundledAction(
        { mode: "app", token: TOKEN },
        {
          GITHUB_EVENT_NAME: env.GITHUB_EVENT_NAME as string,
          GITHUB_EVENT_PATH: env.GITHUB_EVENT_PATH as string,
          GITHUB_API_URL: fake.url,
        },
      );
      expect(run.code).toBe(1);
      expect(run.log).toMatch(
        /::error::labgate app: issue_comment\.created failed: Codertocat\/Hello-World#2: /,
      );
      expect(run.summary).toContain("## labgate app: issue_comment.created failed");
    } finally {
      await fake.close();
    }
  });
});
