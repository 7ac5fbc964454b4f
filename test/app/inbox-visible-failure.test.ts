import { Probot, ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLabgateApp } from "../../src/app/create-app.js";
import { inboxRuntime } from "../../src/app/inbox/inbox-runtime.js";
import { memoryInboxStore } from "../../src/app/inbox/open-inbox-store.js";
import {
  API,
  HEAD,
  NOW,
  nock,
  PRIVATE_KEY,
  prCommentEvent,
  pullRequestEvent,
  R,
  withToken,
} from "./harness.js";

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

/** The app with its durable inbox (in memory here), a retry budget of 2 tries, no waiting. */
async function inboxApp() {
  const store = memoryInboxStore();
  const inbox = inboxRuntime({
    store,
    retry: { attempts: 2, baseDelayMs: 0, maxDelayMs: 0 },
    redeliveryIntervalMs: 0,
  });
  const probot = new Probot({
    appId: 123,
    privateKey: PRIVATE_KEY,
    secret: "test-secret",
    logLevel: "fatal",
    Octokit: ProbotOctokit.defaults((o: object) => ({
      ...o,
      retry: { enabled: false },
      throttle: { enabled: false },
    })),
  });
  await probot.load(createLabgateApp({ inbox, clock: () => NOW }));
  return { probot, inbox, store };
}

/** The fetch-back at start: an empty delivery log. */
const emptyDeliveryLog = (scope: nock.Scope) =>
  scope.get("/app/hook/deliveries").query(true).reply(200, []);

describe("when GitHub keeps failing, the PR shows it", () => {
  it("a review that cannot read the PR: each gate check concludes failure with what GitHub answered", async () => {
    const bodies: any[] = [];
    // Every read of the PR (REST or GraphQL, whichever the review makes first) answers 502.
    nock(API)
      .persist()
      .get(/^\/repos\//)
      .reply(502, { message: "Bad Gateway" })
      .post("/graphql")
      .reply(502, { message: "Bad Gateway" });
    const scope = withToken(emptyDeliveryLog(nock(API)))
      .post(`${R}/check-runs`, (b) => bodies.push(b) > 0)
      .times(3)
      .reply(201, { id: 1 });
    const app = await inboxApp();
    await app.probot.receive({
      id: "d-502",
      name: "pull_request",
      payload: pullRequestEvent("synchronize"),
    } as never);
    await app.inbox.idle();
    scope.done();
    expect(bodies.map((b) => [b.name, b.head_sha, b.status, b.conclusion, b.output.title])).toEqual(
      ["labgate/definitions", "labgate/code-review", "labgate/design-debate"].map((name) => [
        name,
        HEAD,
        "completed",
        "failure",
        "labgate could not read the PR (GitHub answered 502); re-run this check",
      ]),
    );
    expect(bodies[0].output.summary).toMatch(/press \*\*Re-run\*\* on this check/);
    expect(app.store.stats()).toMatchObject({ depth: 0, failed: 1 });
  });

  it("a command that cannot be carried out gets a reply saying so and why", async () => {
    const replies: string[] = [];
    // Whatever the command reads first (the PR, the policy) meets a secondary rate limit.
    const limited = nock(API)
      .persist()
      .get(/^\/repos\//)
      .reply(403, { message: "You have exceeded a secondary rate limit." }, { "retry-after": "0" });
    const scope = withToken(emptyDeliveryLog(nock(API)))
      .post(`${R}/issues/2/comments`, (b) => replies.push(b.body) > 0)
      .reply(201, { id: 9 });
    const app = await inboxApp();
    await app.probot.receive({
      id: "d-403",
      name: "issue_comment",
      payload: prCommentEvent("/approve-phase8"),
    } as never);
    await app.inbox.idle();
    expect(limited.isDone()).toBe(true);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(
      /^@Codertocat labgate did not carry out `\/approve-phase8` from \[this comment\]\(.+\): GitHub answered 403, rate limit \(`rate-limited`\), and its retries ran out\. Comment the command again to retry/,
    );
    expect(app.store.stats()).toMatchObject({ depth: 0, failed: 1 });
    expect(scope.pendingMocks()).toEqual([]);
  });
});
