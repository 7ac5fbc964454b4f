import { describe, expect, expectTypeOf, it } from "vitest";
import { defineMode, type ModeDeps } from "../../src/action/action-mode.js";
import { type ActionInputs, parseInputs } from "../../src/action/inputs.js";
import { MODES } from "../../src/action/modes/index.js";

const SHA = "a".repeat(40);

describe("action inputs: a union keyed by mode", () => {
  it("each mode's required inputs are checked by its member of the union, with a code and the fix", () => {
    const missing = parseInputs({ mode: "run" }, MODES);
    expect(missing).toMatchObject({
      ok: false,
      code: "missing-input",
      errors: [
        'input `sha` is required in mode "run"; add `sha: ...` under `with:`',
        'input `shard` is required in mode "run"; add `shard: ...` under `with:`',
      ],
    });
    expect(parseInputs({ mode: "autofix-push", pr: "3" }, MODES)).toMatchObject({
      ok: false,
      code: "missing-input",
      errors: ['input `token` is required in mode "autofix-push"; add `token: ...` under `with:`'],
    });
    expect(parseInputs({ mode: "deploy" }, MODES)).toMatchObject({
      ok: false,
      code: "unknown-mode",
    });
    expect(parseInputs({ mode: "plan", sha: "abc", pr: "7" }, MODES)).toMatchObject({
      ok: false,
      code: "bad-input",
      errors: ['input `sha`: expected a full 40-character lower-case commit SHA (got "abc")'],
    });
    const ok = parseInputs({ mode: "run", sha: SHA, shard: "0" }, MODES);
    expect(ok).toMatchObject({ ok: true, inputs: { mode: "run", sha: SHA, shard: 0 } });
  });

  it("a mode sees the inputs it requires as present, the others as optional", () => {
    expectTypeOf<ActionInputs<"sha" | "pr">["sha"]>().toEqualTypeOf<string>();
    expectTypeOf<ActionInputs<"sha" | "pr">["pr"]>().toEqualTypeOf<number>();
    expectTypeOf<ActionInputs<"sha">["pr"]>().toEqualTypeOf<number | undefined>();
    const mode = defineMode({
      requires: ["sha", "shard"],
      async run({ inputs }: ModeDeps<"sha" | "shard">) {
        expectTypeOf(inputs.sha).toEqualTypeOf<string>();
        expectTypeOf(inputs.shard).toEqualTypeOf<number>();
        return { outputs: {}, summary: "" };
      },
    });
    expect(mode.requires).toEqual(["sha", "shard"]);
  });
});
