import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fetchMissedDeliveries } from "../../src/app/inbox/fetch-missed-deliveries.js";
import { memoryInboxStore } from "../../src/app/inbox/open-inbox-store.js";
import { type HookDelivery, pickRedeliveries } from "../../src/app/inbox/pick-redeliveries.js";
import { classifyFailure, retryDelayMs } from "../../src/app/inbox/work-failure.js";
import { createOctokit } from "../../src/github/octokit.js";

const at = (min: number) => new Date(Date.UTC(2026, 4, 1, 12, min)).toISOString();
const entry = (
  id: number,
  guid: string,
  min: number,
  status: number,
  event = "pull_request",
): HookDelivery => ({
  id,
  guid,
  delivered_at: at(min),
  status_code: status,
  event,
  action: event === "pull_request" ? "synchronize" : "created",
});

describe("which missed deliveries are asked for again", () => {
  const view = (known: string[] = [], asked: Record<string, number> = {}) => ({
    since: Date.parse(at(10)),
    known: (g: string) => known.includes(g),
    askedAt: (g: string) => asked[g],
    handled: (event: string) => event === "pull_request" || event === "issue_comment",
  });

  it("failed ones since the last finished, once per delivery id, oldest first", () => {
    const log = [
      entry(9, "down-2", 31, 0, "issue_comment"),
      entry(8, "down-1", 30, 0),
      entry(7, "down-1", 29, 502),
      entry(6, "before", 5, 0),
    ];
    expect(pickRedeliveries(log, view()).map((d) => [d.id, d.guid])).toEqual([
      [8, "down-1"],
      [9, "down-2"],
    ]);
  });

  it("not what succeeded on a later attempt, what the inbox holds, what was asked before, or events the app ignores", () => {
    const log = [
      entry(5, "ok-later", 20, 200),
      entry(4, "ok-later", 19, 0),
      entry(3, "stored", 18, 0),
      entry(2, "asked", 17, 0),
      entry(1, "ignored", 16, 0, "star"),
    ];
    expect(pickRedeliveries(log, view(["stored"], { asked: Date.parse(at(18)) }))).toEqual([]);
  });

  it("a redelivery that failed too (the server was not listening yet) is asked for again; one still pending is not", () => {
    // asked at 20; GitHub's redelivery attempt at 21 failed to connect
    const failedAgain = [entry(2, "down", 21, 0), entry(1, "down", 17, 0)];
    const asked = { down: Date.parse(at(20)) };
    expect(pickRedeliveries(failedAgain, view([], asked)).map((d) => d.guid)).toEqual(["down"]);
    // asked at 20, no attempt logged since: still pending at GitHub, not asked twice
    expect(pickRedeliveries([entry(1, "down", 17, 0)], view([], asked))).toEqual([]);
  });

  it("a redelivery that failed before the ask was noted is asked for again (by log id, not by clock)", () => {
    // Seen in the chaos test: the ask named log entry 8; GitHub's attempt (entry 9) failed at
    // once, before the app noted its ask at minute 22. By time it looks older than the ask.
    const log = [entry(9, "down", 21, 0), entry(8, "down", 17, 0)];
    const byId = { ...view([], { down: Date.parse(at(22)) }), askedId: () => 8 };
    expect(pickRedeliveries(log, byId).map((d) => d.guid)).toEqual(["down"]);
    // no attempt since entry 8: still pending, not asked twice
    expect(pickRedeliveries([entry(8, "down", 17, 0)], byId)).toEqual([]);
  });
});

describe("what a failure is, and when to try again", () => {
  const err = (status: number | undefined, headers: Record<string, string> = {}, message = "x") =>
    Object.assign(new Error(message), { status, response: { headers } });

  it("names each kind of answer", () => {
    expect(classifyFailure(err(502))).toEqual({
      code: "github-unavailable",
      status: 502,
      transient: true,
    });
    expect(classifyFailure(err(403, { "retry-after": "30" }))).toMatchObject({
      code: "rate-limited",
      retryAfterS: 30,
    });
    expect(classifyFailure(err(403, { "x-ratelimit-remaining": "0" }))).toMatchObject({
      code: "rate-limited",
    });
    expect(classifyFailure(err(429))).toMatchObject({ code: "rate-limited", transient: true });
    expect(classifyFailure(err(403))).toEqual({
      code: "github-refused",
      status: 403,
      transient: false,
    });
    expect(classifyFailure(err(undefined, {}, "fetch failed"))).toMatchObject({
      code: "unreachable",
      transient: true,
    });
    expect(classifyFailure(new TypeError("cannot read 'sha' of undefined"))).toMatchObject({
      code: "bug",
      transient: false,
    });
  });

  it("knows an unanswered request by its error code or name, not by its wording", () => {
    const reset = new TypeError("la requête a échoué", {
      cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
    });
    expect(classifyFailure(reset)).toMatchObject({ code: "unreachable", transient: true });
    const undici = new TypeError("request failed", {
      cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
    });
    expect(classifyFailure(undici)).toMatchObject({ code: "unreachable" });
    const aborted = Object.assign(new Error("This operation was aborted"), { name: "AbortError" });
    expect(classifyFailure(aborted)).toMatchObject({ code: "unreachable" });
    // A message that merely mentions a timeout, with no code behind it, is labgate's own bug.
    expect(classifyFailure(new Error("the gate's socket timeout was not set"))).toMatchObject({
      code: "bug",
      transient: false,
    });
  });

  it("backs off, honours retry-after up to the cap, and stops at the budget", () => {
    const budget = { attempts: 3, baseDelayMs: 1000, maxDelayMs: 10_000 };
    const f502 = classifyFailure(err(502));
    expect([1, 2, 3].map((a) => retryDelayMs(f502, a, budget))).toEqual([1000, 2000, undefined]);
    expect(retryDelayMs(classifyFailure(err(403, { "retry-after": "60" })), 1, budget)).toBe(
      10_000,
    );
    expect(retryDelayMs(classifyFailure(err(404)), 1, budget)).toBeUndefined();
  });
});

describe("fetching missed deliveries back from GitHub's delivery log", () => {
  const API = "https://api.github.com";
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it("pages back to the last finished delivery, asks once per missed one, and remembers only what GitHub accepted", async () => {
    const store = memoryInboxStore();
    store.record({
      id: "seen",
      name: "pull_request",
      payload: {},
      installationId: 1,
      receivedAt: Date.parse(at(30)),
    });
    store.markDone("seen", Date.parse(at(30)));
    const page1 = [
      entry(12, "missed-b", 50, 0),
      entry(11, "seen", 30, 200),
      entry(10, "missed-a", 25, 502),
    ];
    const page2 = [entry(9, "old", 5, 0)];
    const scope = nock(API)
      .get("/app/hook/deliveries")
      .query({ per_page: 100 })
      .reply(200, page1, {
        link: `<${API}/app/hook/deliveries?per_page=100&cursor=c2>; rel="next"`,
      })
      .get("/app/hook/deliveries")
      .query({ per_page: 100, cursor: "c2" })
      .reply(200, page2)
      .post("/app/hook/deliveries/10/attempts")
      .reply(202, {})
      .post("/app/hook/deliveries/12/attempts")
      .reply(502, { message: "Bad Gateway" });
    const deps = {
      appOctokit: createOctokit({ token: "app-jwt", retries: 0 }),
      store,
      handled: () => true,
      now: () => Date.parse(at(60)),
    };
    await expect(fetchMissedDeliveries(deps)).rejects.toMatchObject({ status: 502 });
    scope.done();
    // "old" was delivered before the last finished one less the slack (10 min): not asked.
    expect(store.redeliveryAskedAt("missed-a")).toBe(Date.parse(at(60)));
    expect(store.redeliveryAskedAt("missed-b")).toBeUndefined();

    const again = nock(API)
      .get("/app/hook/deliveries")
      .query({ per_page: 100 })
      .reply(200, page1)
      .post("/app/hook/deliveries/12/attempts")
      .reply(202, {});
    expect(await fetchMissedDeliveries(deps)).toEqual({ asked: ["missed-b"] });
    again.done();
  });
});
