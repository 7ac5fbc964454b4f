import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const templates = readdirSync(join(ROOT, "templates/workflows")).filter((f) => f.endsWith(".yml"));
const load = (f: string) => parse(readFileSync(join(ROOT, "templates/workflows", f), "utf8"));

/** The condition under which a step runs on GitHub.com / *.ghe.com, and its negation (GHES). */
const CLOUD =
  "github.server_url == 'https://github.com' || endsWith(github.server_url, '.ghe.com')";
const GHES =
  "github.server_url != 'https://github.com' && !endsWith(github.server_url, '.ghe.com')";

/** The version a pinned `uses:` names in its comment (`@<sha> # v4.6.2`). */
function pinnedVersion(file: string, uses: string): string | undefined {
  const text = readFileSync(join(ROOT, "templates/workflows", file), "utf8");
  return new RegExp(`uses: ${uses} # (\\S+)`).exec(text)?.[1];
}

interface Step {
  uses?: string;
  if?: string;
  with?: Record<string, unknown>;
}

function artifactSteps(): { file: string; job: string; step: Step }[] {
  return templates.flatMap((file) =>
    Object.entries(load(file).jobs as Record<string, { steps: Step[] }>).flatMap(([job, j]) =>
      j.steps
        .filter((s) => /^actions\/(upload|download)-artifact@/.test(s.uses ?? ""))
        .map((step) => ({ file, job, step })),
    ),
  );
}

describe("the workflow templates on GitHub Enterprise Server", () => {
  it("parse, and fetch no labgate package at run time", () => {
    for (const f of templates) {
      const text = readFileSync(join(ROOT, "templates/workflows", f), "utf8");
      expect(() => parse(text), f).not.toThrow();
      expect(text, f).not.toMatch(/npx\s+(--yes\s+|-y\s+)?labgate@|npm (i|install) .*labgate/);
    }
  });

  it("every artifact step runs in one of two forms: v4 on GitHub.com and *.ghe.com, v3 (node20) on GHES, with the same inputs", () => {
    const steps = artifactSteps();
    expect(steps.length).toBeGreaterThan(0);
    for (const { file, job, step } of steps) {
      expect([CLOUD, GHES], `${file} ${job} ${step.uses}`).toContain(step.if);
      expect(step.uses, `${file} ${job}`).toMatch(/@[0-9a-f]{40}$/);
      const version = pinnedVersion(file, step.uses as string);
      if (step.if === GHES) expect(version, step.uses).toMatch(/^v3\.\d+\.\d+-node20$/);
      else expect(version, step.uses).toMatch(/^v4\.\d+\.\d+$/);
    }
    // Each cloud step has its GHES twin, next to it, with the same name, path and settings.
    const byJob = new Map<string, Step[]>();
    for (const s of steps)
      byJob.set(`${s.file}:${s.job}`, [...(byJob.get(`${s.file}:${s.job}`) ?? []), s.step]);
    for (const [where, list] of byJob) {
      expect(list.length % 2, where).toBe(0);
      for (let i = 0; i < list.length; i += 2) {
        const [cloud, ghes] = [list[i] as Step, list[i + 1] as Step];
        expect([cloud.if, ghes.if], where).toEqual([CLOUD, GHES]);
        expect(ghes.with, where).toEqual(cloud.with);
        expect(ghes.uses?.split("@")[0]).toBe(cloud.uses?.split("@")[0]);
      }
    }
  });
});
