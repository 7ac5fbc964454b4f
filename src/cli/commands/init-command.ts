import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type CliContext, EXIT_FAILED, EXIT_OK, UsageError } from "../cli-context.js";

export const initHelp = `labgate init [dir] [--force] [--action-ref OWNER/REPO/action@SHA]

Writes labgate's starting files into a repository (default: the current directory):
  .github/workflows/labgate-*.yml     the gates, dispatch (and app/nightly) workflows
  .github/labgate.yml                 the config, every key commented
  experiments/definitions.json        an example campaign
  experiments/scripts/train.py        an experiment script skeleton honouring the contract
Refuses to overwrite an existing file unless --force. --action-ref pins the labgate action the
workflows use (a full commit SHA), in place of the placeholder.`;

/** The placeholder the workflow templates carry where the labgate action is referenced. */
export const ACTION_PLACEHOLDER = "labgate/labgate/action@0000000000000000000000000000000000000000";
const ACTION_REF = /^(?:[\w.-]+\/[\w.-]+(?:\/[\w./-]+)?@[0-9a-f]{40}|\.\/[\w./-]+)$/;

/** Where `templates/` is: the package root, two levels above src/cli/commands or dist/cli/commands. */
const TEMPLATES = fileURLToPath(new URL("../../../templates/", import.meta.url));

export interface InitArgs {
  dir?: string;
  force: boolean;
  actionRef?: string;
}

/** Where a local action (`--action-ref ./path`) is checked out from the workflow's own commit. */
export const TRUSTED_ACTION_PATH = ".labgate-action";
const CHECKOUT = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2";
const PIN_NOTE = " # labgate action: `labgate init --action-ref` pins it";

/**
 * A workflow template with the labgate action pinned to `actionRef`. A local action (`./path`) is
 * repository code: taken from the job's checkout of the code under test (a PR's commit), it would
 * be the PR's own copy, run with the job's token — so each job first checks out the workflow's
 * own commit (`github.sha`: the default branch, for workflows dispatched there) into
 * `.labgate-action` and runs the action from there (docs/security.md).
 */
export function renderWorkflow(template: string, actionRef: string | undefined): string {
  if (!actionRef) return template;
  if (!actionRef.startsWith("./"))
    return template.replaceAll(ACTION_PLACEHOLDER, actionRef).replaceAll(PIN_NOTE, "");
  const inside = actionRef.slice(2).replace(/\/+$/, "");
  const local = `./${TRUSTED_ACTION_PATH}/${inside}`;
  const lines = template.split("\n");
  const out: string[] = [];
  // A checkout into the workspace root deletes what was there, `.labgate-action` included, so the
  // action is checked out again after each one.
  let needsCheckout = true;
  let stepStart = -1;
  for (const line of lines) {
    if (/^ {2}[\w-]+:\s*$/.test(line)) needsCheckout = true;
    if (/^\s*- /.test(line)) stepStart = out.length;
    if (line.includes("uses: actions/checkout@")) needsCheckout = true;
    if (line.includes(`uses: ${ACTION_PLACEHOLDER}`) && needsCheckout) {
      needsCheckout = false;
      const indent = (out[stepStart] ?? line).match(/^(\s*)/)?.[1] ?? "";
      out.splice(
        stepStart,
        0,
        `${indent}- name: The labgate action from this workflow's own commit, never from the code under test`,
        `${indent}  uses: ${CHECKOUT}`,
        `${indent}  with:`,
        `${indent}    ref: \${{ github.sha }}`,
        `${indent}    path: ${TRUSTED_ACTION_PATH}`,
        `${indent}    sparse-checkout: ${inside}`,
        `${indent}    persist-credentials: false`,
      );
    }
    out.push(line.replaceAll(ACTION_PLACEHOLDER, local).replaceAll(PIN_NOTE, ""));
  }
  return out.join("\n");
}

/** Every file init writes: repo-relative target, template source. */
async function plannedFiles(): Promise<{ target: string; source: string; workflow: boolean }[]> {
  const workflows = (await readdir(join(TEMPLATES, "workflows")))
    .filter((f) => f.endsWith(".yml"))
    .sort()
    .map((f) => ({
      target: `.github/workflows/${f}`,
      source: join(TEMPLATES, "workflows", f),
      workflow: true,
    }));
  return [
    ...workflows,
    { target: ".github/labgate.yml", source: join(TEMPLATES, "labgate.yml"), workflow: false },
    {
      target: "experiments/definitions.json",
      source: join(TEMPLATES, "experiment/definitions.json"),
      workflow: false,
    },
    {
      target: "experiments/scripts/train.py",
      source: join(TEMPLATES, "experiment/scripts/train.py"),
      workflow: false,
    },
  ];
}

export async function initCommand(ctx: CliContext, args: InitArgs): Promise<number> {
  if (args.actionRef !== undefined && !ACTION_REF.test(args.actionRef))
    throw new UsageError(
      `--action-ref must be OWNER/REPO/action@<40-character commit SHA> (actions are pinned by SHA) or a local ./path, got "${args.actionRef}"`,
    );
  const root = resolve(ctx.cwd, args.dir ?? ".");
  const files = await plannedFiles();
  const existing = files.filter((f) => existsSync(join(root, f.target))).map((f) => f.target);
  if (existing.length > 0 && !args.force) {
    ctx.stderr.write(
      `labgate init: these files exist already; nothing was written:\n${existing.map((f) => `  ${f}`).join("\n")}\n  fix: move them away, or run \`labgate init --force\` to overwrite them.\n`,
    );
    return EXIT_FAILED;
  }
  const where = relative(ctx.cwd, root) || ".";
  ctx.stdout.write(`labgate init: writing into ${where}\n`);
  for (const f of files) {
    const text = await readFile(f.source, "utf8");
    const path = join(root, f.target);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, f.workflow ? renderWorkflow(text, args.actionRef) : text, {
      mode: f.target.endsWith(".py") ? 0o755 : 0o644,
    });
    ctx.stdout.write(`  ${existing.includes(f.target) ? "overwrote" : "wrote"}  ${f.target}\n`);
  }
  ctx.stdout.write(nextSteps(args.actionRef));
  return EXIT_OK;
}

function nextSteps(actionRef: string | undefined): string {
  const steps = [
    "Check the example: `npx labgate validate && npx labgate plan`, then run it locally: `npx labgate run`.",
    ...(actionRef
      ? []
      : [
          `Pin the labgate action in .github/workflows/labgate-*.yml: replace \`${ACTION_PLACEHOLDER}\` with the release commit (or re-run with --action-ref OWNER/REPO/action@SHA --force).`,
        ]),
    "Install the labgate GitHub App on the repository (app.yml holds its permissions) and set `app-slug:` in .github/workflows/labgate-dispatch.yml to its slug: only its approvals dispatch the full phase; or use Actions mode (keep .github/workflows/labgate-app.yml, no server needed), whose approvals dispatch the full phase once the plan job has checked the approving comment and recomputed the gates (docs/security.md).",
    "Register each GPU machine as a self-hosted runner with the labels of `runner_pools` in .github/labgate.yml (default: self-hosted, gpu): Settings → Actions → Runners → New self-hosted runner, then `./config.sh --labels gpu`.",
    "Commit, push, and open a pull request: the labgate checks and the lab dashboard appear on it.",
  ];
  return `\nNext steps:\n${steps.map((s, i) => `  ${i + 1}. ${s}`).join("\n")}\n`;
}
