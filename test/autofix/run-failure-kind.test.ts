import { describe, expect, it } from "vitest";
import { runFailureKind } from "../../src/core/autofix/run-failure-kind.js";
import { fail } from "../../src/core/failure/failure.js";
import { type AttemptOutcome, classifyOutcome } from "../../src/core/runner/classify-outcome.js";

const ended = (o: Partial<AttemptOutcome>): AttemptOutcome => ({
  exitCode: 0,
  signal: null,
  timedOut: false,
  cancelled: false,
  logTail: "",
  spawnError: null,
  ...o,
});

describe("runFailureKind reads back the kind classifyOutcome wrote into the reason", () => {
  const cases: [string, AttemptOutcome, Parameters<typeof classifyOutcome>[1]][] = [
    ["cancelled", ended({ cancelled: true }), { kind: "ok" }],
    ["timeout", ended({ timedOut: true }), { kind: "ok" }],
    [
      "spawn-error",
      ended({ spawnError: fail("spawn-error", "spawn python ENOENT") }),
      { kind: "ok" },
    ],
    [
      "out-of-memory",
      ended({ exitCode: 1, logTail: "torch.cuda.OutOfMemoryError: CUDA out of memory" }),
      { kind: "ok" },
    ],
    ["out-of-memory", ended({ exitCode: 137 }), { kind: "ok" }],
    ["signal", ended({ exitCode: null, signal: "SIGTERM" }), { kind: "ok" }],
    ["non-zero-exit", ended({ exitCode: 2, logTail: "ValueError: bad lr" }), { kind: "ok" }],
    ["non-zero-exit", ended({ exitCode: -1 }), { kind: "ok" }],
    ["no-result", ended({}), { kind: "missing" }],
    ["no-result", ended({}), { kind: "no-metrics", message: "no line matched" }],
    ["invalid-result", ended({}), { kind: "invalid", message: "metrics.acc: not a number" }],
  ];
  for (const [kind, outcome, result] of cases)
    it(`${kind}: ${JSON.stringify(outcome).slice(0, 60)}`, () => {
      const c = classifyOutcome(outcome, result);
      expect(c.kind).toBe(kind);
      expect(runFailureKind(c.reason ?? "", c.status)).toBe(kind);
    });

  it("a reason labgate's classifier did not write is just 'failed'; a run on hold timed out", () => {
    expect(runFailureKind("runner lost (labgate was killed)", "failed")).toBe("failed");
    expect(runFailureKind("labgate could not run it: boom", "failed")).toBe("failed");
    expect(runFailureKind("anything", "on_hold")).toBe("timeout");
  });
});
