import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classifyOutcome } from "../../src/core/runner/classify-outcome.js";
import { runProcess } from "../../src/exec/run-process.js";
import { tempDir } from "../helpers/temp-dir.js";

describe("a program that cannot start is a Failure value, its error kept (issue #14)", () => {
  it("spawnError has the code spawn-error and the spawn error as its cause; the reason still says it", async () => {
    const dir = tempDir("labgate-spawn-");
    const o = await runProcess({
      argv: [join(dir, "no-such-program")],
      cwd: dir,
      logFile: join(dir, "run.log"),
    });
    expect(o.spawnError).toMatchObject({ ok: false, code: "spawn-error" });
    expect(o.spawnError?.message).toMatch(/ENOENT/);
    expect((o.spawnError?.cause as NodeJS.ErrnoException | undefined)?.code).toBe("ENOENT");
    const c = classifyOutcome(o, { kind: "missing" });
    expect(c).toMatchObject({ status: "failed", kind: "spawn-error" });
    expect(c.reason).toMatch(/^could not start: .*ENOENT/);
  });
});
