import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DASHBOARD_MARKER } from "../../src/app/dashboard/render-dashboard.js";
import { createOctokit } from "../../src/github/octokit.js";
import { diskWorkspace } from "../../src/operations/disk-workspace.js";
import { loadContext } from "../../src/operations/load-context.js";
import { tempDir } from "../helpers/temp-dir.js";
import {
  API,
  BASE_REF,
  exampleFiles,
  HEAD,
  nock,
  OWNER,
  pullRequestEvent,
  R,
  REPO,
  testApp,
  withToken,
} from "./harness.js";

beforeEach(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const repo = { owner: OWNER, repo: REPO };
const octokit = () => createOctokit({ token: "t", retries: 0 });
const ORG_FILE = `/repos/${OWNER}/.github/contents/.github%2Flabgate.yml`;
const file = (text: string) => ({
  type: "file",
  size: text.length,
  encoding: "base64",
  content: Buffer.from(text).toString("base64"),
});

describe("loadContext: the config an invocation runs with, loaded once", () => {
  it("the default branch's file, named by GET /repos/{o}/{r}", async () => {
    const scope = nock(API)
      .get(R)
      .reply(200, { default_branch: "trunk" })
      .get(`${R}/contents/.github%2Flabgate.yml`)
      .query({ ref: "trunk" })
      .reply(200, file("results_dir: out\n"));
    const ctx = await loadContext({ kind: "default-branch", octokit: octokit(), repo });
    scope.done();
    expect(ctx).toMatchObject({ ok: true, ref: "trunk", from: "trunk:.github/labgate.yml" });
    expect(ctx.ok && ctx.config.results_dir).toBe("out");
  });

  it("a repository without one takes its owner's .github repository's (the Probot way)", async () => {
    const scope = nock(API)
      .get(`${R}/contents/.github%2Flabgate.yml`)
      .query({ ref: BASE_REF })
      .reply(404, { message: "Not Found" })
      .get(ORG_FILE)
      .reply(200, file("approvers:\n  users: [mona]\n"));
    // The webhook's signed `repository.default_branch` saves the GET /repos/{o}/{r}.
    const ctx = await loadContext({
      kind: "default-branch",
      octokit: octokit(),
      repo,
      defaultBranch: BASE_REF,
    });
    scope.done();
    expect(ctx).toMatchObject({
      ok: true,
      ref: BASE_REF,
      from: `${OWNER}/.github:.github/labgate.yml`,
    });
    expect(ctx.ok && ctx.config.approvers.users).toEqual(["mona"]);
  });

  it("neither has one: the defaults", async () => {
    const scope = nock(API)
      .get(`${R}/contents/.github%2Flabgate.yml`)
      .query({ ref: "abc" })
      .reply(404, { message: "Not Found" })
      .get(ORG_FILE)
      .reply(404, { message: "Not Found" });
    const ctx = await loadContext({ kind: "ref", octokit: octokit(), repo, ref: "abc" });
    scope.done();
    expect(ctx).toMatchObject({ ok: true, ref: "abc", from: "defaults" });
    expect(ctx.ok && ctx.config.dispatch_dir).toBe("dispatch");
  });

  it("an invalid file is a value with a code, naming the file, the key and the line", async () => {
    const scope = nock(API)
      .get(`${R}/contents/.github%2Flabgate.yml`)
      .query({ ref: BASE_REF })
      .reply(200, file("results_dir: out\ngates:\n  min_seeds: zero\n"));
    const ctx = await loadContext({
      kind: "default-branch",
      octokit: octokit(),
      repo,
      defaultBranch: BASE_REF,
    });
    scope.done();
    expect(ctx.ok).toBe(false);
    if (ctx.ok) return;
    expect(ctx.code).toBe("config-invalid");
    expect(ctx.ref).toBe(BASE_REF);
    expect(ctx.message).toMatch(/^master:\.github\/labgate\.yml:3:\d+: error: gates\.min_seeds/);
    expect(ctx.diagnostics).toEqual([
      expect.objectContaining({ file: "master:.github/labgate.yml", line: 3 }),
    ]);
  });

  it("on disk: the checkout's file, or the defaults; a link the workspace refuses is config-refused", async () => {
    const dir = tempDir("labgate-context-");
    expect(await loadContext({ kind: "disk", workspace: diskWorkspace(dir) })).toMatchObject({
      ok: true,
      from: "defaults",
      ref: undefined,
    });
    mkdirSync(join(dir, ".github"));
    writeFileSync(join(dir, "elsewhere.yml"), "results_dir: out\n");
    symlinkSync(join(dir, "elsewhere.yml"), join(dir, ".github/labgate.yml"));
    const refused = await loadContext({ kind: "disk", workspace: diskWorkspace(dir) });
    expect(refused).toMatchObject({
      ok: false,
      code: "config-refused",
      from: ".github/labgate.yml",
    });
    writeFileSync(join(dir, "mine.yml"), "dispatch_dir: runs\n");
    const given = await loadContext({
      kind: "disk",
      workspace: diskWorkspace(dir),
      path: "mine.yml",
    });
    expect(given).toMatchObject({ ok: true, from: "mine.yml" });
    expect(given.ok && given.config.dispatch_dir).toBe("runs");
  });
});

describe("the app's gates obey the owner-wide config as the approvers do", () => {
  it("no labgate.yml on the default branch: the owner's .github repository's is the policy, and an invalid one fails every gate naming it", async () => {
    const app = await testApp();
    const checks: any[] = [];
    const files = exampleFiles();
    delete files[".github/labgate.yml"];
    const scope = withToken(nock(API));
    scope
      .post("/graphql")
      .times(2)
      .reply(200, (_uri, body: any) => {
        const repository: Record<string, unknown> = {};
        for (const m of (body.query as string).matchAll(
          /(f\d+): object\(expression: "([^"]+)"\)/g,
        )) {
          const [ref, ...rest] = (m[2] as string).split(":");
          const text = ref === BASE_REF ? undefined : files[rest.join(":")];
          repository[m[1] as string] =
            text === undefined
              ? null
              : { text, byteSize: Buffer.byteLength(text), isBinary: false };
        }
        return { data: { repository } };
      })
      .get(ORG_FILE)
      .reply(200, file("gates:\n  min_seeds: zero\n"))
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query(true)
      .optionally()
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${R}/check-runs`, (b) => checks.push(b) > 0)
      .times(3)
      .reply(201, () => ({ id: 100 + checks.length }))
      .get(`${R}/issues/2/comments`)
      .query(true)
      .reply(200, [])
      .post(`${R}/issues/2/comments`, (b) => b.body.startsWith(DASHBOARD_MARKER))
      .reply(201, { id: 10 });
    await app.receive("pull_request", pullRequestEvent("opened"));
    scope.done();
    expect(checks.map((c) => [c.name, c.conclusion])).toEqual([
      ["labgate/definitions", "failure"],
      ["labgate/code-review", "failure"],
      ["labgate/design-debate", "failure"],
    ]);
    const definitions = checks.find((c) => c.name === "labgate/definitions");
    expect(definitions.output.summary).toContain(`${OWNER}/.github:.github/labgate.yml`);
    expect(definitions.output.summary).toContain("gates.min_seeds");
  });
});
