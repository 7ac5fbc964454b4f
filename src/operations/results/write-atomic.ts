import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Writes `chunks` to `path` atomically: into a temp file beside it, then `rename` over it, so a
 * reader (or a crash) sees the old file or the new one, never half of one. Streams with
 * backpressure, so large outputs never sit in memory as one string.
 */
export async function writeAtomic(
  path: string,
  chunks: Iterable<string> | AsyncIterable<string> | string,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const out = createWriteStream(tmp, { encoding: "utf8" });
  const failed = once(out, "error").then(([err]) => {
    throw err;
  });
  failed.catch(() => undefined);
  try {
    const source = typeof chunks === "string" ? [chunks] : chunks;
    let buffered = "";
    for await (const chunk of source) {
      buffered += chunk;
      if (buffered.length >= 1 << 16) {
        if (!out.write(buffered)) await Promise.race([once(out, "drain"), failed]);
        buffered = "";
      }
    }
    out.end(buffered);
    await Promise.race([once(out, "finish"), failed]);
    await rename(tmp, path);
  } catch (err) {
    out.destroy();
    await rm(tmp, { force: true });
    throw err;
  }
}
