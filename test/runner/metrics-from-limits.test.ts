import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateDefinitions } from "../../src/core/definitions/validate-definitions.js";
import {
  MAX_CAPTURED_METRICS,
  MAX_METRIC_NAME_LENGTH,
} from "../../src/core/runner/metrics-from.js";
import {
  type CaptureInput,
  captureMetrics,
  type MetricsCapture,
} from "../../src/operations/runner/capture-metrics.js";
import { asText, validDefinitions } from "../helpers/definitions-fixture.js";
import { tempDir } from "../helpers/temp-dir.js";

/** A checkout with a run's log holding `log`, and the capture input that reads it. */
function runWithLog(log: string, capture: MetricsCapture, deadlineMs?: number): CaptureInput {
  const cwd = tempDir("labgate-capture-");
  mkdirSync(join(cwd, ".labgate/logs"), { recursive: true });
  mkdirSync(join(cwd, "ckpt"));
  const logFile = join(cwd, ".labgate/logs/x_s1.log");
  writeFileSync(logFile, log);
  return {
    cwd,
    capture,
    logFile,
    logOffset: 0,
    logTail: "",
    logTruncated: false,
    checkpointDir: join(cwd, "ckpt"),
    resultFile: "experiments/results/runs/x_s1.json",
    maxBytes: 16 * 1024 * 1024,
    ...(deadlineMs === undefined ? {} : { deadlineMs }),
  };
}

const F = "experiments/definitions.json";
const errorsOf = (text: string) =>
  validateDefinitions(F, text).diagnostics.filter((d) => d.severity === "error");

describe("metrics_from: a regex that backtracks catastrophically (docs/security.md)", () => {
  it("validate refuses nested quantifiers, naming the field and the fix", () => {
    const d = validDefinitions();
    d.experiments[2].metrics_from = { stdout: { valid_ppl: "(a+)+$" } };
    const [e, more] = errorsOf(asText(d));
    expect(more).toBeUndefined();
    expect(e).toMatchObject({ path: "experiments[2].metrics_from.stdout.valid_ppl" });
    expect(e?.message).toMatch(/the regex for valid_ppl can take exponential time/);
    expect(e?.message).toMatch(/\(a\+\)\+/);
    d.experiments[2].metrics_from = { pattern: "^(\\w+)=((?:\\d+\\s?)*)$" };
    const [p] = errorsOf(asText(d));
    expect(p).toMatchObject({ path: "experiments[2].metrics_from.pattern" });
    expect(p?.message).toMatch(/the pattern can take exponential time/);
  });

  it("validate still accepts the linear regexes scripts use, lookbehind and named groups included", () => {
    const d = validDefinitions();
    for (const mf of [
      { stdout: { valid_ppl: "valid ppl\\s+([0-9.]+)", acc: "(?<=acc=)([0-9.]+)" } },
      { pattern: "^(?P<name>[a-z_]+)[=:]\\s*(?P<value>[-+0-9.eE]+)$" },
      { stdout: { loss: "epoch (?:\\d+).*loss=([0-9.]+)" } },
      // what `labgate init --from` writes: an optional exponent group holding a \d+
      { stdout: { valid_ppl: "valid ppl\\s+([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)" } },
    ]) {
      d.experiments[2].metrics_from = mf;
      expect(errorsOf(asText(d))).toEqual([]);
    }
  });

  it("a regex that gets past validate and backtracks forever is stopped at the deadline: the run fails naming it, and this thread kept running meanwhile", async () => {
    // (?:a|a)* inside one group is star height 1, so no static check catches it; on a line of
    // a's that ends in b it tries 2^50 ways at each position.
    const regex = "((?:a|a)*)$";
    const input = runWithLog(
      `epoch 1 loss 0.5\n${"a".repeat(50)}b\n`,
      { kind: "output", stdout: { loss: regex } },
      2_000,
    );
    let ticks = 0;
    const ticking = setInterval(() => ticks++, 10);
    const got = await captureMetrics(input).finally(() => clearInterval(ticking));
    expect(got.problem).toBe(
      `the metrics_from regex for loss ${JSON.stringify(regex)} did not finish within 2 s over the log: it backtracks catastrophically; stopped (make it linear: repeat only single items, not groups that repeat)`,
    );
    expect(ticks).toBeGreaterThan(0);
    expect(existsSync(join(input.cwd, input.resultFile))).toBe(false);
  }, 60_000);

  it("linear regexes under the deadline capture as before", async () => {
    const input = runWithLog("valid ppl 120.5\nvalid ppl 110.25\nloss=0.5\n", {
      kind: "output",
      stdout: { valid_ppl: "valid ppl\\s+([0-9.]+)" },
      pattern: "^(\\w+)=([0-9.]+)$",
    });
    expect(await captureMetrics(input)).toEqual({});
  });
});

describe("metrics_from: the number of metrics is capped", () => {
  it(`a pattern that matches more than ${MAX_CAPTURED_METRICS} names fails the run with the cap, and writes no result file`, async () => {
    const lines = Array.from({ length: 200_000 }, (_, i) => `m${i}=${i}.5`).join("\n");
    const input = runWithLog(lines, { kind: "output", pattern: "^(\\w+)=([0-9.]+)$" });
    const got = await captureMetrics(input);
    expect(got.invalid).toBe(
      `metrics_from found more than ${MAX_CAPTURED_METRICS} metrics (the next was "m${MAX_CAPTURED_METRICS}"); at most ${MAX_CAPTURED_METRICS} are captured: make the pattern match only the metric lines`,
    );
    expect(existsSync(join(input.cwd, input.resultFile))).toBe(false);
  }, 60_000);

  it("exactly the cap is captured; a name over the length cap fails the run", async () => {
    const full = Array.from({ length: MAX_CAPTURED_METRICS }, (_, i) => `m${i}=1`).join("\n");
    const ok = runWithLog(full, { kind: "output", pattern: "^(\\w+)=([0-9.]+)$" });
    expect(await captureMetrics(ok)).toEqual({});

    const long = "n".repeat(MAX_METRIC_NAME_LENGTH + 1);
    const input = runWithLog(`loss=1\n${long}=2\n`, {
      kind: "output",
      pattern: "^(\\w+)=([0-9.]+)$",
    });
    expect((await captureMetrics(input)).invalid).toMatch(
      new RegExp(
        `^metrics_from found a metric name of ${MAX_METRIC_NAME_LENGTH + 1} characters .*; names are at most ${MAX_METRIC_NAME_LENGTH}`,
      ),
    );
  });

  it("a metrics file with more than the cap fails the run the same way", async () => {
    const input = runWithLog("", { kind: "file", path: "ckpt/m.json", format: "json" });
    const many = Object.fromEntries(
      Array.from({ length: MAX_CAPTURED_METRICS + 1 }, (_, i) => [`m${i}`, i]),
    );
    writeFileSync(join(input.cwd, "ckpt/m.json"), JSON.stringify(many));
    expect((await captureMetrics(input)).invalid).toMatch(
      new RegExp(
        `^metrics_from found more than ${MAX_CAPTURED_METRICS} metrics .* \\(in ckpt/m.json\\)$`,
      ),
    );
  });
});
