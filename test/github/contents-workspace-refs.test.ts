import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { contentsWorkspace } from "../../src/github/contents-workspace.js";
import { createOctokit } from "../../src/github/octokit.js";

const API = "https://api.github.com";
const repo = { owner: "Codertocat", repo: "Hello-World" };
const SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const blob = (text: string) => ({ text, byteSize: text.length, isBinary: false });

describe("files at another ref, in the same batch (the default branch's policy beside a PR head)", () => {
  it("one GraphQL request names both refs; each ref's copy is answered apart", async () => {
    const queries: string[] = [];
    const scope = nock(API)
      .post("/graphql", (b) => queries.push(b.query) > 0)
      .reply(200, {
        data: {
          repository: {
            f0: blob("policy: main\n"),
            f1: blob("head: pr\n"),
            f2: null,
          },
        },
      });
    const ws = contentsWorkspace(createOctokit({ token: "t", retries: 0 }), repo, SHA);
    await ws.prefetch([
      { ref: "main", path: ".github/labgate.yml" },
      ".github/labgate.yml",
      "experiments/definitions.json",
    ]);
    expect(queries).toHaveLength(1);
    expect(queries[0]).toContain('f0: object(expression: "main:.github/labgate.yml")');
    expect(queries[0]).toContain(`f1: object(expression: "${SHA}:.github/labgate.yml")`);
    expect(await ws.readAt("main", ".github/labgate.yml")).toBe("policy: main\n");
    expect(await ws.readFile(".github/labgate.yml")).toBe("head: pr\n");
    expect(await ws.readFile("experiments/definitions.json")).toBeUndefined();
    expect(ws.requests).toBe(1);
    scope.done();
  });

  it("a file at another ref that no batch named is read through the contents API at that ref", async () => {
    const scope = nock(API)
      .get("/repos/Codertocat/Hello-World/contents/.github%2Flabgate.yml")
      .query({ ref: "main" })
      .reply(200, {
        type: "file",
        size: 5,
        encoding: "base64",
        content: Buffer.from("a: 1\n").toString("base64"),
      });
    const ws = contentsWorkspace(createOctokit({ token: "t", retries: 0 }), repo, SHA);
    expect(await ws.readAt("main", ".github/labgate.yml")).toBe("a: 1\n");
    expect(await ws.readAt("main", ".github/labgate.yml")).toBe("a: 1\n");
    expect(ws.requests).toBe(1);
    scope.done();
  });
});
