import type { ArtifactStore } from "../github/artifacts.js";
import type { OctokitLike } from "../github/octokit.js";
import type { ActionEnv } from "./action-env.js";
import type { ActionInputs, InputName } from "./inputs.js";

export interface ActionLog {
  info(msg: string): void;
  warning(msg: string): void;
}

/** What every mode gets: parsed inputs, the runner's environment, and lazily built clients. */
export interface ModeDeps {
  inputs: ActionInputs;
  env: ActionEnv;
  /** The checkout the mode works in (GITHUB_WORKSPACE + working-directory). */
  cwd: string;
  log: ActionLog;
  /** Built on first use, so modes that never call GitHub need no token. */
  octokit(): OctokitLike;
  artifacts(): ArtifactStore;
}

/** A mode's outcome: the shell turns it into step outputs, the job summary and the job status. */
export interface ModeResult {
  outputs: Record<string, string>;
  /** Markdown for the job summary (GITHUB_STEP_SUMMARY). */
  summary: string;
  /** Set when the job must end red; the summary still gets written. */
  failure?: string;
}

export interface ActionMode {
  /** Inputs the mode cannot work without; checked with the rest before any work. */
  requires: readonly InputName[];
  run(deps: ModeDeps): Promise<ModeResult>;
}
