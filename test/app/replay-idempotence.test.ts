import { afterEach, describe, expect, it } from "vitest";
import { decodeApproval } from "../../src/github/check-run-protocol.js";
import type { LoopbackGitHub } from "../helpers/loopback-github.js";
import { commentEvent, prEvent, sha } from "../helpers/loopback-github-events.js";
import { tempDir } from "../helpers/temp-dir.js";
import {
  closeLoopbacks,
  greenPr,
  HEAD,
  leftInInbox,
  replies,
  startOn,
} from "./inbox-replay-harness.js";

afterEach(closeLoopbacks);

const DISPATCH_POST = "/repos/lab/alpha/actions/workflows/labgate-dispatch.yml/dispatches";

const phase8 = (g: LoopbackGitHub) => g.checkRuns.filter((c) => c.name === "labgate/phase8");
const dispatched = (g: LoopbackGitHub) =>
  g.dispatches.map((d) => [d.workflow, d.ref, d.inputs.pr, d.inputs.sha, d.inputs.phase]);
const FULL_DISPATCH = ["labgate-dispatch.yml", "main", "1", HEAD, "full"];

/**
 * The app's first life: the `/approve-phase8` delivery is stored and worked on with the real code,
 * and the process is killed the moment its dispatch request reaches GitHub. GitHub is left as it
 * was then: the check runs, comments and reactions written so far, and the dispatch itself only
 * when `applied`. The delivery stays unfinished in the first life's inbox.
 */
async function killedAtTheDispatch(applied: boolean) {
  const { gh, repo } = await greenPr();
  const { payload } = commentEvent(gh, repo, 1, "/approve-phase8", "maintainer");
  let left: Pick<LoopbackGitHub, "checkRuns" | "comments" | "reactions"> | undefined;
  const atDispatch = (req: { method?: string }, path: string) => {
    if (req.method !== "POST" || path !== DISPATCH_POST) return undefined;
    left ??= structuredClone({
      checkRuns: gh.checkRuns,
      comments: gh.comments,
      reactions: gh.reactions,
    });
    return undefined;
  };
  gh.extraRoutes.push(atDispatch);
  const dir = tempDir();
  leftInInbox(dir, [{ id: "d-approve", name: "issue_comment", payload, installationId: 1 }]);
  const firstLife = await startOn(dir, gh);
  firstLife.store.close();
  if (!left) throw new Error("the first life never sent its dispatch");
  gh.extraRoutes.splice(gh.extraRoutes.indexOf(atDispatch), 1);
  gh.checkRuns.splice(0, Infinity, ...left.checkRuns);
  gh.comments.splice(0, Infinity, ...left.comments);
  gh.reactions.splice(0, Infinity, ...left.reactions);
  gh.dispatches.splice(applied ? 1 : 0, Infinity);
  // What the dead process left on GitHub: one labgate/phase8 record, and no reply yet.
  expect(phase8(gh)).toHaveLength(1);
  expect(replies(gh)).toEqual([]);
  // Its inbox still holds the delivery: the restart replays it.
  const replayDir = tempDir();
  leftInInbox(replayDir, [{ id: "d-approve", name: "issue_comment", payload, installationId: 1 }]);
  return { gh, replayDir };
}

describe("/approve-phase8 replayed after the process died around its dispatch", () => {
  it("died after writing the approval record and before dispatching: the replay dispatches exactly once and the record becomes approved", async () => {
    const { gh, replayDir } = await killedAtTheDispatch(false);
    const app = await startOn(replayDir, gh);
    expect(dispatched(gh)).toEqual([FULL_DISPATCH]);
    const records = phase8(gh);
    expect(records).toHaveLength(1);
    expect(decodeApproval(records[0]?.external_id)).toMatchObject({
      pr: 1,
      sha: HEAD,
      by: "maintainer",
      state: "approved",
    });
    expect(records[0]?.status).toBe("in_progress");
    expect(records[0]?.output.title).toBe("Approved by @maintainer for aaaaaaa — dispatched");
    expect(replies(gh)).toEqual([
      expect.stringMatching(
        /^@maintainer Approved by @maintainer for `aaaaaaa`: every gate is green\. Dispatched `labgate-dispatch\.yml` \(phase full\)/,
      ),
    ]);
    expect(app.store.pending()).toEqual([]);
    app.store.close();
  });

  it("died after dispatching and before updating the record: the replay finds the dispatch run, dispatches nothing and marks the record approved", async () => {
    const { gh, replayDir } = await killedAtTheDispatch(true);
    expect(decodeApproval(phase8(gh)[0]?.external_id)?.state).toBe("dispatching");
    const app = await startOn(replayDir, gh);
    expect(dispatched(gh)).toEqual([FULL_DISPATCH]);
    const records = phase8(gh);
    expect(records).toHaveLength(1);
    expect(decodeApproval(records[0]?.external_id)?.state).toBe("approved");
    expect(replies(gh)).toEqual([
      "@maintainer Approved by @maintainer for `aaaaaaa`: its dispatch had started ([run](https://github.com/lab/alpha/actions/runs/9000)); labgate recorded it and starts no second one. `labgate/phase8` follows its progress.",
    ]);
    expect(app.store.pending()).toEqual([]);
    app.store.close();
  });
});

describe("a dispatch GitHub answers 502 is never sent twice by the request layer", () => {
  /** GitHub answers the first dispatch POST 502, having applied it or not; later ones normally. */
  function first502(gh: LoopbackGitHub, applied: boolean) {
    const posts: unknown[] = [];
    gh.extraRoutes.push((req, path, body) => {
      if (req.method !== "POST" || path !== DISPATCH_POST) return undefined;
      posts.push(body);
      if (posts.length > 1) return undefined;
      if (applied)
        gh.dispatches.push({
          repo: "lab/alpha",
          workflow: "labgate-dispatch.yml",
          ref: body.ref,
          inputs: body.inputs,
        });
      return [502, { message: "Server Error" }];
    });
    return posts;
  }

  it("applied, then answered 502: one POST; the app's retry finds the run, dispatches nothing more and reports the approval", async () => {
    const { gh, repo } = await greenPr();
    const posts = first502(gh, true);
    const { payload } = commentEvent(gh, repo, 1, "/approve-phase8", "maintainer");
    const dir = tempDir();
    leftInInbox(dir, [{ id: "d-approve", name: "issue_comment", payload, installationId: 1 }]);
    // Octokit's retry plugin on, as in production: it must not repeat the dispatch.
    const app = await startOn(dir, gh, { octokitRetry: true, attempts: 3 });
    expect(posts).toEqual([{ ref: "main", inputs: { pr: "1", sha: HEAD, phase: "full" } }]);
    expect(dispatched(gh)).toEqual([FULL_DISPATCH]);
    expect(phase8(gh).map((c) => decodeApproval(c.external_id)?.state)).toEqual(["approved"]);
    expect(replies(gh)).toEqual([
      expect.stringMatching(
        /^@maintainer Approved by @maintainer for `aaaaaaa`: its dispatch had started/,
      ),
    ]);
    expect(app.store.pending()).toEqual([]);
    app.store.close();
  });

  it("not applied, answered 502: the app's retry finds no run and dispatches once", async () => {
    const { gh, repo } = await greenPr();
    const posts = first502(gh, false);
    const { payload } = commentEvent(gh, repo, 1, "/approve-phase8", "maintainer");
    const dir = tempDir();
    leftInInbox(dir, [{ id: "d-approve", name: "issue_comment", payload, installationId: 1 }]);
    const app = await startOn(dir, gh, { octokitRetry: true, attempts: 3 });
    expect(posts).toHaveLength(2);
    expect(dispatched(gh)).toEqual([FULL_DISPATCH]);
    expect(phase8(gh).map((c) => decodeApproval(c.external_id)?.state)).toEqual(["approved"]);
    expect(replies(gh)).toEqual([
      expect.stringMatching(
        /^@maintainer Approved by @maintainer for `aaaaaaa`: every gate is green\. Dispatched/,
      ),
    ]);
    app.store.close();
  });
});

describe("/run-pilot whose dispatch GitHub answers 502", () => {
  it("one POST, and the reply says the dispatch may have started and how to tell, rather than that it did not", async () => {
    const { gh, repo } = await greenPr();
    const posts: unknown[] = [];
    gh.extraRoutes.push((req, path, body) => {
      if (req.method !== "POST" || path !== DISPATCH_POST) return undefined;
      posts.push(body);
      gh.dispatches.push({
        repo: "lab/alpha",
        workflow: "labgate-dispatch.yml",
        ref: body.ref,
        inputs: body.inputs,
      });
      return [502, { message: "Server Error" }];
    });
    const { payload } = commentEvent(gh, repo, 1, "/run-pilot", "maintainer");
    const dir = tempDir();
    leftInInbox(dir, [{ id: "d-pilot", name: "issue_comment", payload, installationId: 1 }]);
    const app = await startOn(dir, gh, { octokitRetry: true, attempts: 3 });
    expect(posts).toEqual([{ ref: "main", inputs: { pr: "1", sha: HEAD, phase: "pilot" } }]);
    expect(replies(gh)).toEqual([
      `@maintainer Pilot dispatch unconfirmed: GitHub answered HTTP 502 to the dispatch of \`labgate-dispatch.yml\`, which it may have started anyway. Look for a run titled \`labgate dispatch: PR #1 at ${HEAD} (pilot, wave 1)\` in the Actions tab in a minute; comment \`/run-pilot\` again only if there is none.`,
    ]);
    expect(app.store.pending()).toEqual([]);
    app.store.close();
  });
});

describe("a replayed review updates its check runs", () => {
  it("a pull_request.synchronize delivery replayed twice leaves one check run per gate: the second pass PATCHes each with the same verdict", async () => {
    const { gh, repo } = await greenPr({ gates: false });
    const pr = repo.pulls.get(1);
    if (!pr) throw new Error("no PR 1");
    const payload = prEvent(repo, pr, "synchronize", sha("b"));
    const writes: { method: string; path: string; body: any }[] = [];
    gh.extraRoutes.push((req, path, body) => {
      if (/\/check-runs(\/\d+)?$/.test(path) && req.method !== "GET")
        writes.push({ method: req.method ?? "", path, body });
      return undefined;
    });
    const delivery = { id: "d-sync", name: "pull_request", payload, installationId: 1 };

    // Two lives that each died before marking the delivery done: each start replays it.
    for (let life = 0; life < 2; life++) {
      const dir = tempDir();
      leftInInbox(dir, [delivery]);
      const app = await startOn(dir, gh);
      app.store.close();
    }
    const gates = ["labgate/definitions", "labgate/code-review", "labgate/design-debate"];
    const onHead = gh.checkRuns.filter((c) => c.head_sha === HEAD);
    expect(onHead.map((c) => c.name).sort()).toEqual([...gates].sort());

    const created = writes.filter((w) => w.method === "POST");
    const updated = writes.filter((w) => w.method === "PATCH");
    expect(created.map((w) => w.body.name).sort()).toEqual([...gates].sort());
    expect(updated).toHaveLength(gates.length);
    for (const post of created) {
      const id = onHead.find((c) => c.name === post.body.name)?.id;
      const patch = updated.find((w) => w.path === `/repos/lab/alpha/check-runs/${id}`);
      // The same verdict, without the annotations GitHub already holds (an update appends them).
      expect(patch?.body).toEqual({
        status: "completed",
        conclusion: post.body.conclusion,
        completed_at: expect.any(String),
        ...(post.body.external_id === undefined ? {} : { external_id: post.body.external_id }),
        output: { title: post.body.output.title, summary: post.body.output.summary },
      });
    }
  });
});
