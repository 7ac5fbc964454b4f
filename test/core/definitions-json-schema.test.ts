import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { definitionsJsonSchema } from "../../src/core/definitions/definitions-json-schema.js";

describe("definitions.schema.json", () => {
  it("is the committed output of the zod schema (run `npm run schema` when this fails)", () => {
    const committed = readFileSync(
      new URL("../../definitions.schema.json", import.meta.url),
      "utf8",
    );
    expect(committed).toBe(definitionsJsonSchema());
  });

  it("is what the example definitions point at", () => {
    const defs = JSON.parse(
      readFileSync(new URL("../../experiments/definitions.json", import.meta.url), "utf8"),
    );
    expect(defs.$schema).toBe("../definitions.schema.json");
  });
});
