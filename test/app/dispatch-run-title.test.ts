import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  dispatchRunTitle,
  parseDispatchRunTitle,
} from "../../src/app/approval/dispatch-run-title.js";

const sha = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";

describe("the dispatch run title", () => {
  for (const file of [
    "templates/workflows/labgate-dispatch.yml",
    ".github/workflows/labgate-dispatch.yml",
  ])
    it(`${file}'s run-name renders the title the app parses`, () => {
      const wf = parse(readFileSync(new URL(`../../${file}`, import.meta.url), "utf8"));
      const inputs: Record<string, string> = { pr: "2", sha, phase: "full", wave: "1" };
      const rendered = String(wf["run-name"]).replace(
        /\$\{\{ inputs\.(\w+) \}\}/g,
        (_m, k: string) => inputs[k] ?? "",
      );
      expect(rendered).toBe(dispatchRunTitle({ pr: 2, sha, phase: "full" }));
      expect(parseDispatchRunTitle(rendered)).toEqual({ pr: 2, sha, phase: "full", wave: 1 });
    });

  it("names the wave, and reads a title of the time before waves as wave 1", () => {
    const t = dispatchRunTitle({ pr: 2, sha, phase: "full", wave: 3 });
    expect(t).toBe(`labgate dispatch: PR #2 at ${sha} (full, wave 3)`);
    expect(parseDispatchRunTitle(t)).toEqual({ pr: 2, sha, phase: "full", wave: 3 });
    expect(parseDispatchRunTitle(`labgate dispatch: PR #2 at ${sha} (full)`)).toEqual({
      pr: 2,
      sha,
      phase: "full",
      wave: 1,
    });
    expect(
      parseDispatchRunTitle(`labgate dispatch: PR #2 at ${sha} (full, wave )`),
    ).toBeUndefined();
    expect(
      parseDispatchRunTitle(`labgate dispatch: PR #2 at ${sha} (full, wave 0)`),
    ).toBeUndefined();
  });

  it("rejects titles that are not a labgate dispatch's", () => {
    expect(parseDispatchRunTitle("labgate dispatch")).toBeUndefined();
    expect(parseDispatchRunTitle(`labgate dispatch: PR #2 at ${sha.slice(0, 7)} (full)`)).toBe(
      undefined,
    );
    expect(parseDispatchRunTitle(`labgate dispatch: PR #2 at ${sha} (full) `)).toBeUndefined();
    expect(parseDispatchRunTitle(null)).toBeUndefined();
  });
});
