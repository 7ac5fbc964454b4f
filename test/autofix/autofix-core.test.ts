import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { pickAutofixArtifact } from "../../src/core/autofix/autofix-handoff.js";
import { checkPatchPaths } from "../../src/core/autofix/check-patch-paths.js";
import { collectFailures } from "../../src/core/autofix/collect-failures.js";
import { normalizeDefinitions } from "../../src/core/autofix/normalize-definitions.js";
import {
  answerMatches,
  NORMALIZE_DEFINITIONS,
  planFixers,
} from "../../src/core/autofix/plan-fixers.js";
import { renderAutofixBody } from "../../src/core/autofix/render-autofix-body.js";
import { validateDefinitions } from "../../src/core/definitions/validate-definitions.js";
import { expandRuns } from "../../src/core/plan/expand-runs.js";
import type { StateEntry } from "../../src/core/state/state-entry.js";

const entry = (id: string, status: StateEntry["status"], reason: string | null): StateEntry =>
  ({ id, status, reason, run_url: `https://github.com/o/r/actions/runs/${id}` }) as StateEntry;

describe("collectFailures", () => {
  it("takes blocking reasons of failed gates and failed / on-hold runs, with their kinds", () => {
    const out = collectFailures({
      verdicts: [
        {
          gate: "code-review",
          conclusion: "failure",
          label: "CODE_REVISE",
          summary: "",
          reasons: [
            {
              severity: "blocking",
              message: "train.py: no --resume flag",
              file: "train.py",
              line: 3,
            },
            { severity: "warning", message: "slow" },
          ],
        },
        { gate: "definitions", conclusion: "success", label: "VALID", summary: "", reasons: [] },
      ],
      runs: [
        entry("a_s1", "failed", "out-of-memory: CUDA out of memory"),
        entry("b_s1", "failed", "exit 2: usage: train.py"),
        entry("c_s1", "on_hold", "timeout: stopped after its time limit"),
        entry("d_s1", "cancelled", "cancelled"),
        entry("e_s1", "done", null),
      ],
      checkUrls: { "code-review": "https://github.com/o/r/runs/1" },
    });
    expect(out.map((f) => [f.source, f.kind, f.subject])).toEqual([
      ["gate", "code-review", "labgate/code-review"],
      ["run", "out-of-memory", "a_s1"],
      ["run", "non-zero-exit", "b_s1"],
      ["run", "timeout", "c_s1"],
    ]);
    expect(out[0]).toMatchObject({
      file: "train.py",
      line: 3,
      url: "https://github.com/o/r/runs/1",
    });
  });
});

describe("planFixers — which fixer answers which failure", () => {
  const gate = {
    source: "gate" as const,
    kind: "code-review",
    subject: "labgate/code-review",
    message: "ruff: E501 line too long",
  };
  const run = {
    source: "run" as const,
    kind: "no-result",
    subject: "x_s1",
    message: "no-result: exited 0",
  };
  it.each([
    ["*", gate, true],
    ["code-review", gate, true],
    ["gate:code-review", gate, true],
    ["labgate/code-review", gate, true],
    ["gate:definitions", gate, false],
    ["no-result", run, true],
    ["run:no-result", run, true],
    ["run:timeout", run, false],
    ["RUFF", gate, true],
    ["code-review", run, false],
  ])("%s vs %o -> %s", (answer, failure, expected) => {
    expect(answerMatches(answer, failure)).toBe(expected);
  });

  it("keeps configured order, drops fixers with nothing to answer, runs the normalizer last", () => {
    const planned = planFixers(
      [
        NORMALIZE_DEFINITIONS,
        { name: "ruff", command: "ruff --fix .", answers: ["ruff"], timeout_seconds: 60 },
        { name: "oom", command: "x", answers: ["out-of-memory"], timeout_seconds: 60 },
      ],
      [
        gate,
        run,
        { source: "gate", kind: "definitions", subject: "labgate/definitions", message: "m" },
      ],
    );
    expect(planned.map((p) => [p.fixer.name, p.answers.length])).toEqual([
      ["ruff", 1],
      ["normalize definitions.json", 1],
    ]);
  });
});

describe("normalizeDefinitions", () => {
  const text = readFileSync("experiments/definitions.json", "utf8");

  it("is idempotent and keeps the campaign: same validation, same run ids", () => {
    const once = normalizeDefinitions(text);
    if (!once.ok) throw new Error(once.message);
    const twice = normalizeDefinitions(once.text);
    expect(twice).toEqual({ ok: true, text: once.text, changed: false });
    const before = validateDefinitions("d.json", text).loaded;
    const after = validateDefinitions("d.json", once.text).loaded;
    expect(after).toBeDefined();
    const ids = (l: typeof before) =>
      expandRuns(l?.experiments ?? [], { tmpDir: "/tmp", resultsDir: "r" })
        .map((r) => r.run_id)
        .sort();
    expect(ids(before).length).toBeGreaterThan(10);
    expect(ids(after)).toEqual(ids(before));
  });

  it("orders keys by the schema, sorts ids, keeps params key order, one-lines short arrays", () => {
    const out = normalizeDefinitions(
      JSON.stringify({
        experiments: [
          { params: { z: [1, 2], a: ["x"] }, id: "b", seeds: [3, 1, 2] },
          { id: "a", zz_custom: 1, method: "m" },
        ],
        version: 1,
        project: "p",
      }),
    );
    expect(out).toMatchObject({ ok: true, changed: true });
    if (!out.ok) return;
    expect(out.text).toBe(`{
  "version": 1,
  "project": "p",
  "experiments": [
    {
      "id": "a",
      "method": "m",
      "zz_custom": 1
    },
    {
      "id": "b",
      "params": {
        "z": [1, 2],
        "a": ["x"]
      },
      "seeds": [3, 1, 2]
    }
  ]
}
`);
  });

  it("leaves text that is not JSON alone and says why", () => {
    const out = normalizeDefinitions('{"version": 1,');
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.message).toMatch(/^not valid JSON, left as is/);
  });
});

describe("renderAutofixBody", () => {
  it("names the failures the changed fixers answer, with links, and every fixer's outcome", () => {
    const gate = {
      source: "gate" as const,
      kind: "code-review",
      subject: "labgate/code-review",
      message: "train.py: tabs | spaces",
      file: "train.py",
      line: 2,
      url: "https://github.com/o/r/runs/1",
    };
    const run = {
      source: "run" as const,
      kind: "no-result",
      subject: "full-ours_s1",
      message: "no-result: exited 0 without writing its result file",
      url: "https://github.com/o/r/actions/runs/9",
      logUrl: "https://github.com/o/r/actions/runs/9/job/3",
    };
    const body = renderAutofixBody({
      pr: 7,
      prBranch: "feature",
      commit: "0123456789abcdef0123",
      runUrl: "https://github.com/o/r/actions/runs/10",
      outcomes: [
        {
          name: "ruff",
          status: "changed",
          detail: "",
          durationMs: 5,
          files: ["train.py"],
          answers: [gate],
        },
        {
          name: "agent",
          status: "timed-out",
          detail: "stopped after 300s (timeout_seconds)",
          durationMs: 300_000,
          files: [],
          answers: [run],
        },
      ],
    });
    expect(body).toMatchSnapshot();
    expect(body.startsWith("<!-- labgate:autofix pr=7 -->")).toBe(true);
  });
});

describe("checkPatchPaths (what the push step will apply)", () => {
  it("passes ordinary repository paths", () => {
    expect(
      checkPatchPaths([
        "train.py",
        "experiments/scripts/a b.py",
        ".githooks/pre-push",
        ".github/labgate.yml",
      ]),
    ).toEqual({ ok: true });
  });

  it("refuses git's own files, workflows, absolute and escaping paths, naming the path", () => {
    for (const path of [
      ".git/hooks/pre-push",
      "sub/.GIT/config",
      ".github/workflows/ci.yml",
      ".GitHub/Workflows/x.yml",
      "/etc/passwd",
      "../outside",
      "a//b",
      "a/./b",
    ]) {
      const r = checkPatchPaths(["ok.py", path]);
      expect(r).toMatchObject({ ok: false, code: "forbidden-path", path });
      if (!r.ok) expect(r.message).toContain(`touches "${path}"`);
    }
  });
});

describe("pickAutofixArtifact", () => {
  it("takes the latest attempt's artifact for the PR, never a later attempt than the push job's", () => {
    const names = [
      "labgate-autofix-7-attempt1",
      "labgate-autofix-7-attempt2",
      "labgate-autofix-7-attempt3",
      "labgate-autofix-70-attempt2",
      "labgate-shard-0-attempt2",
    ];
    expect(pickAutofixArtifact(names, 7, 2)).toBe("labgate-autofix-7-attempt2");
    expect(pickAutofixArtifact(names, 7, 5)).toBe("labgate-autofix-7-attempt3");
    expect(pickAutofixArtifact(names, 8, 5)).toBeUndefined();
  });
});
