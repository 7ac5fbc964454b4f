import type { Config } from "../../config/config-schema.js";
import type { ResolvedExperiment } from "../../definitions/definitions-schema.js";
import type { LoadedDefinitions } from "../../definitions/validate-definitions.js";
import type { PathSegment } from "../../diagnostics/diagnostic.js";
import type { ScriptLanguage } from "../code-review/resolve-script.js";
import type { DebateRole, Finding, LlmOpinion } from "./debate-role.js";

/** A script the commands run, as the Reproducibility Hawk needs it. */
export interface DebateScript {
  path: string;
  language: ScriptLanguage;
  text: string;
  exp_ids: string[];
  /** The repository modules the script imports (transitively) or, for a wrapper, runs. */
  modules?: { path: string; text: string }[];
}

export interface DebateInput {
  loaded: LoadedDefinitions;
  config: Config;
  /** Lock files present in the workspace (repo-relative paths). */
  lockFiles: readonly string[];
  /** The scripts the commands run, when they could be read. */
  scripts: readonly DebateScript[];
  /** Optional language-model opinions per role. */
  opinions?: Partial<Record<DebateRole, LlmOpinion>>;
}

/** Positions in definitions.json for the findings: every reason names a line. */
export class DebateContext {
  constructor(readonly input: DebateInput) {}

  get defs() {
    return this.input.loaded.definitions;
  }

  get experiments(): readonly ResolvedExperiment[] {
    return this.input.loaded.experiments;
  }

  get full(): ResolvedExperiment[] {
    return this.experiments.filter((e) => e.phase === "full");
  }

  finding(verdict: Finding["verdict"], message: string, path: readonly PathSegment[]): Finding {
    return { verdict, message, file: this.input.loaded.file, ...this.input.loaded.locate(path) };
  }

  /** The path of an experiment's field: its own key, or `defaults` when it inherits it. */
  field(exp: ResolvedExperiment, field: string): PathSegment[] {
    const i = this.indexOf(exp);
    const input = this.defs.experiments[i] as Record<string, unknown> | undefined;
    if (input && field in input) return ["experiments", i, field];
    if (field in this.defs.defaults) return ["defaults", field];
    return ["experiments", i];
  }

  at(exp: ResolvedExperiment): PathSegment[] {
    return ["experiments", this.indexOf(exp)];
  }

  hypothesisAt(id: string): PathSegment[] {
    return ["hypotheses", this.defs.hypotheses.findIndex((h) => h.id === id)];
  }

  methodAt(id: string): PathSegment[] {
    return ["methods", this.defs.methods.findIndex((m) => m.id === id)];
  }

  datasetAt(id: string): PathSegment[] {
    return ["datasets", this.defs.datasets.findIndex((d) => d.id === id)];
  }

  private indexOf(exp: ResolvedExperiment): number {
    return this.defs.experiments.findIndex((e) => e.id === exp.id);
  }
}

export function listIds(ids: readonly string[], max = 5): string {
  return ids.length > max
    ? `${ids.slice(0, max).join(", ")} and ${ids.length - max} more`
    : ids.join(", ");
}
