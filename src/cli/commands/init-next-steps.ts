import { existsSync, realpathSync } from "node:fs";
import { dirname, join, relative } from "node:path";

export interface NextStepsInput {
  /** The directory init wrote into. */
  root: string;
  /** Where the user ran init. */
  cwd: string;
  /** The labgate package init runs from (the folder holding bin/ and templates/). */
  packageRoot: string;
  /** The action ref the workflows pin; undefined: they carry the placeholder. */
  actionRef: string | undefined;
  placeholder: string;
  /** Files init wrote, repo-relative, for the commit step. */
  written: readonly string[];
}

/**
 * The command that runs this labgate, as the user can type it in `root`: `npx labgate` when it is
 * installed there (npx runs the repository's own node_modules/.bin/labgate), else `node` and the
 * path of the bin that is running now. Never a bare package name npx would fetch from the registry.
 */
export function labgateCommand(root: string, packageRoot: string): string {
  const installed = join(root, "node_modules", "labgate");
  if (existsSync(installed) && realpathSync(installed) === realpathSync(packageRoot))
    return "npx labgate";
  const bin = join(packageRoot, "bin", "labgate.js");
  return `node ${/\s/.test(bin) ? JSON.stringify(bin) : bin}`;
}

/** True when `dir` or a folder above it holds `.git`. */
function inGitRepo(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, ".git"))) return true;
    if (dirname(d) === d) return false;
  }
}

/** What to do after `labgate init`, each step a command that works as printed. */
export function nextSteps(input: NextStepsInput): string {
  const lg = labgateCommand(input.root, input.packageRoot);
  const where = relative(input.cwd, input.root);
  const cd = where === "" ? "" : `cd ${/\s/.test(where) ? JSON.stringify(where) : where} && `;
  const tops = [...new Set(input.written.map((f) => f.split("/")[0] as string))].sort();
  const gitInit = inGitRepo(input.root) ? "" : "git init && ";
  const steps = [
    `Commit what init wrote (\`labgate run\` refuses definitions and scripts with uncommitted changes): \`${cd}${gitInit}git add ${tops.join(" ")} && git commit -m "labgate init"\`.`,
    `Check the example: \`${lg} validate && ${lg} plan && ${lg} review\` (the gates a pull request gets, run here).`,
    `Run it on this machine: \`${lg} run\` — pilot stages, then the full phase, then one results commit (\`${lg} verify\` checks it).`,
    ...(input.actionRef
      ? []
      : [
          `Pin the labgate action before you push: the workflows in .github/workflows/labgate-*.yml use the placeholder \`${input.placeholder}\`, which runs nothing. Re-run \`${lg} init --force --action-ref OWNER/REPO/action@<release commit SHA>\` (it also records the ref in .github/labgate.lock).`,
        ]),
    "Install the labgate GitHub App on the repository (app.yml holds its permissions) and set `app-slug:` in .github/workflows/labgate-dispatch.yml to its slug: only its approvals dispatch the full phase; or use Actions mode (keep .github/workflows/labgate-app.yml, no server needed), whose approvals dispatch the full phase once the plan job has checked the approving comment and recomputed the gates (docs/security.md).",
    "Register each GPU machine as a self-hosted runner with the labels of `runner_pools` in .github/labgate.yml (default: self-hosted, gpu): Settings → Actions → Runners → New self-hosted runner, then `./config.sh --labels gpu` (docs/runners.md).",
    "Push, and open a pull request that changes experiments/definitions.json: the labgate checks and the lab dashboard appear on it.",
  ];
  return `\nNext steps:\n${steps.map((s, i) => `  ${i + 1}. ${s}`).join("\n")}\n`;
}
