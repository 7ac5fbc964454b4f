import { messageOf } from "../../core/failure/failure.js";
import { GitRepo } from "../../git/git-repo.js";

/**
 * docs/approval.md: dispatch runs the approved SHA and nothing else. Returns a message naming both SHAs
 * when the checkout in `cwd` is anything else, or undefined when it matches.
 */
export async function checkoutMismatch(cwd: string, sha: string): Promise<string | undefined> {
  let head: string;
  try {
    head = await GitRepo.open(cwd).head();
  } catch (err) {
    return `cannot read the checkout's HEAD in ${cwd}: ${messageOf(err).trim()}. Check out the repository first (actions/checkout with \`ref: <sha>\`).`;
  }
  if (head === sha) return undefined;
  return `the checkout is at ${head}, not the requested sha ${sha}; refusing to continue. Check out exactly that commit (actions/checkout with \`ref: \${{ inputs.sha }}\`).`;
}
