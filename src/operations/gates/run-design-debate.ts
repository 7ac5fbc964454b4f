import { dirname } from "node:path/posix";
import type { DebateInput } from "../../core/gates/debate/debate-input.js";
import {
  DEBATE_ROLES,
  type DebateRole,
  type LlmOpinion,
} from "../../core/gates/debate/debate-role.js";
import { debateFindings, designDebateGate } from "../../core/gates/debate/design-debate-gate.js";
import { lockFileCandidates } from "../../core/gates/debate/lock-files.js";
import type { Verdict } from "../../core/gates/verdict.js";
import { buildReviewRequest } from "../../llm/build-review-request.js";
import type { ReviewProvider } from "../../llm/review-provider.js";
import type { Campaign } from "../load-campaign.js";
import type { Workspace } from "../workspace.js";
import { collectScripts } from "./collect-scripts.js";

/** Gathers the debate's inputs (scripts, lock files, optional model opinions) and runs the gate. */
export async function runDesignDebate(
  campaign: Campaign,
  ws: Workspace,
  provider?: ReviewProvider,
): Promise<Verdict> {
  const loaded = campaign.loaded;
  if (!loaded)
    return {
      gate: "design-debate",
      conclusion: "failure",
      label: "REJECT",
      summary: "definitions.json is not valid, so there is no design to debate",
      reasons: [
        {
          severity: "blocking",
          message: "fix the labgate/definitions errors first",
          file: campaign.definitionsPath,
        },
      ],
    };
  const { scripts } = await collectScripts(loaded, ws);
  const lockFiles: string[] = [];
  const dirs = [
    dirname(loaded.file),
    ...scripts.flatMap((s) => [s.path, ...(s.modules ?? []).map((m) => m.path)].map(dirname)),
  ].filter((d) => d !== ".");
  for (const p of lockFileCandidates(dirs))
    if ((await ws.readFile(p)) !== undefined) lockFiles.push(p);
  const input: DebateInput = { loaded, config: campaign.config, lockFiles, scripts };
  if (provider) {
    const findings = debateFindings(input);
    const opinions: Partial<Record<DebateRole, LlmOpinion>> = {};
    const replies = await Promise.all(
      DEBATE_ROLES.map((role) => provider.review(buildReviewRequest(role, loaded, findings[role]))),
    );
    DEBATE_ROLES.forEach((role, i) => {
      opinions[role] = replies[i] as LlmOpinion;
    });
    input.opinions = opinions;
  }
  return designDebateGate(input);
}
