import { Config } from "../core/config/config-schema.js";
import { type Failure, fail } from "../core/failure/failure.js";

/**
 * The default branch's config, as the plan job read it through the API, handed to the run jobs
 * as the plan job's output `policy` (base64 of its JSON). The run job is a self-hosted runner
 * that holds no token (docs/security.md), so it cannot read the default branch itself; it
 * re-plans with this config instead of the checkout's `.github/labgate.yml`, which the PR chose.
 */
export function encodePolicy(config: Config): string {
  return Buffer.from(JSON.stringify(config)).toString("base64");
}

export type DecodedPolicy = { ok: true; config: Config } | Failure<"policy-invalid">;

/** The plan job's `policy` back as a config, or a `policy-invalid` failure saying what is wrong. */
export function decodePolicy(text: string): DecodedPolicy {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, "base64").toString("utf8"));
  } catch (err) {
    return fail("policy-invalid", "not base64 of JSON", err);
  }
  const parsed = Config.safeParse(json);
  if (!parsed.success)
    return fail(
      "policy-invalid",
      parsed.error.issues.map((i) => i.message).join("; "),
      parsed.error,
    );
  return { ok: true, config: parsed.data };
}
