/**
 * Where an operation reads a repo's files from: the local disk for the CLI and the Action, the
 * GitHub contents API at a SHA for the app. `undefined` means the file does not exist.
 */
export interface Workspace {
  readFile(path: string): Promise<string | undefined>;
}
