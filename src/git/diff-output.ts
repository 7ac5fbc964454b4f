/** One line of `git diff --raw --no-abbrev`: modes, blob ids, status letter, path. */
export interface RawDiffLine {
  newMode: string;
  before: string;
  after: string;
  status: string;
  path: string;
}

/** The lines of `git diff --raw --no-abbrev --no-renames`. */
export function parseDiffRaw(raw: string): RawDiffLine[] {
  const out: RawDiffLine[] = [];
  for (const line of raw.split("\n")) {
    const m = /^:\d{6} (\d{6}) (\S+) (\S+) (\S+)\t(.+)$/.exec(line);
    if (m)
      out.push({
        newMode: m[1] as string,
        before: m[2] as string,
        after: m[3] as string,
        status: m[4] as string,
        path: m[5] as string,
      });
  }
  return out;
}

/** The paths of `git apply --numstat -z`: `added\tdeleted\tpath\0`, or `added\tdeleted\t\0from\0to\0`. */
export function parseNumstatPaths(numstat: string): string[] {
  const parts = numstat.split("\0");
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string;
    if (p === "") continue;
    const path = p.split("\t")[2];
    if (path === undefined) out.push(p);
    else if (path !== "") out.push(path);
    else out.push(parts[++i] ?? "", parts[++i] ?? "");
  }
  return out;
}

/** The paths of `git status --porcelain -z`: `XY path\0`, a rename or copy followed by `from\0`. */
export function parseStatusPaths(status: string): string[] {
  const parts = status.split("\0");
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const entry = parts[i] as string;
    if (entry.length < 4) continue;
    out.push(entry.slice(3));
    if (entry[0] === "R" || entry[0] === "C") i++;
  }
  return out;
}
