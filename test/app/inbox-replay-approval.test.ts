import { Probot, ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createLabgateApp } from "../../src/app/create-app.js";
import { inboxRuntime } from "../../src/app/inbox/inbox-runtime.js";
import { openInboxStore } from "../../src/app/inbox/open-inbox-store.js";
import {
  appTrust,
  encodeApproval,
  encodeCodeReviewState,
} from "../../src/github/check-run-protocol.js";
import {
  type LoopbackGitHub,
  type LoopbackRepo,
  startLoopbackGitHub,
} from "../helpers/loopback-github.js";
import { commentEvent, pull, sha } from "../helpers/loopback-github-events.js";
import { tempDir } from "../helpers/temp-dir.js";
import { exampleFiles, PRIVATE_KEY } from "./harness.js";

const APP_ID = 123;
const HEAD = sha("a");
let gh: LoopbackGitHub | undefined;
afterEach(async () => {
  await gh?.close();
  gh = undefined;
});

/** A repository whose PR #1 head passed every gate (as this app recorded it earlier). */
async function greenPr() {
  const repo: LoopbackRepo = {
    owner: "lab",
    name: "alpha",
    id: 501,
    installationId: 1,
    pulls: new Map([[1, pull(1, HEAD, "researcher")]]),
    files: exampleFiles(),
    roles: { maintainer: "write" },
  };
  gh = await startLoopbackGitHub({
    appId: APP_ID,
    repos: [repo],
    chaos: { failShare: 0, rateLimitShare: 0, seed: 1 },
  });
  for (const name of ["labgate/definitions", "labgate/design-debate", "labgate/code-review"])
    gh.addCheckRun(repo, {
      name,
      head_sha: HEAD,
      status: "completed",
      conclusion: "success",
      external_id:
        name === "labgate/code-review" ? encodeCodeReviewState({ v: 1, dry_run: "passed" }) : "",
      output: { title: "reviewed earlier" },
      app: { id: APP_ID, slug: "labgate" },
    });
  return { gh, repo };
}

/** A server start on `dataDir`: the app loads, replays its inbox, and is waited on. */
async function startOn(dataDir: string, github: LoopbackGitHub) {
  const opened = openInboxStore(dataDir, new Date());
  if (!opened.ok) throw new Error(opened.message);
  const inbox = inboxRuntime({
    store: opened.store,
    retry: { attempts: 2, baseDelayMs: 0, maxDelayMs: 0 },
    redeliveryIntervalMs: 0,
  });
  const probot = new Probot({
    appId: APP_ID,
    privateKey: PRIVATE_KEY,
    secret: "test-secret",
    baseUrl: github.url,
    logLevel: "fatal",
    Octokit: ProbotOctokit.defaults((o: object) => ({
      ...o,
      retry: { enabled: false },
      throttle: { enabled: false },
    })),
  });
  await probot.load(createLabgateApp({ inbox, trust: appTrust(APP_ID) }));
  await inbox.idle();
  return { probot, inbox, store: opened.store };
}

const replies = (g: LoopbackGitHub) =>
  g.comments.filter((c) => c.user.type === "Bot").map((c) => c.body);

describe("a replayed /approve-phase8 never dispatches twice", () => {
  it("stored, then the process died before starting it: the replay dispatches once; GitHub's redelivery of it does nothing", async () => {
    const { gh: g, repo } = await greenPr();
    const dir = tempDir();
    const { payload } = commentEvent(g, repo, 1, "/approve-phase8", "maintainer");
    const before = openInboxStore(dir, new Date());
    if (!before.ok) throw new Error(before.message);
    before.store.record({
      id: "d-approve",
      name: "issue_comment",
      payload,
      installationId: 1,
      receivedAt: Date.now(),
    });
    before.store.close();

    const app = await startOn(dir, g);
    expect(g.dispatches.map((d) => [d.repo, d.inputs.pr, d.inputs.sha])).toEqual([
      ["lab/alpha", "1", HEAD],
    ]);
    expect(app.store.pending()).toEqual([]);
    await app.probot.receive({ id: "d-approve", name: "issue_comment", payload } as never);
    await app.inbox.idle();
    expect(g.dispatches).toHaveLength(1);
    expect(replies(g)).toHaveLength(1);
    app.store.close();
  });

  it("dispatched, then the process died before marking it done: the replay finds the approval record and starts no second dispatch", async () => {
    const { gh: g, repo } = await greenPr();
    const dir = tempDir();
    const { payload, comment } = commentEvent(g, repo, 1, "/approve-phase8", "maintainer");
    // What the earlier process got done: its approval record, and the dispatch itself.
    g.addCheckRun(repo, {
      name: "labgate/phase8",
      head_sha: HEAD,
      status: "in_progress",
      conclusion: null,
      external_id: encodeApproval({
        v: 1,
        pr: 1,
        sha: HEAD,
        phase: "full",
        by: "maintainer",
        at: new Date().toISOString(),
        state: "approved",
        comment_id: comment.id,
      }),
      output: { title: "Approved by @maintainer — dispatching" },
      app: { id: APP_ID, slug: "labgate" },
    });
    g.dispatches.push({
      repo: "lab/alpha",
      workflow: "labgate-dispatch.yml",
      ref: "main",
      inputs: { pr: "1", sha: HEAD, phase: "full" },
    });
    const before = openInboxStore(dir, new Date());
    if (!before.ok) throw new Error(before.message);
    before.store.record({
      id: "d-approve",
      name: "issue_comment",
      payload,
      installationId: 1,
      receivedAt: Date.now(),
    });
    before.store.close();

    const app = await startOn(dir, g);
    expect(g.dispatches).toHaveLength(1);
    expect(replies(g)).toEqual([
      expect.stringMatching(/^@maintainer Already approved by @maintainer/),
    ]);
    expect(app.store.pending()).toEqual([]);
    app.store.close();
  });
});
