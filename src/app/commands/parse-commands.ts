export type Command =
  /**
   * `sha`: the commit the approver names, all 40 hex digits (lower case). `abbreviated`: a shorter
   * run of hex digits the approver typed instead, which pins no commit (two commits sharing a
   * 7-digit prefix are found in a second) and so approves nothing (docs/security.md).
   */
  /**
   * `budget`: the GPU-hour budget the approver approves the campaign for (`budget=N`), which may be
   * larger than the definitions' or config's (docs/approval.md, "The budget").
   */
  | { name: "approve-phase8"; sha?: string; abbreviated?: string; budget?: number }
  | { name: "run-pilot"; stage?: number }
  | { name: "cancel" }
  | { name: "retry"; target: "failed" | { runId: string } }
  | { name: "help"; unknown?: string };

/** At most this many commands from one comment are acted on. */
const MAX_COMMANDS = 3;

/**
 * The labgate commands in a PR comment: a line that starts with the command. Lines inside fenced
 * code blocks, quoted lines (`>`), and indented code are someone talking about a command, not
 * giving it, and are ignored; so is anything the reader does not see, or sees only by expanding
 * it: HTML comments (`<!-- ... -->`, over any number of lines) and `<details>` blocks
 * (docs/security.md). Slash words labgate does not know are left to other bots.
 */
export function parseCommands(body: string): Command[] {
  const out: Command[] = [];
  let fence: string | undefined;
  let inComment = false;
  let details = 0;
  for (const raw of body.split(/\r?\n/)) {
    if (inComment) {
      // The line that closes a comment is ignored whole: nothing on it counts.
      if (raw.includes("-->")) inComment = false;
      continue;
    }
    const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(raw);
    if (fenceMatch) {
      const marker = fenceMatch[1] as string;
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const visible = visiblePart(raw);
    inComment = visible.opensComment;
    const wasInDetails = details > 0;
    details = Math.max(0, details + visible.detailsOpened - visible.detailsClosed);
    if (wasInDetails) continue;
    const text = visible.text;
    if (/^( {4,}|\t)/.test(text)) continue;
    const line = text.trim();
    if (line.startsWith(">")) continue;
    const cmd = parseLine(line);
    if (cmd) out.push(cmd);
    if (out.length >= MAX_COMMANDS) break;
  }
  return out;
}

/**
 * What of a line outside any comment a reader sees for sure: the text before the first HTML
 * comment or `<details>` on it. Also whether the line leaves a comment open, and how many
 * `<details>` blocks it opens and closes.
 */
function visiblePart(raw: string): {
  text: string;
  opensComment: boolean;
  detailsOpened: number;
  detailsClosed: number;
} {
  let rest = raw;
  let opensComment = false;
  let outside = "";
  let cut: number | undefined;
  for (;;) {
    const start = rest.indexOf("<!--");
    if (start < 0) {
      outside += rest;
      break;
    }
    cut ??= outside.length + start;
    outside += rest.slice(0, start);
    const end = rest.indexOf("-->", start + 4);
    if (end < 0) {
      opensComment = true;
      break;
    }
    rest = rest.slice(end + 3);
  }
  const detailsAt = outside.search(/<details\b/i);
  const ends = [cut, detailsAt < 0 ? undefined : detailsAt].filter((n) => n !== undefined);
  return {
    text: ends.length > 0 ? raw.slice(0, Math.min(...(ends as number[]))) : raw,
    opensComment,
    detailsOpened: outside.match(/<details\b/gi)?.length ?? 0,
    detailsClosed: outside.match(/<\/details\s*>/gi)?.length ?? 0,
  };
}

function parseLine(line: string): Command | undefined {
  const [word, ...args] = line.split(/\s+/);
  switch (word) {
    case "/approve-phase8":
      return approveCommand(args);
    case "/run-pilot": {
      const arg = args[0];
      if (arg === undefined) return { name: "run-pilot" };
      const stage = Number(arg);
      return Number.isInteger(stage) && stage >= 1 && stage <= 3
        ? { name: "run-pilot", stage }
        : { name: "help", unknown: `/run-pilot ${arg}` };
    }
    case "/cancel":
      return { name: "cancel" };
    case "/retry": {
      const arg = args[0];
      if (arg === undefined)
        return { name: "help", unknown: "/retry (needs `failed` or a run id)" };
      if (arg === "failed") return { name: "retry", target: "failed" };
      return /^[A-Za-z0-9._-]{1,200}$/.test(arg)
        ? { name: "retry", target: { runId: arg } }
        : { name: "help", unknown: `/retry ${arg.slice(0, 40)}` };
    }
    case "/labgate":
      return args[0] === undefined || args[0] === "help"
        ? { name: "help" }
        : { name: "help", unknown: `/labgate ${args[0].slice(0, 40)}` };
    default:
      return undefined;
  }
}

/** The most GPU-hours `budget=N` may name: beyond any campaign, and well within a float's digits. */
const MAX_BUDGET = 10_000_000;

/**
 * `/approve-phase8 [sha] [budget=N]`, in either order. A first word that is neither gets the help
 * with why; words after the first that are neither are ignored, as they always were.
 */
function approveCommand(args: readonly string[]): Command {
  const cmd: Extract<Command, { name: "approve-phase8" }> = { name: "approve-phase8" };
  for (const [i, arg] of args.entries()) {
    const budget = /^budget=(.*)$/i.exec(arg);
    const noSha = cmd.sha === undefined && cmd.abbreviated === undefined;
    if (budget) {
      const text = budget[1] as string;
      const n = /^[0-9]{1,8}(\.[0-9]{1,3})?$/.test(text) ? Number(text) : Number.NaN;
      if (cmd.budget !== undefined || !(n > 0 && n <= MAX_BUDGET))
        return {
          name: "help",
          unknown: `/approve-phase8 ${arg.slice(0, 40)} (budget= takes one number of GPU-hours, more than 0 and at most ${MAX_BUDGET}, e.g. budget=120)`,
        };
      cmd.budget = n;
    } else if (noSha && /^[0-9a-f]{40}$/i.test(arg)) cmd.sha = arg.toLowerCase();
    else if (noSha && /^[0-9a-f]{1,39}$/i.test(arg)) cmd.abbreviated = arg.toLowerCase();
    else if (i === 0)
      return {
        name: "help",
        unknown: `/approve-phase8 ${arg.slice(0, 40)} (a commit SHA, all 40 hex digits)`,
      };
  }
  return cmd;
}
