import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sign } from "@octokit/webhooks-methods";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createLabgateApp } from "../../src/app/create-app.js";
import { inboxRuntime } from "../../src/app/inbox/inbox-runtime.js";
import type { InboxStore } from "../../src/app/inbox/inbox-store.js";
import { memoryInboxStore } from "../../src/app/inbox/open-inbox-store.js";
import { nock, PRIVATE_KEY, prCommentEvent } from "./harness.js";

const SECRET = "test-secret";
let server: Server | undefined;
afterEach(async () => {
  if (server) await new Promise((r) => server?.close(r));
  server = undefined;
  nock.cleanAll();
  nock.enableNetConnect();
});

/** The app with a durable inbox behind Probot's real webhook middleware; GitHub unreachable. */
async function serve(store: InboxStore) {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  const probot = new Probot({
    appId: 123,
    privateKey: PRIVATE_KEY,
    secret: SECRET,
    logLevel: "fatal",
    Octokit: ProbotOctokit.defaults((o: object) => ({
      ...o,
      retry: { enabled: false },
      throttle: { enabled: false },
    })),
  });
  const inbox = inboxRuntime({
    store,
    retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
    redeliveryIntervalMs: 0,
  });
  const middleware = await createNodeMiddleware(createLabgateApp({ inbox }), { probot });
  server = createServer((req, res) => middleware(req, res, () => res.writeHead(404).end()));
  await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  return {
    inbox,
    post: async (id: string, payload: unknown) => {
      const body = JSON.stringify(payload);
      const res = await fetch(url, {
        method: "POST",
        body,
        headers: {
          "content-type": "application/json",
          "x-github-event": "issue_comment",
          "x-github-delivery": id,
          "x-hub-signature-256": await sign(SECRET, body),
        },
      });
      return res.status;
    },
  };
}

describe("a delivery is stored before its 2xx (Probot's middleware answers after receive resolves)", () => {
  it("a store that cannot write makes the answer 500, so GitHub logs the delivery failed and it is fetched back later", async () => {
    const store = memoryInboxStore();
    const failing: InboxStore = {
      ...store,
      record: () => {
        throw Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
      },
    };
    const app = await serve(failing);
    expect(await app.post("d-full", prCommentEvent("/labgate help"))).toBe(500);
    expect(store.knows("d-full")).toBe(false);
  });

  it("a 200 means the delivery is in the store; a redelivery is worked on again only if its work did not complete", async () => {
    const store = memoryInboxStore();
    const app = await serve(store);
    expect(await app.post("d-1", prCommentEvent("/labgate help"))).toBe(200);
    expect(store.knows("d-1")).toBe(true);
    // GitHub is unreachable here: the work fails, and ends failed rather than pending forever.
    await app.inbox.idle();
    expect(store.stats()).toMatchObject({ depth: 0, failed: 1 });

    // GitHub's redelivery of the failed one is worked on again; a completed one is not.
    expect(await app.post("d-1", prCommentEvent("/labgate help"))).toBe(200);
    expect(store.pending().map((d) => d.id)).toEqual(["d-1"]);
    await app.inbox.idle();
    store.record({
      id: "d-2",
      name: "issue_comment",
      payload: {},
      installationId: 1,
      receivedAt: 0,
    });
    store.markDone("d-2", Date.now());
    expect(await app.post("d-2", prCommentEvent("/labgate help"))).toBe(200);
    expect(store.pending()).toEqual([]);
  });

  it("events the app does not act on are not stored", async () => {
    const store = memoryInboxStore();
    const app = await serve(store);
    expect(await app.post("d-bot", prCommentEvent("/labgate help", { type: "Bot" }))).toBe(200);
    expect(await app.post("d-edit", prCommentEvent("/labgate help", { action: "edited" }))).toBe(
      200,
    );
    expect(store.knows("d-edit")).toBe(false);
  });
});
