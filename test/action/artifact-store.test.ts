import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { INPUT_NAMES } from "../../src/action/inputs.js";
import { chooseArtifactStore } from "../../src/github/artifacts-actions.js";
import { directoryArtifactStore } from "../../src/github/artifacts-dir.js";
import { tempDir } from "../helpers/temp-dir.js";
import { writeFiles } from "./helpers/git-fixture.js";

describe("directory artifact store (LABGATE_ARTIFACT_DIR)", () => {
  it("uploads, lists and downloads with relative paths kept, and refuses a name twice", async () => {
    const src = tempDir();
    writeFiles(src, { "dispatch/a.status.json": "{}\n", ".labgate/logs/a.log": "hello\n" });
    const store = directoryArtifactStore(join(tempDir(), "store"));
    expect(await store.list()).toEqual([]);
    await store.upload("shard-0", src, ["dispatch/a.status.json", ".labgate/logs/a.log"]);
    await store.upload("shard-1", src, ["dispatch/a.status.json"]);
    expect(await store.list()).toEqual(["shard-0", "shard-1"]);
    await expect(store.upload("shard-0", src, [])).rejects.toThrow(/already exists.*unique/);
    const dest = tempDir();
    await store.download("shard-0", dest);
    expect(readFileSync(join(dest, ".labgate/logs/a.log"), "utf8")).toBe("hello\n");
    await expect(store.download("shard-9", dest)).rejects.toThrow(/not found/);
  });

  it("is chosen when LABGATE_ARTIFACT_DIR is set; without it or a workflow job there is none", () => {
    const dir = tempDir();
    expect(
      chooseArtifactStore({ LABGATE_ARTIFACT_DIR: dir }, directoryArtifactStore).describe,
    ).toContain(dir);
    expect(
      chooseArtifactStore({ ACTIONS_RUNTIME_TOKEN: "x" }, directoryArtifactStore).describe,
    ).toBe("GitHub Actions artifacts of this workflow run");
    expect(() => chooseArtifactStore({}, directoryArtifactStore)).toThrow(
      /ACTIONS_RUNTIME_TOKEN is not set.*LABGATE_ARTIFACT_DIR/,
    );
  });
});

describe("action/action.yml", () => {
  it("declares exactly the inputs the action parses", () => {
    const yml = parse(
      readFileSync(fileURLToPath(new URL("../../action/action.yml", import.meta.url)), "utf8"),
    );
    expect(Object.keys(yml.inputs).sort()).toEqual([...INPUT_NAMES].sort());
    expect(yml.runs).toEqual({ using: "node24", main: "dist/index.js" });
  });
});
