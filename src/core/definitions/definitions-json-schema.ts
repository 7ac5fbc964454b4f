import { z } from "zod";
import { Definitions } from "./definitions-schema.js";

/**
 * The JSON Schema editors use for autocompletion (`"$schema"` in definitions.json), generated from
 * the zod schema so the two can never disagree. Committed as `definitions.schema.json`.
 */
export function definitionsJsonSchema(): string {
  const schema = z.toJSONSchema(Definitions, { io: "input", target: "draft-2020-12" });
  return `${JSON.stringify({ ...schema, title: "labgate experiments/definitions.json" }, null, 2)}\n`;
}
