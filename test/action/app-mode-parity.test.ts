import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { sign } from "@octokit/webhooks-methods";
import { Probot, ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createLabgateApp } from "../../src/app/create-app.js";
import { createWorkQueue } from "../../src/app/work-queue.js";
import {
  APP_ID,
  BASE_REF,
  exampleFiles,
  HEAD,
  OWNER,
  PRIVATE_KEY,
  pullRequestEvent,
  REPO,
} from "../app/harness.js";
import { type FakeGitHubPr, startFakeGitHubPr } from "../helpers/fake-github-pr.js";
import { tempDir } from "../helpers/temp-dir.js";
import { runBundledAction } from "./helpers/run-bundled-action.js";

const SECRET = "parity-webhook-secret";
const fakes: FakeGitHubPr[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

async function fakeGitHub(): Promise<FakeGitHubPr> {
  const f = await startFakeGitHubPr({
    owner: OWNER,
    repo: REPO,
    defaultBranch: BASE_REF,
    files: exampleFiles(),
  });
  fakes.push(f);
  return f;
}

/** What a check run shows a reader: its name, commit, state, verdict and title. */
const shown = (runs: any[]) =>
  runs
    .map((c) => ({
      name: c.name,
      head_sha: c.head_sha,
      status: c.status,
      conclusion: c.conclusion,
      title: c.output?.title,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));

describe("the bundled action's app mode posts what the app server posts", () => {
  it("a signed pull_request delivery to the server and the same event to the bundled action (mode: app) give the same labgate/* check runs", async () => {
    const payload = pullRequestEvent("opened");

    // The server: Probot verifies the delivery's signature, then labgate's handlers run.
    const server = await fakeGitHub();
    const errors: unknown[] = [];
    const queue = createWorkQueue((err) => errors.push(err));
    const probot = new Probot({
      appId: APP_ID,
      privateKey: PRIVATE_KEY,
      secret: SECRET,
      baseUrl: server.url,
      logLevel: "fatal",
      Octokit: ProbotOctokit.defaults((o: object) => ({
        ...o,
        retry: { enabled: false },
        throttle: { enabled: false },
      })),
    });
    await probot.load(createLabgateApp({ queue, trust: { app_id: APP_ID } }));
    const body = JSON.stringify(payload);
    await probot.webhooks.verifyAndReceive({
      id: "delivery-parity-1",
      name: "pull_request",
      payload: body,
      signature: await sign(SECRET, body),
    });
    await queue.idle();
    expect(errors).toEqual([]);
    // An unsigned (wrongly signed) delivery is refused before any handler runs.
    await expect(
      probot.webhooks.verifyAndReceive({
        id: "delivery-parity-2",
        name: "pull_request",
        payload: body,
        signature: await sign("not-the-secret", body),
      }),
    ).rejects.toThrow(/signature does not match/);

    // The action: the same event as a workflow gives it, with the job's token.
    const action = await fakeGitHub();
    const event = structuredClone(payload);
    delete event.installation;
    const eventPath = join(tempDir(), "event.json");
    writeFileSync(eventPath, JSON.stringify(event));
    const run = await runBundledAction(
      { mode: "app", token: "ghs_workflow_token" },
      {
        GITHUB_EVENT_NAME: "pull_request",
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_API_URL: action.url,
        GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      },
    );
    expect(run.log).not.toContain("::error::");
    expect(run.code).toBe(0);

    const fromServer = shown(server.checkRuns());
    expect(fromServer.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        "labgate/code-review",
        "labgate/definitions",
        "labgate/design-debate",
      ]),
    );
    for (const c of fromServer) expect(c.head_sha).toBe(HEAD);
    expect(shown(action.checkRuns())).toEqual(fromServer);
    // Each side used its own credential only.
    expect(action.requests.every((r) => r.authorization === "token ghs_workflow_token")).toBe(true);
    expect(
      server.requests
        .filter((r) => !r.path.startsWith("/app/"))
        .every((r) => r.authorization === "token ghs_installation"),
    ).toBe(true);
    // Neither asked for anything this stand-in does not serve (a file that is not there is a 404).
    const unserved = (f: FakeGitHubPr) =>
      f.requests
        .filter((r) => r.status === 404 && !r.path.includes("/contents/"))
        .map((r) => `${r.method} ${r.path}`);
    expect(unserved(server)).toEqual([]);
    expect(unserved(action)).toEqual([]);
  }, 120_000);
});
