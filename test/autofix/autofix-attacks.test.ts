import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runBundledAction } from "../action/helpers/run-bundled-action.js";
import { createTestRepo, type TestRepo } from "../helpers/git-repo.js";
import { type AutofixGitHub, startAutofixGitHub } from "./helpers/autofix-github.js";

const TOKEN = "ghs_autofixInstallationToken0123456789";
const git = (dir: string, ...args: string[]) =>
  execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();

// Repository code a PR controls. `steal` walks its own process and every ancestor, reading each
// /proc/<pid>/environ and cmdline for the token (plain or base64 as in an extraheader), and plants
// a pre-push hook (in the repository's common git dir, and through core.hooksPath) that records
// what git hands it.
const STEAL = `import { execFileSync } from "node:child_process";
import { appendFileSync, chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
const loot = process.env.LOOT_DIR;
writeFileSync(join(loot, "ran-" + process.argv[2]), "");
const needles = [${JSON.stringify(TOKEN)}, Buffer.from("x-access-token:${TOKEN}").toString("base64")];
let pid = process.pid;
while (pid > 1) {
  for (const f of ["environ", "cmdline"]) {
    let text = "";
    try { text = readFileSync("/proc/" + pid + "/" + f, "latin1"); } catch { continue; }
    appendFileSync(join(loot, "scanned"), pid + "/" + f + "\\n");
    if (needles.some((n) => text.includes(n))) appendFileSync(join(loot, "hits"), pid + "/" + f + "\\n");
  }
  pid = Number(readFileSync("/proc/" + pid + "/stat", "latin1").split(") ")[1].split(" ")[1]);
}
const hook = "#!/bin/sh\\nenv > " + JSON.stringify(join(loot, "hook-env")) + "\\ncat .git/config >> " + JSON.stringify(join(loot, "hook-env")) + " 2>/dev/null\\nexit 0\\n";
try {
  const common = execFileSync("git", ["rev-parse", "--git-common-dir"], { encoding: "utf8" }).trim();
  mkdirSync(join(common, "hooks"), { recursive: true });
  for (const h of ["pre-push", "pre-commit", "post-checkout", "reference-transaction"]) {
    writeFileSync(join(common, "hooks", h), hook);
    chmodSync(join(common, "hooks", h), 0o755);
  }
  mkdirSync(".githooks", { recursive: true });
  writeFileSync(".githooks/pre-push", hook);
  chmodSync(".githooks/pre-push", 0o755);
  execFileSync("git", ["config", "core.hooksPath", ".githooks"]);
} catch (err) { appendFileSync(join(loot, "plant-errors"), String(err) + "\\n"); }
`;
const UNTAB = `import { readFileSync, writeFileSync } from "node:fs";
const f = process.argv[2];
writeFileSync(f, readFileSync(f, "utf8").replace(/\\t/g, "    "));
`;

// A `git` in front of the real one for the push step: after every command it records the
// repository's .git/config, so the test sees whether a credential was ever written there.
const REAL_GIT = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
function gitShim(dir: string, log: string): string {
  writeFileSync(
    join(dir, "git"),
    [
      "#!/bin/sh",
      `"${REAL_GIT}" "$@"`,
      "rc=$?",
      // The subcommand, skipping `-c <setting>` (which holds the token: not logged).
      'sub=""; skip=0; for a in "$@"; do if [ $skip = 1 ]; then skip=0; continue; fi; case "$a" in -c) skip=1;; -*) ;; *) sub=$a; break;; esac; done',
      `if [ -f .git/config ]; then { echo "== git $sub in $(pwd)"; cat .git/config; } >> "${log}"; fi`,
      "exit $rc",
      "",
    ].join("\n"),
  );
  chmodSync(join(dir, "git"), 0o755);
  return dir;
}

let repo: TestRepo;
let gh: AutofixGitHub;
let loot: string;
let headSha: string;

beforeEach(async () => {
  loot = mkdtempSync(join(tmpdir(), "labgate-loot-"));
  repo = await createTestRepo();
  // The default branch names one fixer, whose script lives in the repository.
  await repo.commit(
    {
      ".github/labgate.yml":
        "autofix:\n  commands:\n    - name: strip-tabs\n      command: node tools/untab.mjs train.py\n      answers: [code-review]\n",
      "tools/untab.mjs": UNTAB,
      "train.py": "def main():\n    pass\n",
    },
    "default branch",
  );
  await repo.git.push("origin", "main");
  await repo.git.checkoutLocalBranch("feature");
  // The PR names its own fixer, and rewrites the default branch's fixer script to steal too.
  headSha = await repo.commit(
    {
      ".github/labgate.yml":
        "autofix:\n  commands:\n    - name: pr-fixer\n      command: node tools/steal.mjs pr-fixer\n      answers: ['*']\n",
      "tools/steal.mjs": STEAL,
      "tools/untab.mjs": `import "./steal.mjs";\n${UNTAB}`,
      "train.py": "def main():\n\tpass\n",
    },
    "feature",
  );
  await repo.git.push("origin", "feature");
  gh = await startAutofixGitHub({
    bareRepo: repo.remote,
    pr: { ref: "feature", sha: headSha },
    checkRuns: [
      {
        id: 1,
        name: "labgate/code-review",
        conclusion: "failure",
        html_url: "https://github.example/lab/study/runs/1",
        output: { title: "CODE_REVISE" },
      },
    ],
    annotations: {
      1: [{ path: "train.py", start_line: 2, annotation_level: "failure", message: "tabs" }],
    },
  });
});
afterEach(async () => {
  await gh.close();
});

const lootFile = (name: string) =>
  existsSync(join(loot, name)) ? readFileSync(join(loot, name), "utf8") : undefined;

/** The three steps of the two autofix jobs, as templates/workflows/labgate-dispatch.yml runs them. */
async function runAutofixJobs(extra: { pushEnv?: Record<string, string> } = {}) {
  const temp = mkdtempSync(join(tmpdir(), "labgate-autofix-job-"));
  const artifactDir = mkdtempSync(join(tmpdir(), "labgate-autofix-artifacts-"));
  const api = { GITHUB_API_URL: gh.url, LABGATE_ARTIFACT_DIR: artifactDir };
  const plan = await runBundledAction(
    { mode: "autofix-plan", pr: "7", token: TOKEN },
    { ...api, RUNNER_TEMP: temp },
  );
  const fix = await runBundledAction(
    { mode: "autofix", pr: "7" },
    { ...api, RUNNER_TEMP: temp, GITHUB_WORKSPACE: repo.dir, LOOT_DIR: loot },
  );
  // The push job has no checkout; the clone URL github.example/lab/study.git is this bare repo.
  const push = await runBundledAction(
    { mode: "autofix-push", pr: "7", token: TOKEN },
    {
      ...api,
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: `url.${repo.remote}.insteadOf`,
      GIT_CONFIG_VALUE_0: "https://github.example/lab/study.git",
      ...extra.pushEnv,
    },
  );
  return { plan, fix, push, artifactDir };
}

describe("autofix: no PR-chosen command next to a token (issue 11, item 2)", () => {
  it("the PR's own labgate.yml fixer never runs; the default branch's fixer runs and finds no token in any ancestor's environ", async () => {
    const { plan, fix, push } = await runAutofixJobs();
    expect(plan.code, plan.log).toBe(0);
    expect(plan.outputs).toEqual({ autofix: "planned", sha: headSha });
    expect(fix.code, fix.log).toBe(0);
    expect(fix.outputs).toEqual({ autofix: "changed", artifact: "labgate-autofix-7-attempt1" });
    expect(push.code, push.log).toBe(0);
    expect(push.outputs).toEqual({
      autofix: "pushed",
      "pr-url": "https://github.example/lab/study/pull/100",
    });
    // The default branch's strip-tabs ran (its script, as the PR rewrote it, scanned every
    // ancestor up to init, the action among them); the PR's own fixer did not.
    expect(lootFile("ran-train.py")).toBe("");
    expect(lootFile("ran-pr-fixer")).toBeUndefined();
    expect(lootFile("scanned")?.split("\n").length).toBeGreaterThan(4);
    expect(lootFile("hits")).toBeUndefined();
    // The config came from the default branch through the API, never from the PR head.
    const contents = gh.requests.filter((r) => r.path.endsWith("/contents/.github/labgate.yml"));
    expect(contents.map((r) => r.query)).toEqual(["?ref=main"]);
    const created = gh.requests.filter(
      (r) => r.method === "POST" && r.path === "/repos/lab/study/pulls",
    );
    expect(created).toHaveLength(1);
    // Every API request came from the plan or the push step, with the token; none without one.
    expect(new Set(gh.requests.map((r) => r.authorization))).toEqual(new Set([`token ${TOKEN}`]));
    expect(created[0]?.authorization).toBe(`token ${TOKEN}`);
    expect(created[0]?.body).toMatchObject({
      head: "labgate/autofix/7",
      base: "feature",
      title: "labgate auto-fix for #7",
    });
    expect(created[0]?.body.body).toContain(
      "[labgate/code-review](https://github.example/lab/study/runs/1) — code-review: tabs (`train.py:2`)",
    );
    expect(created[0]?.body.body).toContain("| strip-tabs | ✅ changed files |");
    expect(git(repo.remote, "show", "labgate/autofix/7:train.py")).toBe("def main():\n    pass");
    expect(git(repo.remote, "rev-parse", "labgate/autofix/7^")).toBe(headSha);
  }, 180_000);

  it("mode autofix given INPUT_TOKEN refuses before running any fixer", async () => {
    const temp = mkdtempSync(join(tmpdir(), "labgate-autofix-job-"));
    const plan = await runBundledAction(
      { mode: "autofix-plan", pr: "7", token: TOKEN },
      { GITHUB_API_URL: gh.url, RUNNER_TEMP: temp },
    );
    expect(plan.outputs.autofix).toBe("planned");
    const fix = await runBundledAction(
      { mode: "autofix", pr: "7", token: TOKEN },
      { GITHUB_API_URL: gh.url, RUNNER_TEMP: temp, GITHUB_WORKSPACE: repo.dir, LOOT_DIR: loot },
    );
    expect(fix.code).toBe(1);
    expect(fix.outputs.autofix).toBe("token-given");
    expect(fix.log).toContain(
      "::error::mode autofix runs repository code (the fixers) and must hold no token",
    );
    expect(lootFile("scanned")).toBeUndefined();
    expect(lootFile("ran-train.py")).toBeUndefined();
    expect(lootFile("ran-pr-fixer")).toBeUndefined();
    expect(git(repo.remote, "branch", "--list", "labgate/autofix/7")).toBe("");
  }, 120_000);

  it("mode autofix refuses a credential in its environment or in the checkout's git config", async () => {
    const env = { GITHUB_API_URL: gh.url, GITHUB_WORKSPACE: repo.dir, LOOT_DIR: loot };
    const inEnv = await runBundledAction({ mode: "autofix", pr: "7" }, { ...env, GH_TOKEN: TOKEN });
    expect(inEnv.code).toBe(1);
    expect(inEnv.outputs.autofix).toBe("token-in-env");
    expect(inEnv.log).toContain("the step's environment has GH_TOKEN; remove them");
    git(
      repo.dir,
      "config",
      "http.https://github.example/.extraheader",
      `AUTHORIZATION: basic ${TOKEN}`,
    );
    const inCheckout = await runBundledAction({ mode: "autofix", pr: "7" }, env);
    expect(inCheckout.code).toBe(1);
    expect(inCheckout.outputs.autofix).toBe("credentials-in-checkout");
    expect(inCheckout.log).toContain("check out with `persist-credentials: false`");
    expect(inCheckout.log).not.toContain(TOKEN);
    expect(lootFile("scanned")).toBeUndefined();
  }, 120_000);

  it("hooks the fixers plant (.git/hooks/pre-push, core.hooksPath, .githooks/) never run, and the push clone's .git/config never holds the credential", async () => {
    const shimLog = join(loot, "push-git-config.log");
    const shim = gitShim(mkdtempSync(join(tmpdir(), "labgate-git-shim-")), shimLog);
    const { push } = await runAutofixJobs({
      pushEnv: { PATH: `${shim}:${process.env.PATH}` },
    });
    expect(push.outputs.autofix, push.log).toBe("pushed");
    // The fixer did plant them: in the checkout's git dir and config, and as a file in the fix.
    expect(lootFile("plant-errors")).toBeUndefined();
    expect(existsSync(join(repo.dir, ".git", "hooks", "pre-push"))).toBe(true);
    expect(git(repo.dir, "config", "core.hooksPath")).toBe(".githooks");
    expect(git(repo.remote, "show", "labgate/autofix/7:.githooks/pre-push")).toContain("env >");
    // ...and none of them ran, in the fixer job or in the push job.
    expect(lootFile("hook-env")).toBeUndefined();
    // Every git command of the push step left a .git/config without the token or an extraheader.
    const configs = readFileSync(shimLog, "utf8");
    expect(configs).toContain("== git push in");
    expect(configs).not.toMatch(/extraheader|x-access-token|authorization|hooksPath/i);
    expect(configs).not.toContain(TOKEN);
    expect(configs).not.toContain(Buffer.from(`x-access-token:${TOKEN}`).toString("base64"));
  }, 180_000);

  it("a patch that touches .github/workflows/ or .git/ is refused by the push step, nothing pushed", async () => {
    for (const path of [".github/workflows/steal.yml", "sub/.git/hooks/pre-push", "../x"]) {
      const artifactDir = mkdtempSync(join(tmpdir(), "labgate-autofix-artifacts-"));
      const dir = join(artifactDir, "labgate-autofix-7-attempt1");
      execFileSync("mkdir", ["-p", dir]);
      writeFileSync(
        join(dir, "autofix.patch"),
        `diff --git a/${path} b/${path}\nnew file mode 100644\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1 @@\n+on: push\n`,
      );
      writeFileSync(
        join(dir, "autofix.json"),
        JSON.stringify({
          pr: { number: 7, headRef: "feature", headSha },
          outcomes: [
            { name: "x", status: "changed", detail: "", durationMs: 1, files: [path], answers: [] },
          ],
        }),
      );
      const push = await runBundledAction(
        { mode: "autofix-push", pr: "7", token: TOKEN },
        {
          GITHUB_API_URL: gh.url,
          LABGATE_ARTIFACT_DIR: artifactDir,
          GIT_CONFIG_COUNT: "1",
          GIT_CONFIG_KEY_0: `url.${repo.remote}.insteadOf`,
          GIT_CONFIG_VALUE_0: "https://github.example/lab/study.git",
        },
      );
      expect(push.code, push.log).toBe(1);
      expect(push.outputs.autofix).toBe("forbidden-path");
      expect(push.log).toContain(`::error::the fixers' patch touches "${path}"`);
    }
    expect(git(repo.remote, "branch", "--list", "labgate/autofix/7")).toBe("");
    expect(gh.requests.filter((r) => r.method !== "GET")).toEqual([]);
  }, 180_000);
});
