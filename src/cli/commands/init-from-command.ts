import { initFromScript } from "../../operations/init-from-script.js";
import { type CliContext, EXIT_FAILED, EXIT_OK } from "../cli-context.js";
import { printDiagnostics } from "../print-diagnostics.js";

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
  for (const n of r.notes) ctx.stdout.write(`  - ${n}\n`);
  ctx.stdout.write(
    "next: labgate validate, labgate review (the gates), labgate run --phase full; commit first\n",
  );
  return EXIT_OK;
}
