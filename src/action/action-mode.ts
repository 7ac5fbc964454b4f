import type { ArtifactStore } from "../github/artifacts.js";
import type { OctokitLike } from "../github/octokit.js";
import type { ReviewProvider } from "../llm/review-provider.js";
import type { ActionEnv } from "./action-env.js";
import type { ActionInputs, RequirableInput } from "./inputs.js";

export interface ActionLog {
  info(msg: string): void;
  warning(msg: string): void;
}

/**
 * What every mode gets: parsed inputs (those the mode requires typed as present), the runner's
 * environment, and lazily built clients.
 */
export interface ModeDeps<R extends RequirableInput = never> {
  inputs: ActionInputs<R>;
  env: ActionEnv;
  /** The checkout the mode works in (GITHUB_WORKSPACE + working-directory). */
  cwd: string;
  log: ActionLog;
  /** Built on first use, so modes that never call GitHub need no token. */
  octokit(): OctokitLike;
  artifacts(): ArtifactStore;
  /**
   * The language-model reviewer of the design debate the environment configures
   * (`providerFromEnv`, src/llm), or none; built once by the shell's setup.
   */
  provider?: ReviewProvider | undefined;
}

/** A mode's outcome: the shell turns it into step outputs, the job summary and the job status. */
export interface ModeResult {
  outputs: Record<string, string>;
  /** Markdown for the job summary (GITHUB_STEP_SUMMARY). */
  summary: string;
  /** Set when the job must end red; the summary still gets written. */
  failure?: string;
}

export interface ActionMode<R extends RequirableInput = never> {
  /**
   * Inputs the mode cannot work without; checked with the rest before any work (the inputs'
   * union keyed by mode, inputs.ts), and typed as present in `run`'s inputs.
   */
  requires: readonly (R | RequirableInput)[];
  run(deps: ModeDeps<R>): Promise<ModeResult>;
}

/** A mode whose `run` sees the inputs it `requires` as present: `defineMode({ requires: ["sha"], ... })`. */
export function defineMode<const R extends RequirableInput>(mode: {
  requires: readonly R[];
  run(deps: ModeDeps<R>): Promise<ModeResult>;
}): ActionMode<R> {
  return mode;
}
