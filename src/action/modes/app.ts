import type { ActionMode, ModeResult } from "../action-mode.js";

/**
 * `app`: the labgate app's handlers in Actions mode, run once on this workflow's event with the
 * step's `token` (templates/workflows/labgate-app.yml) — the same code as `labgate app`, loaded
 * from the pinned action, so nothing is fetched from a package registry while a write token is
 * in the job.
 */
export const appMode: ActionMode = {
  requires: [],
  async run({ inputs, env, provider }): Promise<ModeResult> {
    const { runInActions } = await import("../../app/run-in-actions.js");
    const result = await runInActions({
      eventName: env.eventName,
      eventPath: env.eventPath,
      token: inputs.token,
      tokenFrom: "the `token` input (default: github.token)",
      apiUrl: env.apiUrl,
      runId: env.runId,
      provider,
    });
    if (result.failures.length > 0)
      return {
        outputs: {},
        summary: `## labgate app: ${result.event} failed\n\n${result.failures.map((f) => `- ${f}`).join("\n")}\n`,
        failure: `labgate app: ${result.event} failed: ${result.failures.join("; ")}`,
      };
    return { outputs: {}, summary: `## labgate app: handled ${result.event}\n` };
  },
};
