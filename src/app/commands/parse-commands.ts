export type Command =
  | { name: "approve-phase8" }
  | { name: "run-pilot"; stage?: number }
  | { name: "cancel" }
  | { name: "retry"; target: "failed" | { runId: string } }
  | { name: "help"; unknown?: string };

/** At most this many commands from one comment are acted on. */
const MAX_COMMANDS = 3;

/**
 * The labgate commands in a PR comment: a line that starts with the command. Lines inside fenced
 * code blocks, quoted lines (`>`), and indented code are someone talking about a command, not
 * giving it, and are ignored. Slash words labgate does not know are left to other bots.
 */
export function parseCommands(body: string): Command[] {
  const out: Command[] = [];
  let fence: string | undefined;
  for (const raw of body.split(/\r?\n/)) {
    const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(raw);
    if (fenceMatch) {
      const marker = fenceMatch[1] as string;
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    if (/^( {4,}|\t)/.test(raw)) continue;
    const line = raw.trim();
    if (line.startsWith(">")) continue;
    const cmd = parseLine(line);
    if (cmd) out.push(cmd);
    if (out.length >= MAX_COMMANDS) break;
  }
  return out;
}

function parseLine(line: string): Command | undefined {
  const [word, ...args] = line.split(/\s+/);
  switch (word) {
    case "/approve-phase8":
      return { name: "approve-phase8" };
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
