import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { GITIGNORE_ENTRIES } from "../../src/cli/commands/init-gitignore.js";
import { runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SHA = "1234567890abcdef1234567890abcdef12345678";
const REF = `lab/labgate/action@${SHA}`;
const GIT_ENV = {
  GIT_AUTHOR_NAME: "Ada",
  GIT_AUTHOR_EMAIL: "ada@example.org",
  GIT_COMMITTER_NAME: "Ada",
  GIT_COMMITTER_EMAIL: "ada@example.org",
};

function gitRepo(): string {
  const dir = tempDir("labgate-user-repo-");
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
  return dir;
}

/** The backticked commands of the numbered next steps `from`..`to` (1-based), in order. */
function printedCommands(stdout: string, from: number, to: number): string[] {
  const steps = stdout.split("Next steps:\n")[1]?.split(/\n {2}(?=\d+\. )/) ?? [];
  return steps
    .slice(from - 1, to)
    .flatMap((s) => [...s.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string))
    .filter((c) => /^(cd |git |npx |node )/.test(c));
}

function sh(command: string, cwd: string) {
  return spawnSync("sh", ["-c", command], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...GIT_ENV },
    maxBuffer: 64 * 1024 * 1024,
  });
}

describe("labgate init in a research team's repository", () => {
  it("prints next steps that work as printed: commit, validate, plan, review, run, verify; afterwards git status is clean", async () => {
    const repo = gitRepo();
    const init = await runCli(["init", "--action-ref", REF], repo);
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    expect(init.stdout).not.toMatch(/npx (--yes )?labgate@|npx labgate/); // not installed here
    const commands = printedCommands(init.stdout, 1, 3);
    expect(
      commands.map((c) =>
        c
          .split(" && ")
          .at(-1)
          ?.replace(/^node \S+/, "labgate"),
      ),
    ).toEqual(['git commit -m "labgate init"', "labgate review", "labgate run", "labgate verify"]);
    for (const command of commands) {
      const r = sh(command, repo);
      expect(r.status, `${command}\n${r.stdout}\n${r.stderr}`).toBe(0);
    }
    const log = execFileSync("git", ["log", "--format=%s"], { cwd: repo, encoding: "utf8" });
    expect(log).toMatch(/^labgate: results of my-study \(\d+ done\)\nlabgate init\n$/);
    // The run left logs and sidecars; none of it shows up, nothing is left to commit.
    expect(existsSync(join(repo, ".labgate/logs"))).toBe(true);
    expect(execFileSync("ls", [join(repo, "dispatch")], { encoding: "utf8" })).toContain(
      ".status.json",
    );
    expect(sh("git status --porcelain --untracked-files=all", repo).stdout).toBe("");
    sh("git add -A", repo);
    expect(sh("git diff --cached --name-only", repo).stdout).toBe("");
    const tracked = sh("git ls-files", repo).stdout;
    expect(tracked).not.toMatch(/^\.labgate\/|\.status\.json$/m);
    expect(tracked).toContain("dispatch/state.json");
  }, 300_000);

  it("in a sub-folder that is no git repository yet, the first step starts with cd and git init", async () => {
    const parent = tempDir();
    const init = await runCli(["init", "my lab", "--action-ref", REF], parent);
    expect(init.code).toBe(0);
    const [first] = printedCommands(init.stdout, 1, 1);
    expect(first).toMatch(/^cd "my lab" && git init && git add \.github \.gitignore experiments/);
    const r = sh(first as string, parent);
    expect(r.status, r.stderr).toBe(0);
    expect(sh("git status --porcelain", join(parent, "my lab")).stdout).toBe("");
  });

  it("adds the .gitignore entries it lacks, keeps the user's lines, and adds nothing twice", async () => {
    const repo = gitRepo();
    writeFileSync(join(repo, ".gitignore"), "node_modules/\n.labgate/"); // no final newline
    expect((await runCli(["init", "--action-ref", REF], repo)).code).toBe(0);
    const text = readFileSync(join(repo, ".gitignore"), "utf8");
    expect(text.startsWith("node_modules/\n.labgate/\n")).toBe(true);
    const lines = text.split("\n");
    for (const e of GITIGNORE_ENTRIES) expect(lines.filter((l) => l === e)).toHaveLength(1);
    const again = await runCli(["init", "--force"], repo);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain("added to .gitignore");
    expect(readFileSync(join(repo, ".gitignore"), "utf8")).toBe(text);
    // git itself ignores what a run leaves.
    mkdirSync(join(repo, "dispatch"), { recursive: true });
    writeFileSync(join(repo, "dispatch/x_s1.status.json"), "{}");
    writeFileSync(join(repo, "dispatch/.state.json.1.0.tmp"), "");
    mkdirSync(join(repo, ".labgate/logs"), { recursive: true });
    writeFileSync(join(repo, ".labgate/logs/x_s1.log"), "");
    const check = sh(
      "git check-ignore dispatch/x_s1.status.json dispatch/.state.json.1.0.tmp .labgate/logs/x_s1.log",
      repo,
    );
    expect(check.stdout.trim().split("\n")).toHaveLength(3);
  });

  it("writes a $schema that resolves from the definitions' folder: a copy saying how to update it, since labgate is not installed there", async () => {
    const repo = gitRepo();
    expect((await runCli(["init", "--action-ref", REF], repo)).code).toBe(0);
    const defs = JSON.parse(readFileSync(join(repo, "experiments/definitions.json"), "utf8"));
    const target = resolve(join(repo, "experiments"), defs.$schema);
    expect(target).toBe(join(repo, "experiments/definitions.schema.json"));
    const copy = JSON.parse(readFileSync(target, "utf8"));
    const { $comment, ...schema } = copy;
    expect(schema).toEqual(JSON.parse(readFileSync(join(ROOT, "definitions.schema.json"), "utf8")));
    expect($comment).toMatch(/labgate \d+\.\d+\.\d+'s definitions\.schema\.json.*After upgrading/);
  });

  it("with labgate installed in the repository: $schema points into node_modules/labgate and the steps say npx labgate", async () => {
    const repo = gitRepo();
    mkdirSync(join(repo, "node_modules/.bin"), { recursive: true });
    symlinkSync(ROOT, join(repo, "node_modules/labgate"), "dir");
    symlinkSync("../labgate/bin/labgate.js", join(repo, "node_modules/.bin/labgate"));
    // Run as npm runs an installed bin: through node_modules/.bin.
    const r = spawnSync(
      process.execPath,
      [join(repo, "node_modules/labgate/bin/labgate.js"), "init", "--action-ref", REF],
      {
        cwd: repo,
        encoding: "utf8",
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const defs = JSON.parse(readFileSync(join(repo, "experiments/definitions.json"), "utf8"));
    expect(defs.$schema).toBe("../node_modules/labgate/definitions.schema.json");
    expect(existsSync(resolve(join(repo, "experiments"), defs.$schema))).toBe(true);
    expect(existsSync(join(repo, "experiments/definitions.schema.json"))).toBe(false);
    expect(r.stdout).toContain("`npx labgate validate && npx labgate plan && npx labgate review`");
    expect(r.stdout).not.toMatch(/npx (--yes )?labgate@/);
  });

  it("pins the workflows to the ref in .github/labgate.lock when --action-ref is left out, and names a bad line", async () => {
    const repo = gitRepo();
    const first = await runCli(["init", "--action-ref", REF], repo);
    expect(first.stdout).toContain("wrote  .github/labgate.lock");
    expect(readFileSync(join(repo, ".github/labgate.lock"), "utf8")).toContain(
      `action-ref: ${REF}\n`,
    );
    const again = await runCli(["init", "--force"], repo);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      `pinning the labgate action to ${REF} (from .github/labgate.lock)`,
    );
    expect(again.stdout).not.toContain("Pin the labgate action");
    expect(readFileSync(join(repo, ".github/workflows/labgate-nightly.yml"), "utf8")).toContain(
      `uses: ${REF}\n`,
    );
    writeFileSync(join(repo, ".github/labgate.lock"), "# x\naction-ref: lab/labgate/action@main\n");
    const bad = await runCli(["init", "--force"], repo);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      '.github/labgate.lock:2: action-ref "lab/labgate/action@main" is not OWNER/REPO/action@<40-character commit SHA>',
    );
  });

  it("without any action ref, the steps say the workflows run nothing until pinned, and how", async () => {
    const repo = gitRepo();
    const r = await runCli(["init"], repo);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /Pin the labgate action before you push: .*placeholder `labgate\/labgate\/action@0{40}`.*init --force --action-ref OWNER\/REPO\/action@<release commit SHA>/,
    );
    expect(existsSync(join(repo, ".github/labgate.lock"))).toBe(false);
  });
});
