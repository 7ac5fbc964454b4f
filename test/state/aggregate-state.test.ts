import { describe, expect, it } from "vitest";
import { aggregateState } from "../../src/core/state/aggregate-state.js";
import { parseDispatchState, parseSidecar } from "../../src/core/state/parse-dispatch-state.js";
import { serializeDispatchState } from "../../src/core/state/serialize-dispatch-state.js";
import { entryFromSidecar, STATE_ENTRY_FIELDS } from "../../src/core/state/state-entry-schema.js";
import { stateEntry } from "../helpers/state-fixture.js";

const dirs = { results_dir: "experiments/results" };

describe("aggregateState: the state every shell's aggregate writes (issue #14)", () => {
  it("puts planned runs in plan order whatever order the state and the sidecars came in, others after", () => {
    const state = [stateEntry({ id: "stray_s1" }), stateEntry({ id: "b_s10" })];
    const out = aggregateState({
      entries: state,
      sidecars: [
        { id: "b_s2", status: "done" },
        { id: "a_s1", status: "done" },
      ],
      plan: ["a_s1", "b_s2", "b_s10"],
      dirs,
    });
    expect(out.entries.map((e) => e.id)).toEqual(["a_s1", "b_s2", "b_s10", "stray_s1"]);
  });

  it("archives the pilots for the full phase, by default once the state holds full runs", () => {
    const entries = () => [
      stateEntry({ id: "p_s1", phase: "pilot" }),
      stateEntry({ id: "f_s1", phase: "full" }),
    ];
    const plan = ["p_s1", "f_s1"];
    const byDefault = aggregateState({ entries: entries(), sidecars: [], plan, dirs });
    expect(byDefault.phase).toBe("full");
    expect(byDefault.entries.map((e) => e.phase)).toEqual(["pilot (archived)", "full"]);
    const pilot = aggregateState({ entries: entries(), sidecars: [], plan, dirs, phase: "pilot" });
    expect(pilot.entries.map((e) => e.phase)).toEqual(["pilot", "full"]);
  });

  it("sets every result_file to the plan's path and reports sidecars of runs the plan does not name", () => {
    const out = aggregateState({
      entries: [stateEntry({ id: "a_s1", result_file: "/etc/passwd" })],
      sidecars: [{ id: "ghost_s1", status: "done", result_file: "../x" }],
      plan: ["a_s1"],
      dirs,
    });
    expect(out.entries.map((e) => e.result_file)).toEqual([
      "experiments/results/runs/a_s1.json",
      "experiments/results/runs/ghost_s1.json",
    ]);
    expect(out.unknown).toEqual(["ghost_s1"]);
  });
});

describe("StateEntry's fields are listed once, in its schema", () => {
  it("the serializer writes the schema's documented fields in the schema's order, extension fields after", () => {
    const entry = stateEntry({ id: "a_s1", boot_id: "b" });
    const line = [...serializeDispatchState({ project: "p", updated: "u", experiments: [entry] })]
      .join("")
      .split("\n")[4] as string;
    const keys = Object.keys(JSON.parse(line.replace(/,$/, "")));
    expect(keys.slice(0, STATE_ENTRY_FIELDS.length)).toEqual(STATE_ENTRY_FIELDS);
    expect(keys.slice(STATE_ENTRY_FIELDS.length)).toEqual([
      "duration_hours",
      "peak_vram_mb",
      "boot_id",
    ]);
  });

  it("a state entry that gives only the identity reads with the schema's defaults, and a sidecar's absent field stays absent", () => {
    const identity = {
      id: "a__k-1_s3",
      exp_id: "a",
      phase: "full",
      method: "m",
      dataset: "d",
      seed: 3,
      status: "queued",
    };
    const state = parseDispatchState(
      "dispatch/state.json",
      JSON.stringify({ project: "p", updated: "u", experiments: [identity] }),
    );
    if (!state.ok) throw new Error(state.message);
    const read = state.value.experiments[0];
    expect(read).toMatchObject({ params: {}, command: "", stage: null, retry_count: 0 });
    expect(read).toMatchObject({ duration_hours: null, peak_vram_mb: null });
    expect(read).not.toHaveProperty("boot_id");
    const sidecar = parseSidecar("dispatch/a__k-1_s3.status.json", '{"id": "a__k-1_s3"}');
    expect(sidecar).toEqual({ ok: true, value: { id: "a__k-1_s3" } });
    expect(entryFromSidecar({ id: "a__k-1_s3" })).toMatchObject({
      exp_id: "a__k-1",
      seed: 3,
      status: "pending",
      params: {},
      host: null,
    });
  });
});
