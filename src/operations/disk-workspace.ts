import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Workspace } from "./workspace.js";

export function diskWorkspace(root: string): Workspace {
  return {
    async readFile(path) {
      try {
        return await readFile(resolve(root, path), "utf8");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw err;
      }
    },
  };
}
