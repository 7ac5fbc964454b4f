import type { Workspace } from "../../src/operations/workspace.js";

/** A workspace over an in-memory map of files: what the app builds from the contents API. */
export function memoryWorkspace(files: Record<string, string>): Workspace {
  return { readFile: async (p) => files[p] };
}

/** The only element of a list; fails the test when there is not exactly one. */
export function one<T>(list: readonly T[]): T {
  if (list.length !== 1) throw new Error(`expected exactly one element, got ${list.length}`);
  return list[0] as T;
}
