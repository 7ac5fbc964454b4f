import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLabgateApp } from "../../src/app/create-app.js";
import { createWorkQueue } from "../../src/app/work-queue.js";
import { API, nock, PRIVATE_KEY, prCommentEvent, R, withToken } from "./harness.js";

const SECRET = "test-secret";
let server: Server;
let url: string;
let errors: unknown[];
let queue: ReturnType<typeof createWorkQueue>;

beforeEach(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  errors = [];
  queue = createWorkQueue((err) => errors.push(err));
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
  const middleware = await createNodeMiddleware(createLabgateApp({ queue }), { probot });
  server = createServer((req, res) => middleware(req, res, () => res.writeHead(404).end()));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
});
afterEach(async () => {
  await new Promise((r) => server.close(r));
  nock.cleanAll();
  nock.enableNetConnect();
});

function post(body: string, headers: Record<string, string>) {
  return fetch(url, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-github-event": "issue_comment",
      "x-github-delivery": "d-1",
      ...headers,
    },
  });
}
const sign = (body: string, algo = "sha256", secret = SECRET) =>
  `${algo}=${createHmac(algo, secret).update(body).digest("hex")}`;

describe("webhook signatures through the real HTTP server", () => {
  const body = JSON.stringify(prCommentEvent("/labgate help"));

  it("a correctly signed delivery gets 200 before the work is done, and the work then happens", async () => {
    const scope = withToken(nock(API))
      .post(`${R}/issues/comments/492700400/reactions`)
      .reply(201, {})
      .post(`${R}/issues/2/comments`)
      .reply(201, { id: 1 });
    const res = await post(body, { "x-hub-signature-256": sign(body) });
    expect(res.status).toBe(200);
    await queue.idle();
    expect(errors).toEqual([]);
    scope.done();
  });

  const bad: [string, Record<string, string>][] = [
    ["forged", { "x-hub-signature-256": sign(body, "sha256", "not-the-secret") }],
    ["missing", {}],
    ["sha1 only (wrong algorithm)", { "x-hub-signature": sign(body, "sha1") }],
    ["sha1 in the sha256 header", { "x-hub-signature-256": sign(body, "sha1") }],
  ];
  for (const [label, headers] of bad) {
    it(`${label} signature: 400 and no side effect`, async () => {
      const res = await post(body, headers);
      expect(res.status).toBe(400);
      await queue.idle();
      expect(errors).toEqual([]);
      expect(nock.pendingMocks()).toEqual([]);
    });
  }
});
