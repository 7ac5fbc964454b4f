import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isValidRunId, parseRunId, runId } from "../../src/core/plan/run-id.js";
import { parseDispatchState, parseSidecar } from "../../src/core/state/parse-dispatch-state.js";
import {
  containedDirProblem,
  containedReader,
  writeContained,
} from "../../src/operations/contained-files.js";
import { tempDir } from "../helpers/temp-dir.js";

describe("run ids: one validator beside runId", () => {
  it("accepts every id a plan makes, whatever the params", () => {
    for (const id of [
      runId("exp", {}, 1),
      runId("exp.v2", { lr: 0.001, opt: "../../etc", flag: true }, -3),
      runId("a", { "../k": "/abs/..", e: "" }, 0),
    ])
      expect(isValidRunId(id), id).toBe(true);
  });

  it.each(["", ".", "..", "../x", "a/b", "/etc/passwd", "a\\b", "a\0b", "ü", " a"])(
    "refuses %j, saying where it came from and what a run id is",
    (id) => {
      expect(isValidRunId(id)).toBe(false);
      const r = parseRunId(id, "dispatch/state.json: experiments[0].id");
      expect(r).toMatchObject({ ok: false, code: "bad-run-id" });
      if (!r.ok)
        expect(r.message).toBe(
          `dispatch/state.json: experiments[0].id: ${JSON.stringify(id)} is not a run id (a run id is made of letters, digits, '.', '_' and '-', is not "." or "..", and comes from experiments/definitions.json); it was not used as a path. Fix or remove that entry: labgate rewrites it from the plan.`,
        );
    },
  );

  it("the state and sidecar schemas refuse an id that is not a run id, naming the file", () => {
    const entry = {
      exp_id: "e",
      phase: "full",
      method: "m",
      dataset: "d",
      seed: 1,
      status: "done",
    };
    const state = parseDispatchState(
      "dispatch/state.json",
      JSON.stringify({ project: "p", updated: "u", experiments: [{ ...entry, id: "../x" }] }),
    );
    expect(state.ok).toBe(false);
    if (!state.ok)
      expect(state.message).toMatch(
        /^dispatch\/state\.json: not a labgate dispatch state: experiments\[0\]\.id: "\.\.\/x" is not a run id/,
      );
    const sidecar = parseSidecar("dispatch/x.status.json", JSON.stringify({ id: ".." }));
    expect(sidecar.ok).toBe(false);
  });
});

describe("containedReader: only regular files inside the root, under the cap", () => {
  function root() {
    const dir = tempDir("labgate-contained-");
    mkdirSync(join(dir, "runs"));
    writeFileSync(join(dir, "runs/ok.json"), "{}");
    return dir;
  }

  it("reads a regular file, and says why it reads nothing else", async () => {
    const dir = root();
    const outside = tempDir("labgate-outside-");
    writeFileSync(join(outside, "secret"), "ghs_SECRET");
    symlinkSync(join(outside, "secret"), join(dir, "runs/link.json"));
    symlinkSync(outside, join(dir, "elsewhere"));
    mkdirSync(join(dir, "runs/dir.json"));
    execFileSync("mkfifo", [join(dir, "runs/fifo.json")]);
    writeFileSync(join(dir, "runs/big.json"), "x".repeat(11));
    const read = containedReader(dir, 10);
    expect(await read("runs/ok.json")).toEqual({ ok: true, text: "{}" });
    expect(await read("runs/none.json")).toMatchObject({ ok: false, code: "missing" });
    expect(await read("runs/link.json")).toEqual({
      ok: false,
      code: "not-a-file",
      message: "runs/link.json: is a symbolic link, not a file (a link is never followed)",
    });
    expect(await read("runs/dir.json")).toMatchObject({ ok: false, code: "not-a-file" });
    expect(await read("runs/fifo.json")).toMatchObject({ ok: false, code: "not-a-file" });
    expect(await read("runs/big.json")).toEqual({
      ok: false,
      code: "too-large",
      message: "runs/big.json: is 11 bytes, over the 10-byte limit",
    });
    for (const rel of ["../outside", "/etc/passwd", "runs/../../x", "elsewhere/secret"])
      expect(await read(rel), rel).toMatchObject({ ok: false, code: "outside-root" });
  });

  it("writes only inside the root, replacing a link rather than writing through it", async () => {
    const dir = root();
    const outside = tempDir("labgate-outside-");
    writeFileSync(join(outside, "target"), "theirs");
    symlinkSync(join(outside, "target"), join(dir, "runs/link.json"));
    symlinkSync(outside, join(dir, "elsewhere"));
    expect(await writeContained(dir, "runs/link.json", "ours")).toEqual({ ok: true });
    expect(await containedReader(dir, 100)("runs/link.json")).toEqual({ ok: true, text: "ours" });
    expect(await containedReader(outside, 100)("target")).toEqual({ ok: true, text: "theirs" });
    expect(await writeContained(dir, "elsewhere/new/x", "ours")).toMatchObject({
      ok: false,
      code: "outside-root",
    });
    expect(await writeContained(dir, "../x", "ours")).toMatchObject({ ok: false });
    expect(await containedDirProblem(dir, "elsewhere/new")).toMatch(
      /^elsewhere\/new: resolves to /,
    );
    expect(await containedDirProblem(dir, "runs/new")).toBeUndefined();
  });
});
