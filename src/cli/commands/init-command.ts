import { existsSync } from "node:fs";
import { mkdir, readdir, readFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { containedTargetProblem, writeContained } from "../../operations/contained-files.js";
import { type CliContext, EXIT_FAILED, EXIT_OK, UsageError } from "../cli-context.js";
import { ACTION_LOCK, actionLockText, readActionLock } from "./init-action-lock.js";
import { ensureGitignore } from "./init-gitignore.js";
import { DISPATCH_WORKFLOW, maxJobHoursOf, withRunJobTimeout } from "./init-job-timeout.js";
import { nextSteps } from "./init-next-steps.js";
import { PACKAGE_ROOT, packageVersion } from "./init-package.js";
import { placeSchema, withSchemaRef } from "./init-schema.js";

export const initHelp = `labgate init [dir] [--force] [--action-ref OWNER/REPO/action@SHA]

Writes labgate's starting files into a repository (default: the current directory):
  .github/workflows/labgate-*.yml     the gates, dispatch, app (Actions mode) and nightly workflows
  .github/labgate.yml                 the config, every key commented (docs/config.md)
  .github/labgate.lock                the action ref the workflows pin (with --action-ref)
  experiments/definitions.json        an example campaign (docs/definitions.md)
  experiments/definitions.schema.json its JSON Schema, for editors (unless labgate is installed in
                                      the repository: then "$schema" points into node_modules)
  experiments/scripts/train.py        an experiment script skeleton honouring the contract
and adds .labgate/ and dispatch/*.status.json to .gitignore. An experiments/definitions.json
already there (from init --from, say) is kept, without the example script; any other existing
file makes init refuse unless --force (which also replaces the definitions with the example). --action-ref pins the labgate action every workflow uses (a full commit
SHA); without it, init takes the ref recorded in .github/labgate.lock, else writes a placeholder
that the printed next steps tell you to replace. Prints next steps that work as printed.

labgate init --from <script.py> [--force]
  writes experiments/definitions.json for an existing script, as it is: its argparse/click/typer
  options (a --model with choices gives one method each), the metric lines its dry-run prints
  (metrics_from), and its own flags for the contract (script_flags), its output path given
  {checkpoint_dir}; adds the same .gitignore lines; review it (docs/definitions.md, "Existing
  scripts"). Then \`labgate init\` adds the workflows and the config, keeping these definitions.`;

/** The placeholder the workflow templates carry where the labgate action is referenced. */
export const ACTION_PLACEHOLDER = "labgate/labgate/action@0000000000000000000000000000000000000000";
const ACTION_REF = /^(?:[\w.-]+\/[\w.-]+(?:\/[\w./-]+)?@[0-9a-f]{40}|\.\/[\w./-]+)$/;

const TEMPLATES = join(PACKAGE_ROOT, "templates");

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
  const lock =
    args.actionRef === undefined ? await readActionLock(root) : { found: false as const };
  if (lock.found && "problem" in lock) {
    ctx.stderr.write(`labgate init: ${lock.problem}\n`);
    return EXIT_FAILED;
  }
  if (lock.found && !ACTION_REF.test(lock.actionRef)) {
    ctx.stderr.write(
      `labgate init: ${ACTION_LOCK}:${lock.line}: action-ref "${lock.actionRef}" is not OWNER/REPO/action@<40-character commit SHA> or a local ./path; nothing was written.\n  fix: correct that line, or run \`labgate init --force --action-ref OWNER/REPO/action@SHA\`.\n`,
    );
    return EXIT_FAILED;
  }
  const actionRef = args.actionRef ?? (lock.found ? lock.actionRef : undefined);
  const schema = placeSchema(
    root,
    PACKAGE_ROOT,
    packageVersion(),
    await readFile(join(PACKAGE_ROOT, "definitions.schema.json"), "utf8"),
  );
  // Definitions already there (`labgate init --from <script>`, or the user's own) are kept, and
  // the example script that only the example definitions run is not written beside them.
  const keepDefinitions = !args.force && existsSync(join(root, DEFINITIONS_TARGET));
  const files: PlannedFile[] = [
    ...(await plannedFiles())
      .filter((f) => !keepDefinitions || !EXAMPLE_ONLY.includes(f.target))
      .map((f) => ({
        target: f.target,
        source: f.source,
        workflow: f.workflow,
      })),
    ...(schema.copy
      ? [{ target: schema.copy.target, text: schema.copy.text, workflow: false }]
      : []),
  ];
  // A cloned repository is others' work: a folder or file committed as a symbolic link
  // (`.github/workflows -> ~/.config/...`) must not make init write outside it (docs/security.md).
  const targets = [
    ...files.map((f) => f.target),
    ...(args.actionRef !== undefined ? [ACTION_LOCK] : []),
    ".gitignore",
  ];
  // (a folder that does not exist yet holds no link; init creates it)
  const linked = existsSync(root)
    ? (await Promise.all(targets.map((t) => containedTargetProblem(root, t)))).filter(
        (p): p is string => p !== undefined,
      )
    : [];
  if (linked.length > 0) {
    ctx.stderr.write(
      `labgate init: these paths lead out of ${relative(ctx.cwd, root) || "."} or are not plain files; nothing was written:\n${linked.map((p) => `  ${p}`).join("\n")}\n  fix: replace each link with a real folder or file in the repository, then run \`labgate init\` again.\n`,
    );
    return EXIT_FAILED;
  }
  const existing = files.filter((f) => existsSync(join(root, f.target))).map((f) => f.target);
  if (existing.length > 0 && !args.force) {
    ctx.stderr.write(
      `labgate init: these files exist already; nothing was written:\n${existing.map((f) => `  ${f}`).join("\n")}\n  fix: move them away, or run \`labgate init --force\` to overwrite them.\n`,
    );
    return EXIT_FAILED;
  }
  await mkdir(root, { recursive: true });
  const where = relative(ctx.cwd, root) || ".";
  ctx.stdout.write(`labgate init: writing into ${where}\n`);
  if (keepDefinitions)
    ctx.stdout.write(
      `  kept   ${DEFINITIONS_TARGET} (already there; \`labgate init --force\` replaces it with the example)\n`,
    );
  if (actionRef && args.actionRef === undefined)
    ctx.stdout.write(`  pinning the labgate action to ${actionRef} (from ${ACTION_LOCK})\n`);
  // The run job's time limit follows the dispatch.max_job_hours of the config written here.
  const maxJobHours = maxJobHoursOf(await readFile(join(TEMPLATES, "labgate.yml"), "utf8"));
  for (const f of files) {
    let text = f.text ?? (await readFile(f.source as string, "utf8"));
    if (f.workflow) text = renderWorkflow(text, actionRef);
    if (f.target === DISPATCH_WORKFLOW) text = withRunJobTimeout(text, maxJobHours);
    if (f.target === "experiments/definitions.json") text = withSchemaRef(text, schema.ref);
    const wrote = await writeContained(root, f.target, text, {
      mode: f.target.endsWith(".py") ? 0o755 : 0o644,
    });
    if (!wrote.ok) return refuseWrite(ctx, wrote.message);
    ctx.stdout.write(`  ${existing.includes(f.target) ? "overwrote" : "wrote"}  ${f.target}\n`);
  }
  const written = files.map((f) => f.target);
  if (args.actionRef !== undefined) {
    const wrote = await writeContained(root, ACTION_LOCK, actionLockText(args.actionRef));
    if (!wrote.ok) return refuseWrite(ctx, wrote.message);
    ctx.stdout.write(`  wrote  ${ACTION_LOCK}\n`);
    written.push(ACTION_LOCK);
  }
  const gitignore = await ensureGitignore(root);
  if (!gitignore.ok) return refuseWrite(ctx, gitignore.message);
  const ignored = gitignore.added;
  if (ignored.length > 0) {
    ctx.stdout.write(`  added to .gitignore: ${ignored.join(" ")}\n`);
    written.push(".gitignore");
  }
  ctx.stdout.write(
    nextSteps({
      root,
      cwd: ctx.cwd,
      packageRoot: PACKAGE_ROOT,
      actionRef,
      placeholder: ACTION_PLACEHOLDER,
      written: [...written, ".gitignore"],
    }),
  );
  return EXIT_OK;
}

const DEFINITIONS_TARGET = "experiments/definitions.json";
/** What only the example campaign needs: left out when the repository has its own definitions. */
const EXAMPLE_ONLY: readonly string[] = [DEFINITIONS_TARGET, "experiments/scripts/train.py"];

interface PlannedFile {
  target: string;
  workflow: boolean;
  /** The template to copy, or the text to write. */
  source?: string;
  text?: string;
}

/** A write refused after the checks above passed (a link made meanwhile): said, not thrown. */
function refuseWrite(ctx: CliContext, message: string): number {
  ctx.stderr.write(
    `labgate init: ${message}\n  fix: replace the link with a real folder or file in the repository, then run \`labgate init --force\`.\n`,
  );
  return EXIT_FAILED;
}
