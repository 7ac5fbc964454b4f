import { CONFIG_PATH } from "../../core/config/config-schema.js";
import type { Campaign } from "../../operations/load-campaign.js";
import type { ModeResult } from "../action-mode.js";
import { diagnosticsList } from "../render-markdown.js";

/**
 * A broken `.github/labgate.yml` fails the step with its diagnostics instead of quietly running
 * on the defaults (which would mean no fixers, or another regression threshold).
 */
export function configProblems(mode: string, campaign: Campaign): ModeResult | undefined {
  const errors = campaign.diagnostics.filter(
    (d) => d.severity === "error" && d.file === CONFIG_PATH,
  );
  if (errors.length === 0) return undefined;
  return {
    outputs: {},
    summary: `## labgate ${mode}: ${CONFIG_PATH} is not valid\n\n${diagnosticsList(errors)}\n`,
    failure: `${CONFIG_PATH} is not valid; see the job summary`,
  };
}
