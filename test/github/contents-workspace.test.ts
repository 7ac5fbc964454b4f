import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { contentsWorkspace } from "../../src/github/contents-workspace.js";
import { createOctokit } from "../../src/github/octokit.js";

const API = "https://api.github.com";
const repo = { owner: "Codertocat", repo: "Hello-World" };
const SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";

let unhandled: unknown[];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  nock.disableNetConnect();
  unhandled = [];
  process.on("unhandledRejection", onUnhandled);
});
afterEach(() => {
  process.off("unhandledRejection", onUnhandled);
  nock.cleanAll();
  nock.enableNetConnect();
});

/** Lets Node report any rejection that has no handler by now. */
const settle = () => new Promise((r) => setTimeout(r, 20));

describe("a failed GraphQL batch read", () => {
  for (const [status, headers] of [
    [502, {}],
    [403, { "retry-after": "60", "x-ratelimit-remaining": "4000" }],
  ] as const) {
    it(`${status}: prefetch rejects with the status and nothing is left unhandled`, async () => {
      const scope = nock(API)
        .post("/graphql")
        .reply(
          status,
          { message: status === 403 ? "secondary rate limit" : "Bad Gateway" },
          headers,
        );
      const ws = contentsWorkspace(createOctokit({ token: "t", retries: 0 }), repo, SHA);
      await expect(
        ws.prefetch([".github/labgate.yml", "experiments/definitions.json"]),
      ).rejects.toMatchObject({ status });
      await settle();
      expect(unhandled).toEqual([]);
      scope.done();
    });
  }

  it("a path of a failed batch is asked again through the contents API, not answered from the failure", async () => {
    const scope = nock(API)
      .post("/graphql")
      .reply(502, { message: "Bad Gateway" })
      .get("/repos/Codertocat/Hello-World/contents/.github%2Flabgate.yml")
      .query({ ref: SHA })
      .reply(200, {
        type: "file",
        size: 5,
        encoding: "base64",
        content: Buffer.from("a: 1\n").toString("base64"),
      });
    const ws = contentsWorkspace(createOctokit({ token: "t", retries: 0 }), repo, SHA);
    await expect(ws.prefetch([".github/labgate.yml"])).rejects.toMatchObject({ status: 502 });
    expect(await ws.readFile(".github/labgate.yml")).toBe("a: 1\n");
    await settle();
    expect(unhandled).toEqual([]);
    scope.done();
  });
});
