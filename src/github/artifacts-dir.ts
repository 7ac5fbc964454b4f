import { cp, mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ArtifactStore } from "./artifacts.js";

/**
 * Artifacts as sub-directories of `dir`: `<dir>/<name>/<relative path>`. Like GitHub, a name can
 * be uploaded once; an upload is staged and renamed into place, so a reader never sees half of it.
 */
export function directoryArtifactStore(dir: string): ArtifactStore {
  const root = resolve(dir);
  return {
    describe: `directory ${root}`,
    async upload(name, rootDir, files) {
      const target = join(root, name);
      if (await exists(target))
        throw new Error(`artifact "${name}" already exists in ${root}; artifact names are unique`);
      const staging = join(root, `.${name}.partial-${process.pid}`);
      await rm(staging, { recursive: true, force: true });
      await mkdir(staging, { recursive: true });
      for (const f of files) await cp(resolve(rootDir, f), join(staging, f), { recursive: true });
      await rename(staging, target);
      return { files: files.length };
    },
    async list() {
      if (!(await exists(root))) return [];
      const entries = await readdir(root, { withFileTypes: true });
      return entries
        .filter((e) => e.isDirectory() && !e.name.startsWith("."))
        .map((e) => e.name)
        .sort();
    },
    async download(name, destDir) {
      const source = join(root, name);
      if (!(await exists(source))) throw new Error(`artifact "${name}" not found in ${root}`);
      await mkdir(destDir, { recursive: true });
      await cp(source, destDir, { recursive: true });
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}
