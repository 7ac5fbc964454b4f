import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/core/config/config-schema.js";
import {
  DispatchStateError,
  readDispatchState,
  writeDispatchState,
} from "../../src/operations/dispatch-state-store.js";
import { createTestRepo } from "../helpers/git-repo.js";
import { stateEntry } from "../helpers/state-fixture.js";

const config = DEFAULT_CONFIG;
const clock = () => new Date("2025-03-01T12:00:00Z");
const stateText = (ids: string[], status = "done") =>
  `${JSON.stringify(
    {
      project: "demo",
      updated: "2025-01-01T00:00:00Z",
      experiments: ids.map((id) => stateEntry({ id, status: status as never })),
    },
    null,
    2,
  )}\n`;

function logSink() {
  const lines: string[] = [];
  return { lines, log: { info: (s: string) => lines.push(s), warn: (s: string) => lines.push(s) } };
}

describe("dispatch state store", () => {
  it("reads nothing as an empty state without inventing a file", async () => {
    const repo = await createTestRepo();
    const r = await readDispatchState({ cwd: repo.dir, config, git: repo.repo });
    expect(r.state).toBeUndefined();
    expect(r.entries.size).toBe(0);
    expect(existsSync(join(repo.dir, "dispatch/state.json"))).toBe(false);
  });

  it("merges sidecars over state.json and writes atomically, one entry per line", async () => {
    const repo = await createTestRepo();
    repo.write({
      "dispatch/state.json": stateText(["a_s1", "a_s2"], "queued"),
      "dispatch/a_s2.status.json": JSON.stringify(
        stateEntry({ id: "a_s2", status: "done", exit_code: 0, host: "box" }),
      ),
    });
    const r = await readDispatchState({ cwd: repo.dir, config, git: repo.repo });
    expect(r.sidecars).toEqual(["dispatch/a_s2.status.json"]);
    expect([...r.entries.values()].map((e) => e.status)).toEqual(["queued", "done"]);
    const path = await writeDispatchState({
      cwd: repo.dir,
      config,
      project: "demo",
      entries: r.entries.values(),
      clock,
    });
    expect(path).toBe("dispatch/state.json");
    const text = readFileSync(join(repo.dir, path), "utf8");
    const written = JSON.parse(text);
    expect(written.updated).toBe("2025-03-01T12:00:00.000Z");
    expect(written.experiments[1]).toMatchObject({ id: "a_s2", status: "done", host: "box" });
    expect(text.split("\n").filter((l) => l.includes('"id":'))).toHaveLength(2);
    expect(readdirSync(join(repo.dir, "dispatch")).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    const again = await readDispatchState({ cwd: repo.dir, config, git: repo.repo });
    expect([...again.entries.values()]).toEqual([...r.entries.values()]);
  });

  it("recovers a malformed state.json from HEAD, names its path and keeps the bad bytes", async () => {
    const repo = await createTestRepo();
    await repo.commit({ "dispatch/state.json": stateText(["a_s1", "a_s2"], "queued") });
    const broken = '{\n  "project": "demo",\n  "experiments": [\n    {"id": "a_s1",,}\n';
    repo.write({
      "dispatch/state.json": broken,
      "dispatch/a_s1.status.json": JSON.stringify({ id: "a_s1", status: "done", exit_code: 0 }),
    });
    const { lines, log } = logSink();
    const r = await readDispatchState({ cwd: repo.dir, config, git: repo.repo, log });
    expect(r.recoveredFrom).toBe("HEAD");
    expect(lines[0]).toMatch(/^dispatch\/state\.json:4:\d+: not valid JSON/);
    expect(lines[0]).toContain("recovered dispatch/state.json from the last commit (HEAD)");
    expect(r.warnings).toEqual(lines);
    expect([...r.entries.values()].map((e) => [e.id, e.status])).toEqual([
      ["a_s1", "done"],
      ["a_s2", "queued"],
    ]);
    expect(readFileSync(join(repo.dir, "dispatch/state.json.malformed"), "utf8")).toBe(broken);
  });

  it("refuses, leaving the file untouched, when HEAD holds no copy to recover", async () => {
    const repo = await createTestRepo();
    repo.write({ "dispatch/state.json": '{"project": "demo", "experiments": "oops"}' });
    const err = await readDispatchState({ cwd: repo.dir, config, git: repo.repo }).catch((e) => e);
    expect(err).toBeInstanceOf(DispatchStateError);
    expect(err.message).toContain("dispatch/state.json: not a labgate dispatch state");
    expect(err.message).toContain("the last commit holds no copy of it");
    expect(err.message).toContain("fix:");
    expect(readFileSync(join(repo.dir, "dispatch/state.json"), "utf8")).toBe(
      '{"project": "demo", "experiments": "oops"}',
    );
  });

  it("reports a malformed sidecar with its path and skips it; keeps a sidecar for an unknown run", async () => {
    const repo = await createTestRepo();
    repo.write({
      "dispatch/state.json": stateText(["a_s1"], "queued"),
      "dispatch/a_s1.status.json": "{ truncated",
      "dispatch/zz_s9.status.json": JSON.stringify({ id: "zz_s9", status: "done", exp_id: "zz" }),
      "dispatch/other.json": "not a sidecar, ignored",
    });
    const { lines, log } = logSink();
    const r = await readDispatchState({ cwd: repo.dir, config, git: repo.repo, log });
    expect(lines[0]).toMatch(/^dispatch\/a_s1\.status\.json(:\d+:\d+)?: not valid JSON/);
    expect(lines[0]).toContain("skipped");
    expect(lines[1]).toContain(
      "name runs that neither dispatch/state.json nor the sidecar itself describe",
    );
    expect(lines[1]).toContain("zz_s9");
    expect([...r.entries.values()].map((e) => [e.id, e.status])).toEqual([
      ["a_s1", "queued"],
      ["zz_s9", "done"],
    ]);
  });

  it("with the planned run ids, reports a complete sidecar for a run the campaign does not plan", async () => {
    const repo = await createTestRepo();
    repo.write({
      "dispatch/a_s1.status.json": JSON.stringify(stateEntry({ id: "a_s1", status: "done" })),
      "dispatch/old_s1.status.json": JSON.stringify(stateEntry({ id: "old_s1", status: "done" })),
    });
    const { lines, log } = logSink();
    const r = await readDispatchState({
      cwd: repo.dir,
      config,
      git: repo.repo,
      log,
      knownRunIds: new Set(["a_s1"]),
    });
    expect(lines).toEqual([
      "1 sidecar(s) in dispatch/ name runs that neither dispatch/state.json nor the definitions describe (kept as their own entries, not deleted): old_s1",
    ]);
    expect([...r.entries.keys()]).toEqual(["a_s1", "old_s1"]);
  });

  it("honours a configured dispatch_dir", async () => {
    const repo = await createTestRepo();
    const custom = { ...config, dispatch_dir: "ops/dispatch" };
    repo.write({ "ops/dispatch/b_s1.status.json": JSON.stringify(stateEntry({ id: "b_s1" })) });
    const r = await readDispatchState({ cwd: repo.dir, config: custom, git: repo.repo });
    expect([...r.entries.keys()]).toEqual(["b_s1"]);
    await writeDispatchState({
      cwd: repo.dir,
      config: custom,
      project: "p",
      entries: r.entries.values(),
      clock,
    });
    expect(existsSync(join(repo.dir, "ops/dispatch/state.json"))).toBe(true);
  });
});
