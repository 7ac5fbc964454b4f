import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
 * The least-privilege rules every workflow labgate ships (templates/workflows) or runs itself
 * (.github/workflows) must keep — docs/security.md: a job that runs repository code holds no
 * token that can write and no secret; nothing untrusted reaches a shell; nothing unpinned runs.
 */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const workflows = ["templates/workflows", ".github/workflows"].flatMap((d) =>
  readdirSync(join(ROOT, d))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `${d}/${f}`),
);
const load = (f: string) => parse(readFileSync(join(ROOT, f), "utf8"));
const jobsOf = (wf: any) => Object.entries(wf.jobs ?? {}) as [string, any][];
const isCheckout = (s: any) => String(s.uses ?? "").startsWith("actions/checkout@");
const LABGATE_ACTION = /^(labgate\/labgate\/action@|\.\/)/;
/** The action modes that start repository code (experiments, dry-runs, fixers) or act on a PR. */
const CODE_MODES = new Set(["run", "dry-run", "autofix", "app", "nightly-run"]);
/** The modes that start repository code and refuse to hold a token. */
const TOKENLESS_MODES = new Set(["run", "autofix"]);
/** Where a local action is checked out from the workflow's own commit, apart from the code under test. */
const TRUSTED_PATH = ".labgate-action";

/** Does this job run code from the repository it checked out? */
function runsRepositoryCode(job: any): boolean {
  const steps: any[] = job.steps ?? [];
  const checksOutCode = steps.some((s) => isCheckout(s) && s.with?.path !== TRUSTED_PATH);
  if (!checksOutCode) return false;
  return steps.some(
    (s) =>
      typeof s.run === "string" ||
      (LABGATE_ACTION.test(String(s.uses ?? "")) && CODE_MODES.has(s.with?.mode)) ||
      (String(s.uses ?? "").startsWith("./") && !String(s.uses).startsWith(`./${TRUSTED_PATH}/`)),
  );
}

const WRITE_SCOPES = ["contents", "checks", "actions"];

describe("every workflow is least-privileged (issue #11)", () => {
  it("finds every template and this repository's workflows", () => {
    for (const f of [
      "templates/workflows/labgate-app.yml",
      "templates/workflows/labgate-dispatch.yml",
      "templates/workflows/labgate-gates.yml",
      "templates/workflows/labgate-nightly.yml",
      ".github/workflows/labgate-dispatch.yml",
    ])
      expect(workflows).toContain(f);
  });

  it.each(workflows)("%s grants nothing by default and sets permissions per job", (f) => {
    const wf = load(f);
    expect(wf.permissions, `${f}: set \`permissions: {}\` at the top`).toEqual({});
    for (const [name, job] of jobsOf(wf)) {
      expect(job.permissions, `${f}: job ${name} needs its own \`permissions:\``).toBeTypeOf(
        "object",
      );
      expect(job.permissions).not.toBeNull();
    }
  });

  it.each(workflows)(
    "%s: a job that runs repository code holds no write token and no secret",
    (f) => {
      for (const [name, job] of jobsOf(load(f))) {
        if (!runsRepositoryCode(job)) continue;
        for (const scope of WRITE_SCOPES)
          expect(job.permissions?.[scope], `${f}: job ${name} runs repository code`).not.toBe(
            "write",
          );
        expect(JSON.stringify(job), `${f}: job ${name} runs repository code`).not.toMatch(
          /secrets\./,
        );
      }
    },
  );

  it.each(workflows)(
    "%s gives the modes that run repository code and refuse a token (run, autofix) `token: ''`",
    (f) => {
      // Else the action's default `github.token` sits in the node process's INPUT_TOKEN, which
      // the experiments and fixers it starts can read from /proc/$PPID/environ.
      for (const [name, job] of jobsOf(load(f)))
        for (const step of job.steps ?? [])
          if (LABGATE_ACTION.test(String(step.uses ?? "")) && TOKENLESS_MODES.has(step.with?.mode))
            expect(step.with?.token, `${f}: job ${name}: set \`token: ""\``).toBe("");
    },
  );

  it.each(workflows)(
    "%s: a job that reads a secret names an environment (restricted to the default branch)",
    (f) => {
      for (const [name, job] of jobsOf(load(f))) {
        if (!/secrets\./.test(JSON.stringify(job))) continue;
        expect(
          job.environment,
          `${f}: job ${name} reads a secret: set \`environment:\``,
        ).toBeTruthy();
      }
    },
  );

  it.each(workflows)("%s puts no expression at all inside run: scripts", (f) => {
    for (const [name, job] of jobsOf(load(f)))
      for (const step of job.steps ?? [])
        if (typeof step.run === "string")
          expect(step.run, `${f}: job ${name}: pass values through env:`).not.toContain("${{");
  });

  it.each(workflows)(
    "%s pins every action to a commit SHA and checks out without credentials",
    (f) => {
      for (const [name, job] of jobsOf(load(f)))
        for (const step of job.steps ?? []) {
          if (step.uses === undefined) continue;
          const local = f.startsWith(".github/") && String(step.uses).startsWith("./");
          if (!local)
            expect(step.uses, `${f}: job ${name}`).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
          if (isCheckout(step))
            expect(step.with?.["persist-credentials"], `${f}: job ${name}`).toBe(false);
        }
    },
  );

  it.each(workflows)(
    "%s takes a local action only from the workflow's own commit, never from the code it tests",
    (f) => {
      for (const [name, job] of jobsOf(load(f))) {
        const steps: any[] = job.steps ?? [];
        steps.forEach((step, i) => {
          if (!String(step.uses ?? "").startsWith("./") || step.uses === "./") return;
          expect(
            String(step.uses).startsWith(`./${TRUSTED_PATH}/`),
            `${f}: job ${name}: ${step.uses}`,
          ).toBe(true);
          const trusted = steps
            .slice(0, i)
            .find((s) => isCheckout(s) && s.with?.path === TRUSTED_PATH);
          expect(trusted?.with?.ref, `${f}: job ${name}`).toBe(`$${"{{"} github.sha }}`);
        });
      }
    },
  );

  it("no workflow runs a package fetched from a registry at run time", () => {
    for (const f of workflows) {
      const text = readFileSync(join(ROOT, f), "utf8");
      expect(text, f).not.toMatch(/\bnpx\b|\bnpm (exec|install|i)\b|\bpip install\b|labgate@\d/);
    }
  });

  it("the app-mode and nightly templates run the pinned labgate action", () => {
    const app = load("templates/workflows/labgate-app.yml");
    const appSteps = jobsOf(app).flatMap(([, j]) => j.steps ?? []);
    expect(appSteps.find((s: any) => s.with?.mode === "app")?.uses).toMatch(
      /^labgate\/labgate\/action@[0-9a-f]{40}$/,
    );
    expect(appSteps.some(isCheckout)).toBe(false);
    const nightly = load("templates/workflows/labgate-nightly.yml");
    const nightlyModes = jobsOf(nightly)
      .flatMap(([, j]) => j.steps ?? [])
      .filter((s: any) => s.with?.mode)
      .map((s: any) => s.with.mode);
    expect(nightlyModes).toEqual(["nightly-run", "nightly-compare"]);
  });

  it("the dispatch plan job reads only what the approval check needs", () => {
    for (const f of [
      "templates/workflows/labgate-dispatch.yml",
      ".github/workflows/labgate-dispatch.yml",
    ])
      expect(load(f).jobs.plan.permissions, f).toEqual({
        contents: "read",
        checks: "read",
        "pull-requests": "read",
        actions: "read",
      });
  });
});
