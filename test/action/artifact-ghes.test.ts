import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  artifactServiceFor,
  chooseArtifactStore,
  isGhesServer,
} from "../../src/github/artifacts-actions.js";
import { directoryArtifactStore } from "../../src/github/artifacts-dir.js";
import { insideArtifact, legacyArtifactStore } from "../../src/github/artifacts-ghes.js";
import { type FakeGhesArtifacts, startFakeGhesArtifacts } from "../helpers/fake-ghes-artifacts.js";
import { type FakeGitHub, startFakeGitHub } from "../helpers/fake-github.js";
import { tempDir } from "../helpers/temp-dir.js";
import { campaignFiles } from "./helpers/campaign-fixture.js";
import { git, repoWithBranch, writeFiles } from "./helpers/git-fixture.js";
import { policyInput } from "./helpers/policy-fixture.js";
import { runBundledAction } from "./helpers/run-bundled-action.js";

let service: FakeGhesArtifacts | undefined;
let fake: FakeGitHub | undefined;
afterEach(async () => {
  await service?.close();
  await fake?.close();
  service = undefined;
  fake = undefined;
});

const GHES = "https://github.lab.example.edu";

describe("which artifact service a job uses", () => {
  it("GitHub Enterprise Server is any server but github.com and *.ghe.com", () => {
    expect(isGhesServer(undefined)).toBe(false);
    expect(isGhesServer("https://github.com")).toBe(false);
    expect(isGhesServer("https://octo-corp.ghe.com")).toBe(false);
    expect(isGhesServer(GHES)).toBe(true);
    expect(isGhesServer("http://10.0.0.7:8080")).toBe(true);
  });

  it("picks the v3 service on GHES, v4 elsewhere; LABGATE_ARTIFACT_STORE overrides, a bad value names the variable", () => {
    expect(artifactServiceFor({ GITHUB_SERVER_URL: GHES })).toBe("ghes-v3");
    expect(artifactServiceFor({ GITHUB_SERVER_URL: "https://github.com" })).toBe("v4");
    expect(artifactServiceFor({ GITHUB_SERVER_URL: GHES, LABGATE_ARTIFACT_STORE: "v4" })).toBe(
      "v4",
    );
    expect(
      artifactServiceFor({ GITHUB_SERVER_URL: "https://github.com", LABGATE_ARTIFACT_STORE: "v3" }),
    ).toBe("ghes-v3");
    expect(() => artifactServiceFor({ LABGATE_ARTIFACT_STORE: "s3" })).toThrow(
      /LABGATE_ARTIFACT_STORE is "s3".*v4.*v3/,
    );
    const env = {
      GITHUB_SERVER_URL: GHES,
      ACTIONS_RUNTIME_TOKEN: "t",
      ACTIONS_RUNTIME_URL: "https://github.lab.example.edu/_services/pipelines/",
      GITHUB_RUN_ID: "7",
    };
    expect(chooseArtifactStore(env, directoryArtifactStore).describe).toMatch(
      /GitHub Enterprise Server.*upload-artifact@v3/,
    );
    expect(() =>
      chooseArtifactStore({ ...env, ACTIONS_RUNTIME_URL: "" }, directoryArtifactStore),
    ).toThrow(/needs ACTIONS_RUNTIME_URL/);
    expect(
      chooseArtifactStore(
        { ACTIONS_RUNTIME_TOKEN: "t", GITHUB_SERVER_URL: "https://github.com" },
        directoryArtifactStore,
      ).describe,
    ).toBe("GitHub Actions artifacts of this workflow run");
  });
});

describe("GHES artifact store (the upload-artifact@v3 protocol, at the HTTP layer)", () => {
  it("creates, uploads in Content-Range chunks, finalizes, lists and downloads with paths kept", async () => {
    service = await startFakeGhesArtifacts();
    const store = legacyArtifactStore(
      { runtimeUrl: service.runtimeUrl, token: service.token, runId: "4242" },
      { retentionDays: 7 },
    );
    const src = tempDir();
    const big = Buffer.alloc(9 * 1024 * 1024, 7); // more than one 8 MiB chunk
    writeFiles(src, {
      "dispatch/a_s1.status.json": '{"id":"a_s1"}\n',
      ".labgate/logs/a_s1.log": "hello\n",
      "experiments/results/runs/empty.json": "",
    });
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(src, "big.bin"), big);
    const files = [
      "dispatch/a_s1.status.json",
      ".labgate/logs/a_s1.log",
      "experiments/results/runs/empty.json",
      "big.bin",
    ];
    expect(await store.list()).toEqual([]);
    expect(await store.upload("labgate-shard-0-attempt1", src, files)).toEqual({ files: 4 });
    expect(await store.list()).toEqual(["labgate-shard-0-attempt1"]);

    const create = service.requests.find((r) => r.method === "POST");
    expect(create?.path).toBe("/_apis/pipelines/workflows/4242/artifacts");
    expect(create?.query["api-version"]).toBe("6.0-preview");
    expect(JSON.parse(create?.body.toString() ?? "")).toEqual({
      Type: "actions_storage",
      Name: "labgate-shard-0-attempt1",
      RetentionDays: 7,
    });
    for (const r of service.requests)
      expect(r.headers.authorization).toBe(`Bearer ${service.token}`);
    const bigPuts = service.requests.filter(
      (r) => r.method === "PUT" && r.query.itemPath === "labgate-shard-0-attempt1/big.bin",
    );
    expect(bigPuts.map((r) => r.headers["content-range"])).toEqual([
      `bytes 0-${8 * 1024 * 1024 - 1}/${big.length}`,
      `bytes ${8 * 1024 * 1024}-${big.length - 1}/${big.length}`,
    ]);
    const patch = service.requests.find((r) => r.method === "PATCH");
    expect(patch?.query.artifactName).toBe("labgate-shard-0-attempt1");
    expect(JSON.parse(patch?.body.toString() ?? "")).toEqual({ Size: big.length + 14 + 6 });

    const dest = tempDir();
    await store.download("labgate-shard-0-attempt1", dest);
    expect(readFileSync(join(dest, "dispatch/a_s1.status.json"), "utf8")).toBe('{"id":"a_s1"}\n');
    expect(readFileSync(join(dest, ".labgate/logs/a_s1.log"), "utf8")).toBe("hello\n");
    expect(readFileSync(join(dest, "experiments/results/runs/empty.json"), "utf8")).toBe("");
    expect(readFileSync(join(dest, "big.bin")).equals(big)).toBe(true);
    // The files came gzipped (the client accepts it) and were written as uploaded.
    const downloads = service.requests.filter((r) => r.query.download === "1");
    expect(downloads).toHaveLength(4);
    for (const d of downloads)
      expect(d.headers.accept).toBe("application/octet-stream;api-version=6.0-preview");
    await expect(store.download("labgate-shard-9-attempt1", dest)).rejects.toThrow(/not found/);
    // Names are unique per run, as on GitHub.
    await expect(store.upload("labgate-shard-0-attempt1", src, [])).rejects.toThrow(
      /creating artifact "labgate-shard-0-attempt1" failed \(HTTP 409/,
    );
  });

  it("retries a 503 and fails with the step, the status and the URL without its query", async () => {
    service = await startFakeGhesArtifacts();
    const store = legacyArtifactStore(
      { runtimeUrl: service.runtimeUrl, token: service.token, runId: "1" },
      { retryDelayMs: 1 },
    );
    const src = tempDir();
    writeFiles(src, { "a.txt": "a\n" });
    service.failNext("PUT", 2);
    await store.upload("s", src, ["a.txt"]);
    expect(service.artifacts().get("s")?.get("a.txt")?.toString()).toBe("a\n");
    expect(service.requests.filter((r) => r.method === "PUT")).toHaveLength(3);

    service.failNext("GET", 9);
    await expect(store.list()).rejects.toThrow(
      /listing this run's artifacts failed \(HTTP 503.*\) at http:\/\/127\.0\.0\.1:\d+\/_apis\/pipelines\/workflows\/1\/artifacts$/,
    );
    const bad = legacyArtifactStore({
      ...{ runtimeUrl: service.runtimeUrl, runId: "1" },
      token: "x",
    });
    service.failNext("GET", 0);
    await expect(bad.list()).rejects.toThrow(/HTTP 401/);
  });

  it("refuses a listed item outside its artifact and writes nothing outside the destination", async () => {
    service = await startFakeGhesArtifacts();
    const store = legacyArtifactStore({
      runtimeUrl: service.runtimeUrl,
      token: service.token,
      runId: "1",
    });
    const src = tempDir();
    writeFiles(src, { "a.txt": "a\n" });
    await store.upload("s", src, ["a.txt"]);
    service.addRawItem("s", "s/../../escaped.txt");
    const parent = tempDir();
    const dest = join(parent, "inner", "dest");
    await expect(store.download("s", dest)).rejects.toThrow(
      /lists "s\/\.\.\/\.\.\/escaped\.txt", which is not a file path inside it/,
    );
    expect(existsSync(join(parent, "escaped.txt"))).toBe(false);
    expect(insideArtifact("s", "s/a/b.txt")).toBe(join("a", "b.txt"));
    for (const p of ["t/a.txt", "s/", "s//a", "s/./a", "s/a\\..\\..\\b", "s//etc/passwd"])
      expect(insideArtifact("s", p)).toBeUndefined();
  });
});

describe("the dispatch's shard exchange on GitHub Enterprise Server (bundled action)", () => {
  it("run uploads its shard to the v3 service and aggregate downloads it and commits, with GHES variables and no LABGATE_ARTIFACT_DIR", async () => {
    service = await startFakeGhesArtifacts();
    const repo = repoWithBranch(campaignFiles());
    const ghesEnv = {
      GITHUB_SERVER_URL: GHES,
      ACTIONS_RUNTIME_URL: service.runtimeUrl,
      ACTIONS_RUNTIME_TOKEN: service.token,
      GITHUB_RUN_ID: "4242",
    };
    for (const shard of ["0", "1"]) {
      const checkout = tempDir("labgate-job-");
      git(checkout, "clone", "-q", "--branch", "pr-1", repo.bare, ".");
      const run = await runBundledAction(
        { mode: "run", policy: policyInput(), sha: repo.head, shard, token: "" },
        { ...ghesEnv, GITHUB_WORKSPACE: checkout },
      );
      expect(run.log).not.toMatch(/GHESNotSupported|::error::/);
      expect(run.code).toBe(0);
      expect(run.outputs.artifact).toBe(`labgate-shard-${shard}-attempt1`);
    }
    const stored = service.artifacts();
    expect([...stored.keys()].sort()).toEqual([
      "labgate-shard-0-attempt1",
      "labgate-shard-1-attempt1",
    ]);
    expect([...(stored.get("labgate-shard-0-attempt1")?.keys() ?? [])]).toContain(
      ".labgate/shards/shard-0.json",
    );

    fake = await startFakeGitHub({
      owner: "lab",
      repo: "study",
      bareRepo: repo.bare,
      defaultBranch: "main",
      pulls: { 1: { ref: "pr-1", sha: repo.head } },
    });
    const checkout = tempDir("labgate-job-");
    git(checkout, "clone", "-q", "--branch", "pr-1", repo.bare, ".");
    const aggregate = await runBundledAction(
      { mode: "aggregate", sha: repo.head, pr: "1", token: "t" },
      { ...ghesEnv, GITHUB_WORKSPACE: checkout, GITHUB_API_URL: fake.url },
    );
    expect(aggregate.log).not.toMatch(/GHESNotSupported|::error::/);
    expect(aggregate.code).toBe(0);
    expect(aggregate.outputs).toMatchObject({ runs: "6", failed: "0" });
    expect(git(repo.bare, "rev-parse", "pr-1")).toBe(aggregate.outputs.commit);
    const state = JSON.parse(git(repo.bare, "show", "pr-1:dispatch/state.json"));
    expect(state.experiments.map((e: { status: string }) => e.status)).toEqual(
      Array(6).fill("done"),
    );
    // Nothing went to the v4 (Twirp) service, which GHES does not serve.
    expect(service.requests.filter((r) => r.path.includes("twirp"))).toEqual([]);
    expect(service.requests.filter((r) => r.query.download === "1").length).toBeGreaterThan(0);
    // One listing of the run's artifacts serves every shard's download.
    const listings = service.requests.filter(
      (r) => r.method === "GET" && r.path === "/_apis/pipelines/workflows/4242/artifacts",
    );
    expect(listings).toHaveLength(1);
  });
});
