import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { messageOf } from "../core/failure/failure.js";
import { chooseArtifactStore } from "../github/artifacts-actions.js";
import { directoryArtifactStore } from "../github/artifacts-dir.js";
import { createOctokit, type OctokitLike } from "../github/octokit.js";
import { providerFromEnv } from "../llm/provider-from-env.js";
import { readActionEnv } from "./action-env.js";
import type { ModeResult } from "./action-mode.js";
import { parseInputs, readRawInputs } from "./inputs.js";
import { MODES } from "./modes/index.js";

/** The slice of @actions/core the shell uses. */
export interface ActionCore {
  setOutput(name: string, value: string): void;
  setFailed(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  summary: { addRaw(text: string, addEOL?: boolean): { write(): Promise<unknown> } };
}

/**
 * The Action shell: parse inputs, run one mode, map its result to outputs, the job summary and
 * the job status. Unexpected errors fail the job with their message (the summary says so too).
 */
export async function runAction(core: ActionCore, env: NodeJS.ProcessEnv): Promise<void> {
  const parsed = parseInputs(readRawInputs(env), MODES);
  if (!parsed.ok) {
    await finish(core, env, {
      outputs: {},
      summary: `## labgate: bad inputs\n\n${parsed.errors.map((e) => `- ${e}`).join("\n")}\n`,
      failure: parsed.errors.join("\n"),
    });
    return;
  }
  const { inputs } = parsed;
  const actionEnv = readActionEnv(env, tmpdir());
  let octokit: OctokitLike | undefined;
  const mode = MODES[inputs.mode];
  if (!mode) throw new Error(`mode "${inputs.mode}" passed validation but is not registered`);
  let result: ModeResult;
  try {
    result = await mode.run({
      inputs,
      env: actionEnv,
      cwd: resolve(actionEnv.workspace, inputs.workingDirectory),
      log: { info: (m) => core.info(m), warning: (m) => core.warning(m) },
      octokit() {
        if (!inputs.token)
          throw new Error(
            `mode "${inputs.mode}" calls the GitHub API and needs \`token:\` (the default is github.token)`,
          );
        octokit ??= createOctokit({
          token: inputs.token,
          baseUrl: actionEnv.apiUrl,
          retries: Number(env.LABGATE_API_RETRIES ?? 3),
          log: { warn: (m) => core.warning(m) },
        });
        return octokit;
      },
      artifacts: () => chooseArtifactStore(env, directoryArtifactStore),
      provider: providerFromEnv(env),
    });
  } catch (err) {
    const message = messageOf(err);
    result = {
      outputs: {},
      summary: `## labgate ${inputs.mode}: error\n\n${message}\n`,
      failure: message,
    };
    if (env.LABGATE_DEBUG && err instanceof Error) core.info(err.stack ?? "");
  }
  await finish(core, env, result);
}

async function finish(core: ActionCore, env: NodeJS.ProcessEnv, result: ModeResult): Promise<void> {
  for (const [name, value] of Object.entries(result.outputs)) core.setOutput(name, value);
  // The summary file exists only inside a job; a local run just prints.
  if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(result.summary, true).write();
  else core.info(result.summary);
  if (result.failure !== undefined) core.setFailed(result.failure);
}
