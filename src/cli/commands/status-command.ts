import { RUN_STATUSES, type StateEntry } from "../../core/state/state-entry.js";
import { GitRepo } from "../../git/git-repo.js";
import { diskWorkspace } from "../../operations/disk-workspace.js";
import { DispatchStateError, readDispatchState } from "../../operations/dispatch-state-store.js";
import { loadCampaign } from "../../operations/load-campaign.js";
import { type CliContext, EXIT_FAILED, EXIT_OK } from "../cli-context.js";
import { printDiagnostics } from "../print-diagnostics.js";
import { formatDuration } from "../progress/format-duration.js";
import { renderTable } from "../render-table.js";

export const statusHelp = `labgate status [--config .github/labgate.yml] [--json]

Every run of dispatch/state.json merged with the runners' sidecars (dispatch/*.status.json):
id, status, host and GPU, measured duration, the reason of a failure; then totals by status.`;

export async function statusCommand(
  ctx: CliContext,
  args: { config?: string; json?: boolean },
): Promise<number> {
  const campaign = await loadCampaign(diskWorkspace(ctx.cwd), { configPath: args.config });
  const errors = campaign.diagnostics.filter((d) => d.severity === "error");
  // The state is readable without valid definitions: show it, but say what is wrong.
  if (errors.length > 0) printDiagnostics(ctx, errors);
  let entries: StateEntry[];
  try {
    const read = await readDispatchState({
      cwd: ctx.cwd,
      config: campaign.config,
      git: GitRepo.open(ctx.cwd),
      log: { info: () => undefined, warn: (s) => ctx.stderr.write(`warning: ${s}\n`) },
    });
    entries = [...read.entries.values()];
  } catch (err) {
    if (err instanceof DispatchStateError) {
      ctx.stderr.write(`labgate status: ${err.message}\n`);
      return EXIT_FAILED;
    }
    throw err;
  }
  const order = new Map(RUN_STATUSES.map((s, i) => [s, i]));
  entries.sort(
    (a, b) => (order.get(a.status) ?? 9) - (order.get(b.status) ?? 9) || (a.id < b.id ? -1 : 1),
  );
  const totals = new Map<string, number>();
  for (const e of entries) totals.set(e.status, (totals.get(e.status) ?? 0) + 1);
  if (args.json) {
    ctx.stdout.write(`${JSON.stringify({ runs: entries, totals: Object.fromEntries(totals) })}\n`);
    return EXIT_OK;
  }
  if (entries.length === 0) {
    ctx.stdout.write(
      `no runs yet in ${campaign.config.dispatch_dir}/ — \`labgate run\` starts the campaign\n`,
    );
    return EXIT_OK;
  }
  const rows = entries.map((e) => [
    e.id,
    e.status,
    [e.host, e.gpu ? `gpu ${e.gpu}` : null].filter(Boolean).join(" / ") || "-",
    e.duration_hours ? formatDuration(e.duration_hours * 3_600_000) : "-",
    e.reason ?? "",
  ]);
  ctx.stdout.write(
    `${renderTable(["run", "status", "host / gpu", "duration", "reason"], rows)}\n\n`,
  );
  ctx.stdout.write(
    `${entries.length} runs: ${RUN_STATUSES.filter((s) => totals.has(s))
      .map((s) => `${totals.get(s)} ${s}`)
      .join(", ")}\n`,
  );
  return EXIT_OK;
}
