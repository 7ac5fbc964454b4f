// `node scripts/pack-smoke.js [--link-deps] [--keep]`: labgate as a research team gets it.
// Packs this checkout (`npm pack`; dist/ must be built: `npm ci` or `npm run build`), installs the
// tarball into a fresh git repository, runs `npx labgate --help`, `--version` and
// `init --action-ref ...`, then every command of the next steps init prints, exactly as printed
// (commit, validate, plan, review, run, verify), and checks that `git status` is clean after the
// run, that the definitions' $schema resolves, and that no workflow fetches labgate at run time.
//
// Default: a real `npm install --save-dev <tarball>` (needs the registry or a warm npm cache) with
// the README's `overrides` for Node 20, failing on any EBADENGINE warning. `--link-deps`: the
// tarball is unpacked into node_modules/labgate and its dependencies are this checkout's
// node_modules (no registry; what the test suite runs). Exits 1 naming the step that failed.
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const args = new Set(process.argv.slice(2));
const linkDeps = args.has("--link-deps");
const ACTION_REF = "lab/labgate/action@1234567890abcdef1234567890abcdef12345678";
/** The README's `overrides` for a project on Node 20 (content-type 3 declares node >= 22). */
const NODE20_OVERRIDES = { "@octokit/request": { "content-type": "2.1.0" } };
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: "Ada",
  GIT_AUTHOR_EMAIL: "ada@example.org",
  GIT_COMMITTER_NAME: "Ada",
  GIT_COMMITTER_EMAIL: "ada@example.org",
  npm_config_audit: "false",
  npm_config_fund: "false",
  npm_config_update_notifier: "false",
};

function fail(step, detail) {
  console.error(`pack-smoke: FAILED at ${step}\n${detail}`);
  process.exit(1);
}

function run(step, command, cwd) {
  console.log(`$ ${command}`);
  const r = spawnSync("sh", ["-c", command], { cwd, env, encoding: "utf8", maxBuffer: 256 << 20 });
  if (r.status !== 0) fail(step, `exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

if (!existsSync(join(ROOT, "dist/cli/main.js")))
  fail("pack", "dist/ is not built: run `npm run build` (or `npm ci`) first");
const work = mkdtempSync(join(tmpdir(), "labgate-pack-smoke-"));
const repo = join(work, "team-repo");
try {
  // 1. The tarball, as `npm publish` would make it (dist/ is built already).
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], {
      cwd: ROOT,
      env,
      encoding: "utf8",
    }),
  );
  const tarball = join(work, packed[0].filename);
  const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
  console.log(`packed ${packed[0].filename}: ${packed[0].entryCount} files`);

  // 2. A research team's repository, with labgate as a dev dependency.
  mkdirSync(repo);
  run("git init", "git init -q -b main", repo);
  writeFileSync(
    join(repo, "package.json"),
    `${JSON.stringify({ name: "team-repo", private: true, overrides: NODE20_OVERRIDES }, null, 2)}\n`,
  );
  if (linkDeps) {
    const pkg = join(repo, "node_modules/labgate");
    mkdirSync(pkg, { recursive: true });
    run(
      "unpack",
      `tar -xzf ${JSON.stringify(tarball)} --strip-components=1 -C node_modules/labgate`,
      repo,
    );
    symlinkSync(join(ROOT, "node_modules"), join(pkg, "node_modules"), "dir");
    mkdirSync(join(repo, "node_modules/.bin"));
    symlinkSync("../labgate/bin/labgate.js", join(repo, "node_modules/.bin/labgate"));
  } else {
    const out = run("npm install", `npm install --save-dev ${JSON.stringify(tarball)}`, repo);
    if (/EBADENGINE/.test(out))
      fail("npm install", `EBADENGINE on Node ${process.version}:\n${out}`);
  }
  writeFileSync(join(repo, ".gitignore"), "node_modules/\n");
  run("commit the team's files", 'git add -A && git commit -q -m "team repo with labgate"', repo);

  // 3. The installed CLI, from node_modules/.bin.
  if (!/^ +init +/m.test(run("--help", "npx labgate --help", repo)))
    fail("--help", "the help does not list init");
  const shown = run("--version", "npx labgate --version", repo).trim();
  if (shown !== `labgate ${version}`)
    fail("--version", `printed "${shown}", package.json says ${version}`);
  const init = run("init", `npx labgate init --action-ref ${ACTION_REF}`, repo);

  // 4. The next steps, as printed.
  const steps = init.split("Next steps:\n")[1]?.split(/\n {2}(?=\d+\. )/) ?? [];
  const commands = steps
    .slice(0, 3)
    .flatMap((s) => [...s.matchAll(/`([^`]+)`/g)].map((m) => m[1]))
    .filter((c) => /^(cd |git |npx |node )/.test(c));
  if (commands.length < 4) fail("next steps", `expected commit, check and run commands:\n${init}`);
  for (const c of commands) {
    if (/labgate@|--yes|\s-y\s/.test(c)) fail("next steps", `a step fetches a package: ${c}`);
    run(`next step: ${c}`, c, repo);
  }

  // 5. What should be true afterwards.
  const status = run("git status", "git status --porcelain --untracked-files=all", repo).trim();
  if (status !== "") fail("git status", `left uncommitted after the run:\n${status}`);
  const defs = JSON.parse(readFileSync(join(repo, "experiments/definitions.json"), "utf8"));
  const schema = resolve(repo, "experiments", defs.$schema);
  if (!existsSync(schema))
    fail("$schema", `"${defs.$schema}" resolves to ${schema}, which does not exist`);
  for (const f of [
    "labgate-app.yml",
    "labgate-dispatch.yml",
    "labgate-gates.yml",
    "labgate-nightly.yml",
  ]) {
    const text = readFileSync(join(repo, ".github/workflows", f), "utf8");
    if (/npx\s+(--yes\s+)?labgate|npm (i|install) /.test(text))
      fail("workflows", `${f} installs labgate at run time`);
    if (!text.includes(`uses: ${ACTION_REF}\n`))
      fail("workflows", `${f} does not use ${ACTION_REF}`);
  }
  console.log(
    `pack-smoke: ok (${linkDeps ? "dependencies linked" : "npm install"}; ${commands.length} next-step commands ran as printed)`,
  );
} finally {
  if (args.has("--keep")) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
