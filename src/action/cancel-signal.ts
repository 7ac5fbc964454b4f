/**
 * Cancelling a workflow run sends the step SIGINT, then SIGTERM, then kills it: turn the first
 * two into an abort so the runner stops its runs, marks them cancelled and still uploads.
 */
export function cancelOnSignals(): AbortSignal {
  const controller = new AbortController();
  const stop = (sig: string) => controller.abort(`cancelled: the job received ${sig}`);
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
  return controller.signal;
}
