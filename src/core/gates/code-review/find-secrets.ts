export interface SecretFinding {
  kind: string;
  line: number;
  /** The match with all but its first four characters masked: never echo a secret into a PR. */
  masked: string;
}

const PATTERNS: [string, RegExp][] = [
  ["private key", /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY(?: BLOCK)?-----/],
  ["GitHub token", /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/],
  ["AWS access key id", /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["OpenAI-style API key", /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}\b/],
  ["Hugging Face token", /\bhf_[A-Za-z0-9]{30,}\b/],
  ["Slack token", /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/],
  ["Google API key", /\bAIza[0-9A-Za-z_-]{35}\b/],
  [
    "Weights & Biases API key",
    /\b(?:WANDB_API_KEY|wandb\.login\s*\(\s*key)\s*[=:(]?\s*["']?[0-9a-f]{40}\b/,
  ],
  [
    "hard-coded credential",
    /\b(?:api[_-]?key|secret(?:[_-]?key)?|access[_-]?token|auth[_-]?token|password|passwd)\b["']?\s*[:=]\s*["'][^"'\s{}$]{12,}["']/i,
  ],
];

/**
 * Secret-looking strings: tokens of well-known providers, private key blocks, and a credential
 * assigned a literal. Values read from the environment (`os.environ[...]`) do not match.
 */
export function findSecrets(text: string): SecretFinding[] {
  const out: SecretFinding[] = [];
  const lines = text.split("\n");
  lines.forEach((lineText, i) => {
    for (const [kind, re] of PATTERNS) {
      const m = re.exec(lineText);
      if (!m) continue;
      out.push({ kind, line: i + 1, masked: mask(m[0]) });
      break;
    }
  });
  return out;
}

function mask(s: string): string {
  const flat = s.length > 60 ? s.slice(0, 60) : s;
  return `${flat.slice(0, 4)}${"*".repeat(Math.max(4, Math.min(flat.length - 4, 12)))}`;
}
