import type { VerdictReason } from "../verdict.js";

/** The four reviewers of the design debate (docs/gates.md), in the order they speak. */
export const DEBATE_ROLES = [
  "skeptic",
  "completionist",
  "reproducibility-hawk",
  "narrative-enforcer",
] as const;
export type DebateRole = (typeof DEBATE_ROLES)[number];

export const ROLE_TITLES: Record<DebateRole, string> = {
  skeptic: "Skeptic",
  completionist: "Completionist",
  "reproducibility-hawk": "Reproducibility Hawk",
  "narrative-enforcer": "Narrative Enforcer",
};

export const ROLE_VERDICTS = ["PASS", "REVISE", "REJECT"] as const;
export type RoleVerdictWord = (typeof ROLE_VERDICTS)[number];

/** One finding of one reviewer: what it decides (REVISE or REJECT) and where it points. */
export interface Finding {
  verdict: "REVISE" | "REJECT";
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

/** What a language-model reviewer said for one role, or why it said nothing usable. */
export type LlmOpinion =
  | { ok: true; verdict: RoleVerdictWord; reasons: string[]; model: string }
  | { ok: false; error: string };

export interface RoleVerdict {
  role: DebateRole;
  verdict: RoleVerdictWord;
  /** The verdict of the rules alone. */
  rulesVerdict: RoleVerdictWord;
  findings: Finding[];
  llm?: LlmOpinion;
}

/** REJECT beats REVISE beats PASS. */
export function stricter(a: RoleVerdictWord, b: RoleVerdictWord): RoleVerdictWord {
  return ROLE_VERDICTS.indexOf(a) >= ROLE_VERDICTS.indexOf(b) ? a : b;
}

export function verdictOf(findings: readonly Finding[]): RoleVerdictWord {
  return findings.reduce<RoleVerdictWord>((v, f) => stricter(v, f.verdict), "PASS");
}

export function findingToReason(role: DebateRole, f: Finding): VerdictReason {
  return {
    severity: "blocking",
    role,
    message: `${f.verdict}: ${f.message}`,
    ...(f.file === undefined ? {} : { file: f.file, line: f.line, column: f.column }),
  };
}
