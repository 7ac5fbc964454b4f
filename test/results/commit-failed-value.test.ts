import { describe, expect, it } from "vitest";
import { validateDefinitions } from "../../src/core/definitions/validate-definitions.js";
import { aggregateRuns } from "../../src/operations/results/aggregate.js";
import type { ResultsCommitter } from "../../src/operations/results/results-committer.js";
import { memoryTarget } from "../../src/operations/write-results.js";
import { asText, validDefinitions } from "../helpers/definitions-fixture.js";

describe("a results commit that fails is a Failure value, its error kept (issue #14)", () => {
  it("commitFailed has the code commit-failed, the message and the error as its cause", async () => {
    const loaded = validateDefinitions(
      "experiments/definitions.json",
      asText(validDefinitions()),
    ).loaded;
    if (!loaded) throw new Error("the fixture must validate");
    const rejected = new Error("push rejected: the branch moved 5 times");
    const committer: ResultsCommitter = {
      async commit(build) {
        await build({
          state: undefined,
          warnings: [],
          target: memoryTarget().target,
          copyRunFiles: "always",
        });
        throw rejected;
      },
    };
    const out = await aggregateRuns(
      { committer, log: { info: () => {}, warn: () => {} }, clock: () => new Date(0) },
      {
        config: { results_dir: "experiments/results", dispatch_dir: "dispatch" },
        loaded,
        sidecars: [],
        readResult: async () => undefined,
        runUrl: "local:test",
        commit: true,
        commitEmpty: true,
      },
    );
    expect(out.commitFailed).toEqual({
      ok: false,
      code: "commit-failed",
      message: "push rejected: the branch moved 5 times",
      cause: rejected,
    });
  });
});
