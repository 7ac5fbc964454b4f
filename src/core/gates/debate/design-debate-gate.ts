import type { Verdict, VerdictReason } from "../verdict.js";
import { completionist } from "./completionist.js";
import { DebateContext, type DebateInput } from "./debate-input.js";
import {
  DEBATE_ROLES,
  type DebateRole,
  type Finding,
  findingToReason,
  ROLE_TITLES,
  type RoleVerdict,
  stricter,
  verdictOf,
} from "./debate-role.js";
import { narrativeEnforcer } from "./narrative-enforcer.js";
import { reproducibilityHawk } from "./reproducibility-hawk.js";
import { skeptic } from "./skeptic.js";

const RULES: Record<DebateRole, (ctx: DebateContext) => Finding[]> = {
  skeptic,
  completionist,
  "reproducibility-hawk": reproducibilityHawk,
  "narrative-enforcer": narrativeEnforcer,
};

export interface DesignDebateDetails {
  roles: RoleVerdict[];
}

/** The rules' findings per role, before any language model speaks (the prompts quote them). */
export function debateFindings(input: DebateInput): Record<DebateRole, Finding[]> {
  const ctx = new DebateContext(input);
  return Object.fromEntries(DEBATE_ROLES.map((r) => [r, RULES[r](ctx)])) as Record<
    DebateRole,
    Finding[]
  >;
}

/**
 * `labgate/design-debate` (docs/gates.md): four reviewers, each PASS | REVISE | REJECT. The gate passes
 * when all four PASS, or at most one REVISEs and none REJECTs. Which findings give REVISE and
 * which REJECT is tabled in each role's file (skeptic.ts, completionist.ts,
 * reproducibility-hawk.ts, narrative-enforcer.ts).
 *
 * A language-model opinion, when a provider is configured, can only make a role stricter (its
 * REVISE or REJECT counts; its PASS never lifts a rule's finding). A provider error is recorded and
 * the rules alone decide that role.
 */
export function designDebateGate(input: DebateInput): Verdict {
  const findings = debateFindings(input);
  const roles: RoleVerdict[] = DEBATE_ROLES.map((role) => {
    const rulesVerdict = verdictOf(findings[role]);
    const llm = input.opinions?.[role];
    const verdict = llm?.ok ? stricter(rulesVerdict, llm.verdict) : rulesVerdict;
    return { role, verdict, rulesVerdict, findings: findings[role], ...(llm ? { llm } : {}) };
  });
  const rejects = roles.filter((r) => r.verdict === "REJECT");
  const revises = roles.filter((r) => r.verdict === "REVISE");
  const pass = rejects.length === 0 && revises.length <= 1;
  const label = rejects.length > 0 ? "REJECT" : pass ? "PASS" : "REVISE";

  const reasons: VerdictReason[] = [];
  for (const r of roles) {
    for (const f of r.findings) {
      const reason = findingToReason(r.role, f);
      reasons.push(pass ? { ...reason, severity: "warning" } : reason);
    }
    if (r.llm?.ok && r.llm.verdict !== "PASS")
      for (const text of r.llm.reasons.length > 0 ? r.llm.reasons : ["(no reason given)"])
        reasons.push({
          severity: pass || r.llm.verdict === r.rulesVerdict ? "warning" : "blocking",
          role: r.role,
          message: `${r.llm.verdict} (language model ${r.llm.model}): ${text}`,
        });
    if (r.llm && !r.llm.ok)
      reasons.push({
        severity: "info",
        role: r.role,
        message: `language-model reviewer unavailable, the rules decided: ${r.llm.error}`,
      });
  }

  const count = (w: string) => roles.filter((r) => r.verdict === w).length;
  const who = (list: RoleVerdict[]) => list.map((r) => ROLE_TITLES[r.role]).join(", ");
  const parts = [`${count("PASS")} PASS`];
  if (revises.length) parts.push(`${revises.length} REVISE (${who(revises)})`);
  if (rejects.length) parts.push(`${rejects.length} REJECT (${who(rejects)})`);
  const rule = pass
    ? revises.length === 0
      ? "all four reviewers pass"
      : "passes with one REVISE and no REJECT"
    : rejects.length > 0
      ? "a REJECT fails the gate"
      : "more than one REVISE fails the gate";
  return {
    gate: "design-debate",
    conclusion: pass ? "success" : "failure",
    label,
    summary: `${parts.join(", ")}: ${rule}`,
    reasons,
    details: { roles } satisfies DesignDebateDetails,
    tables: [
      {
        title: "Reviewers",
        header: ["reviewer", "verdict", "rules", "language model", "findings"],
        rows: roles.map((r) => [
          ROLE_TITLES[r.role],
          r.verdict,
          r.rulesVerdict,
          r.llm ? (r.llm.ok ? r.llm.verdict : "error") : "not configured",
          String(r.findings.length),
        ]),
      },
    ],
  };
}
