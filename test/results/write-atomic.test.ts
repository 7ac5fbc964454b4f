import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openAtomic, writeAtomic } from "../../src/operations/results/write-atomic.js";
import { tempDir } from "../helpers/temp-dir.js";

describe("openAtomic", () => {
  it("writes every chunk in order, multi-byte text and chunks larger than its buffers included", async () => {
    const dir = tempDir("labgate-atomic-");
    const path = join(dir, "out", "file.txt");
    const chunks: string[] = [];
    for (let i = 0; i < 40_000; i++) chunks.push(`${i},ü€😀,${"x".repeat(i % 97)}\n`);
    chunks.splice(1000, 0, "é".repeat(700_000)); // > 1 MiB once encoded
    chunks.splice(20_000, 0, "a".repeat(300_000));
    const file = await openAtomic(path);
    for (const c of chunks) {
      const flushing = file.write(c);
      if (flushing) await flushing;
    }
    expect(existsSync(path)).toBe(false); // nothing visible before close
    await file.close();
    expect(readFileSync(path, "utf8")).toBe(chunks.join(""));
    expect(readdirSync(join(dir, "out"))).toEqual(["file.txt"]); // the temp file was renamed
  });

  it("leaves the old file whole and no temp file when aborted", async () => {
    const dir = tempDir("labgate-atomic-");
    const path = join(dir, "state.json");
    writeFileSync(path, "old\n");
    const file = await openAtomic(path);
    for (let i = 0; i < 10_000; i++) await file.write(`new line ${i}\n`);
    await file.abort();
    expect(readFileSync(path, "utf8")).toBe("old\n");
    expect(readdirSync(dir)).toEqual(["state.json"]);
  });

  it("writeAtomic takes one string, sync chunks or async chunks", async () => {
    const dir = tempDir("labgate-atomic-");
    await writeAtomic(join(dir, "a"), "one");
    await writeAtomic(join(dir, "b"), ["t", "w", "o"]);
    await writeAtomic(
      join(dir, "c"),
      (async function* () {
        yield "thr";
        yield "ee";
      })(),
    );
    expect(["a", "b", "c"].map((f) => readFileSync(join(dir, f), "utf8"))).toEqual([
      "one",
      "two",
      "three",
    ]);
  });
});
