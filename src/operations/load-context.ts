import type { Config } from "../core/config/config-schema.js";
import { CONFIG_PATH } from "../core/config/config-schema.js";
import { parseConfig } from "../core/config/parse-config.js";
import type { Diagnostic } from "../core/diagnostics/diagnostic.js";
import { formatDiagnostic } from "../core/diagnostics/format-diagnostic.js";
import type { Failure } from "../core/failure/failure.js";
import { refusedMessage } from "../core/gates/refused-files.js";
import type { ContentsWorkspace, RefPath } from "../github/contents-workspace.js";
import type { OctokitLike } from "../github/octokit.js";
import { defaultBranch, readConfigTextAt } from "../github/read-config.js";
import type { RepoRef } from "../github/repo-ref.js";
import type { Workspace } from "./workspace.js";

/** Where one invocation's `.github/labgate.yml` comes from (docs/config.md). */
export type ContextSource =
  | {
      /**
       * A checkout on disk (`labgate` commands; the action's modes that read the checkout): its
       * own file, else the defaults. Only where the checkout is the user's own is it the policy.
       */
      kind: "disk";
      workspace: Workspace;
      /** The file to read; `.github/labgate.yml` by default (the CLI's `--config`). */
      path?: string | undefined;
    }
  | PolicySource
  | {
      /** The file at `ref` through the API, the Probot way (the owner's `.github` repo, else the defaults). */
      kind: "ref";
      octokit: OctokitLike;
      repo: RepoRef;
      ref: string;
    };

/**
 * The policy: the default branch's file through the API, the Probot way, never a PR head's or the
 * base its author chose (docs/security.md, "Policy comes from the default branch").
 */
export interface PolicySource {
  kind: "default-branch";
  octokit: OctokitLike;
  repo: RepoRef;
  /**
   * The default branch as GitHub named it in the signed webhook delivery being handled
   * (`repository.default_branch`); absent, `GET /repos/{owner}/{repo}` names it.
   */
  defaultBranch?: string | undefined;
  /**
   * A workspace (the PR head's) and the files it will need first: the policy file is read in the
   * same GraphQL request as those.
   */
  batchWith?: { workspace: ContentsWorkspace; paths: readonly (string | RefPath)[] };
}

type ApiSource = Extract<ContextSource, { octokit: OctokitLike }>;

/** What one invocation (a piece of the app's work, an action step, a CLI command) runs with. */
export interface LabgateContext<Ref = string | undefined> {
  ok: true;
  config: Config;
  /** Where the config was read (`main:.github/labgate.yml`, `octo/.github:…`), or `defaults`. */
  from: string;
  /** The ref the config was read at (the default branch, for the policy); none on disk. */
  ref: Ref;
}

/** The config could not be used: invalid (`config-invalid`), or a file the workspace refused. */
export type ConfigFailure<Ref = string | undefined> = Failure<
  "config-invalid" | "config-refused"
> & {
  /** The problems (the failure's cause), each naming the file, the line and the fix. */
  diagnostics: Diagnostic[];
  from: string;
  ref: Ref;
};

export type ContextResult<Ref = string | undefined> = LabgateContext<Ref> | ConfigFailure<Ref>;

/** The default branch's policy, or why it cannot be used; `ref` is the default branch. */
export type PolicyContext = ContextResult<string>;

/**
 * Loads the config an invocation runs with, once: every shell (the app's work, the action's
 * modes, the CLI's commands) calls this and passes the result down, never reading the file again.
 * From the API (`default-branch`, `ref`) the repository's file is taken, else the owner's `.github`
 * repository's, else the defaults; from the disk the checkout's file, else the defaults.
 */
export async function loadContext(source: ApiSource): Promise<ContextResult<string>>;
export async function loadContext(source: ContextSource): Promise<ContextResult>;
export async function loadContext(source: ContextSource): Promise<ContextResult> {
  if (source.kind === "disk") return fromDisk(source.workspace, source.path ?? CONFIG_PATH);
  let ref: string;
  let via: ContentsWorkspace | undefined;
  if (source.kind === "ref") ref = source.ref;
  else {
    ref = source.defaultBranch || (await defaultBranch(source.octokit, source.repo));
    const batch = source.batchWith;
    if (batch) {
      await batch.workspace.prefetch([{ ref, path: CONFIG_PATH }, ...batch.paths]);
      via = batch.workspace;
    }
  }
  const { text, where } = await readConfigTextAt(source.octokit, source.repo, ref, via);
  return parsed(where, text, ref);
}

/**
 * The policy for an invocation that may not need it (a `/help`, a plan refused before it asks):
 * loaded by the first call, the same value for every later one, so it is read at most once.
 */
export function policyOnce(source: PolicySource): () => Promise<PolicyContext> {
  let loaded: PolicyContext | undefined;
  return async () => {
    loaded ??= await loadContext(source);
    return loaded;
  };
}

async function fromDisk(ws: Workspace, path: string): Promise<ContextResult> {
  const text = await ws.readFile(path);
  const refused = text === undefined ? refusedFileDiagnostic(ws, path) : undefined;
  if (refused) return failed("config-refused", [refused], path, undefined);
  return parsed(path, text, undefined);
}

/**
 * `path` as a failing diagnostic when the workspace refused it (a symbolic link, a file outside the
 * checkout, over the cap: docs/security.md, "Paths come from the plan"), else undefined. Asked
 * after `path` was read and came back undefined.
 */
export function refusedFileDiagnostic(ws: Workspace, path: string): Diagnostic | undefined {
  const refused = ws.refusals?.().find((r) => r.path === path);
  if (!refused) return undefined;
  return {
    severity: "error",
    file: path,
    path: "(root)",
    line: 1,
    column: 1,
    message: refusedMessage(refused),
  };
}

function parsed<Ref>(where: string, text: string | undefined, ref: Ref): ContextResult<Ref> {
  const result = parseConfig(where, text);
  if (!result.ok) return failed("config-invalid", result.diagnostics, where, ref);
  return { ok: true, config: result.config, from: text === undefined ? "defaults" : where, ref };
}

function failed<Ref>(
  code: ConfigFailure["code"],
  diagnostics: Diagnostic[],
  from: string,
  ref: Ref,
): ConfigFailure<Ref> {
  return {
    ok: false,
    code,
    message: diagnostics.map(formatDiagnostic).join("\n"),
    diagnostics,
    from,
    ref,
  };
}
