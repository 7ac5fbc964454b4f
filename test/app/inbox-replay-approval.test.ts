import { afterEach, describe, expect, it } from "vitest";
import { openInboxStore } from "../../src/app/inbox/open-inbox-store.js";
import { encodeApproval } from "../../src/github/check-run-protocol.js";
import { commentEvent } from "../helpers/loopback-github-events.js";
import { tempDir } from "../helpers/temp-dir.js";
import { APP_ID, closeLoopbacks, greenPr, HEAD, replies, startOn } from "./inbox-replay-harness.js";

afterEach(closeLoopbacks);

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
