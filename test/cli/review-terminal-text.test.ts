import { describe, expect, it } from "vitest";
import { terminalText } from "../../src/cli/commands/review-command.js";
import { renderVerdictMarkdown } from "../../src/core/gates/render-verdict-markdown.js";

describe("labgate review prints terminal text", () => {
  it("a pilot reason with < reads as written, not as &lt; (the check run keeps its escaping)", () => {
    const md = renderVerdictMarkdown({
      gate: "pilot",
      conclusion: "failure",
      label: "ITERATE",
      summary: "1 pilot run: 0 passed, 1 failed",
      reasons: [
        {
          severity: "blocking",
          message:
            "1 run(s) failed: criterion not met (accuracy 0.5 < min 0.85) — p_s1, ask @alice",
        },
      ],
    });
    expect(md).toContain("accuracy 0.5 &lt; min 0.85");
    const text = terminalText(md);
    expect(text).toContain("criterion not met (accuracy 0.5 < min 0.85) — p_s1, ask @alice");
    expect(text).not.toMatch(/&lt;|\u200b/);
  });
});
