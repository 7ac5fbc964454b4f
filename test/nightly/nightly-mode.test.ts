import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readActionEnv } from "../../src/action/action-env.js";
import type { ModeDeps } from "../../src/action/action-mode.js";
import { parseInputs } from "../../src/action/inputs.js";
import { MODES } from "../../src/action/modes/index.js";
import { createOctokit } from "../../src/github/octokit.js";
import { createTestRepo, type TestRepo } from "../helpers/git-repo.js";

const API = "https://api.github.com";
let repo: TestRepo;

beforeEach(async () => {
  nock.disableNetConnect();
  repo = await createTestRepo();
  mkdirSync(join(repo.dir, "experiments"), { recursive: true });
  cpSync(
    join(import.meta.dirname, "../../experiments/definitions.json"),
    join(repo.dir, "experiments/definitions.json"),
  );
  await repo.git.add(["experiments/definitions.json"]);
  await repo.git.commit("campaign");
  await repo.git.push("origin", "main");
  mkdirSync(join(repo.dir, "experiments/results"), { recursive: true });
  writeFileSync(
    join(repo.dir, "experiments/results/aggregated.json"),
    JSON.stringify({
      rows: [{ exp_id: "full-fusion-iris", metric: "accuracy", n: 3, mean: 0.96, std: 0.01 }],
    }),
  );
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("action mode nightly-compare", () => {
  it("opens the draft PR into the repository's default branch and writes the report to the job summary", async () => {
    const parsed = parseInputs({ mode: "nightly-compare", token: "t" }, MODES);
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    const octokit = createOctokit({ token: "t", retries: 0 });
    const deps: ModeDeps = {
      inputs: parsed.inputs,
      env: readActionEnv(
        { GITHUB_REPOSITORY: "lab/study", GITHUB_RUN_ID: "77", RUNNER_TEMP: tmpdir() },
        tmpdir(),
      ),
      cwd: repo.dir,
      log: { info: () => undefined, warning: () => undefined },
      octokit: () => octokit,
      artifacts: () => {
        throw new Error("not used");
      },
    };
    const scope = nock(API)
      .get("/repos/lab/study")
      .reply(200, { default_branch: "main" })
      .get("/repos/lab/study/pulls")
      .query(true)
      .reply(200, [])
      .post("/repos/lab/study/pulls", (b) => b.draft === true && b.base === "main")
      .reply(201, { number: 3, html_url: "https://github.com/lab/study/pull/3", draft: true });
    const out = await MODES["nightly-compare"]?.run(deps);
    scope.done();
    expect(out?.outputs["pr-url"]).toBe("https://github.com/lab/study/pull/3");
    expect(out?.outputs.regressions).toBe("0");
    expect(out?.outputs["night-dir"]).toMatch(/^experiments\/results\/nightly\/\d{4}-\d{2}-\d{2}$/);
    expect(out?.summary).toContain("## labgate nightly — ");
    expect(out?.summary).toContain("[workflow run](https://github.com/lab/study/actions/runs/77)");
    // The direction came from the campaign's hypotheses, not assumed.
    expect(out?.summary).toContain("| full-fusion-iris | accuracy | higher |");
    expect(out?.summary).toContain("Draft PR: https://github.com/lab/study/pull/3");
  });
});
