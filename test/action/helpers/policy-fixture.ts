import { encodePolicy } from "../../../src/action/policy-handoff.js";
import { parseConfig } from "../../../src/core/config/parse-config.js";
import { campaignFiles } from "./campaign-fixture.js";

/**
 * The plan job's output `policy` for a default branch whose labgate.yml is `text` (by default the
 * campaign fixture's): what the dispatch workflow passes to each run job.
 */
export function policyInput(text = campaignFiles()[".github/labgate.yml"] as string): string {
  const parsed = parseConfig(".github/labgate.yml", text);
  if (!parsed.ok) throw new Error(`bad policy fixture: ${JSON.stringify(parsed.diagnostics)}`);
  return encodePolicy(parsed.config);
}
