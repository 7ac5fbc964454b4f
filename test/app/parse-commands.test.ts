import { describe, expect, it } from "vitest";
import { parseCommands } from "../../src/app/commands/parse-commands.js";

const approve = { name: "approve-phase8" };

describe("parseCommands", () => {
  it("reads a command that starts a line", () => {
    expect(parseCommands("looks good\n/approve-phase8\n")).toEqual([approve]);
  });

  it("ignores quotes, fences and indented code", () => {
    expect(parseCommands("> /approve-phase8")).toEqual([]);
    expect(parseCommands("```\n/approve-phase8\n```")).toEqual([]);
    expect(parseCommands("    /approve-phase8")).toEqual([]);
  });

  describe("commands the reader does not see are ignored", () => {
    const hidden: [string, string][] = [
      ["a one-line HTML comment", "Thanks!\n<!-- /approve-phase8 -->"],
      ["a multi-line HTML comment", "Thanks!\n<!--\n/approve-phase8\n-->"],
      ["the line that closes a comment", "<!-- hidden\n-->/approve-phase8"],
      ["text after an inline comment", "<!-- x -->/approve-phase8"],
      ["a comment opened mid-line", "nice work <!--\n/approve-phase8\n-->"],
      ["a <details> block", "<details>\n<summary>log</summary>\n\n/approve-phase8\n</details>"],
      ["nested <details>", "<details>\n<details>\n</details>\n/approve-phase8\n</details>"],
      ["<DETAILS open>", "<DETAILS open>\n/approve-phase8\n</DETAILS>"],
      ["the summary of a <details>", "<details><summary>\n/approve-phase8\n</summary></details>"],
      [
        "a comment inside <details>",
        "<details>\n<!--\n</details>\n-->\n/approve-phase8\n</details>",
      ],
    ];
    for (const [label, body] of hidden)
      it(label, () => {
        expect(parseCommands(body)).toEqual([]);
      });
  });

  it("a fence inside <details> cannot end the block early", () => {
    expect(parseCommands("<details>\n```\n</details>\n```\n/approve-phase8\n</details>")).toEqual(
      [],
    );
  });

  it("reads commands again after a comment or a <details> block ends", () => {
    expect(parseCommands("<!--\nnote\n-->\n/approve-phase8")).toEqual([approve]);
    expect(parseCommands("<details>\nlog\n</details>\n/cancel")).toEqual([{ name: "cancel" }]);
    expect(parseCommands("/approve-phase8 <!-- the one I reviewed -->")).toEqual([approve]);
  });

  it("/approve-phase8 <sha> names the commit with all 40 hex digits; a shorter one names none", () => {
    expect(parseCommands(`/approve-phase8 ${"A".repeat(40)}`)).toEqual([
      { ...approve, sha: "a".repeat(40) },
    ]);
    // A prefix pins no commit (a twin sharing 7 digits is found in a second): it is kept apart,
    // never as `sha`, so the handler refuses it and quotes the full head.
    expect(parseCommands("/approve-phase8 EC26C3E")).toEqual([
      { ...approve, abbreviated: "ec26c3e" },
    ]);
    expect(parseCommands(`/approve-phase8 ${"a".repeat(39)}`)).toEqual([
      { ...approve, abbreviated: "a".repeat(39) },
    ]);
    expect(parseCommands(`/approve-phase8 ${"a".repeat(41)}`)).toEqual([
      {
        name: "help",
        unknown: `/approve-phase8 ${"a".repeat(40)} (a commit SHA, all 40 hex digits)`,
      },
    ]);
    expect(parseCommands("/approve-phase8 main")).toEqual([
      { name: "help", unknown: "/approve-phase8 main (a commit SHA, all 40 hex digits)" },
    ]);
  });
});
