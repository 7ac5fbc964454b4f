import { describe, expect, it } from "vitest";
import {
  MAX_CHECK_TEXT,
  renderVerdictMarkdown,
  renderVerdictTitle,
} from "../../src/core/gates/render-verdict-markdown.js";
import type { Verdict } from "../../src/core/gates/verdict.js";

const verdict = (n: number): Verdict => ({
  gate: "code-review",
  conclusion: "failure",
  label: "CODE_REVISE",
  summary: `${n} blocking items`,
  reasons: Array.from({ length: n }, (_, i) => ({
    severity: i % 3 === 0 ? "warning" : "blocking",
    message: `reason ${i}: ${"x".repeat(80)}`,
    file: `scripts/s${i % 7}.py`,
    line: (i * 13) % 101,
  })),
  tables: [{ title: "Scripts", header: ["script", "ok"], rows: [["a | b", "yes"]] }],
});

describe("renderVerdictMarkdown", () => {
  it("keeps a huge verdict under GitHub's 65,535 characters with a visible truncation note", () => {
    const text = renderVerdictMarkdown(verdict(5_000));
    expect(text.length).toBeLessThanOrEqual(MAX_CHECK_TEXT);
    expect(text.length).toBeGreaterThan(MAX_CHECK_TEXT - 500);
    expect(text).toMatch(
      /\n> \*\*Truncated:\*\* \d+ more line\(s\) not shown to stay within GitHub's 65,535-character limit\. Run `labgate review --json` for every reason\.\n$/,
    );
    expect(text.startsWith("### ❌ labgate/code-review: CODE_REVISE\n")).toBe(true);
    const small = renderVerdictMarkdown(verdict(3));
    expect(small).not.toContain("Truncated");
  });

  it("orders reasons blocking first, then by file and line, escapes pipes, HTML and mentions", () => {
    const v: Verdict = {
      gate: "definitions",
      conclusion: "failure",
      label: "INVALID",
      summary: "see <b>below</b> @octocat",
      reasons: [
        { severity: "info", message: "i" },
        { severity: "warning", message: "w", file: "a.json", line: 2 },
        { severity: "blocking", message: "b2 | pipe", file: "b.json", line: 1, column: 3 },
        { severity: "blocking", message: "b1\nsecond line", file: "a.json", line: 9 },
      ],
    };
    expect(renderVerdictMarkdown(v)).toMatchSnapshot();
    expect(renderVerdictTitle(v)).toBe("INVALID — see <b>below</b> @octocat");
  });

  it("is byte-identical for the same input", () => {
    expect(renderVerdictMarkdown(verdict(500))).toBe(renderVerdictMarkdown(verdict(500)));
  });
});
