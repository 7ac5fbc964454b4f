import { initFromScript } from "../../operations/init-from-script.js";
import { type CliContext, EXIT_FAILED, EXIT_OK } from "../cli-context.js";
import { printDiagnostics } from "../print-diagnostics.js";
import { ensureGitignore } from "./init-gitignore.js";

/** `labgate init --from <script>`: definitions for a script as it is (docs/definitions.md). */
export async function initFromCommand(
  ctx: CliContext,
  args: { from: string; force: boolean },
): Promise<number> {
  const r = await initFromScript({ cwd: ctx.cwd, script: args.from, force: args.force });
  if (!r.ok) {
    ctx.stderr.write(`labgate init --from: ${r.message}\n`);
    if (r.code === "invalid") printDiagnostics(ctx, r.diagnostics);
    return EXIT_FAILED;
  }
  ctx.stdout.write(`wrote ${r.file} for ${args.from}; review it:\n`);
  // Run logs, the run lock and the runners' sidecars are never committed (as `labgate init`).
  const gitignore = await ensureGitignore(ctx.cwd);
  if (!gitignore.ok) {
    ctx.stderr.write(`labgate init --from: .gitignore was not updated: ${gitignore.message}\n`);
    return EXIT_FAILED;
  }
  if (gitignore.added.length > 0) r.notes.push(`added to .gitignore: ${gitignore.added.join(" ")}`);
  for (const n of r.notes) ctx.stdout.write(`  - ${n}\n`);
  ctx.stdout.write(
    "next: labgate validate, labgate review (the gates), labgate run --phase full; commit first.\n  labgate init adds the GitHub workflows and config, keeping these definitions\n",
  );
  return EXIT_OK;
}
