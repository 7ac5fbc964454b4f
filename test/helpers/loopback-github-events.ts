import { example } from "../app/harness.js";
import type { LoopbackGitHub, LoopbackPull, LoopbackRepo } from "./loopback-github.js";

// Real webhook payloads (@octokit/webhooks-examples) moved onto the loopback stand-in's
// repositories and pull requests.

export const sha = (c: string) => c.repeat(40);

export function pull(number: number, head: string, author: string): LoopbackPull {
  return {
    number,
    headSha: head,
    headRef: `feature-${number}`,
    author,
    pushes: [{ sha: head, at: new Date(Date.now() - 60_000).toISOString() }],
  };
}

export function repository(r: LoopbackRepo) {
  return {
    id: r.id,
    node_id: `R_${r.id}`,
    name: r.name,
    full_name: `${r.owner}/${r.name}`,
    owner: { login: r.owner, id: 1, type: "Organization" },
    private: true,
    default_branch: "main",
  };
}

/** The real pull_request example, moved to this repository and PR. */
export function prEvent(r: LoopbackRepo, pr: LoopbackPull, action: string, before?: string) {
  const p = example("pull_request", (e) => e.action === "synchronize");
  p.action = action;
  p.repository = repository(r);
  p.installation = { id: r.installationId };
  p.number = pr.number;
  Object.assign(p.pull_request, {
    number: pr.number,
    state: "open",
    user: { ...p.pull_request.user, login: pr.author },
    head: { ...p.pull_request.head, sha: pr.headSha, ref: pr.headRef, repo: repository(r) },
    base: { ...p.pull_request.base, ref: "main", repo: repository(r) },
  });
  if (action === "synchronize") {
    p.before = before;
    p.after = pr.headSha;
  } else {
    delete p.before;
    delete p.after;
  }
  return p;
}

/** The real issue_comment example: a comment written now on the PR, known to the stand-in. */
export function commentEvent(
  gh: LoopbackGitHub,
  r: LoopbackRepo,
  pr: number,
  body: string,
  login: string,
) {
  const now = new Date().toISOString();
  const c = gh.addComment(r, { issue: pr, body, user: { login, type: "User" }, created_at: now });
  const p = example("issue_comment", (e) => e.action === "created");
  p.repository = repository(r);
  p.installation = { id: r.installationId };
  p.issue.number = pr;
  p.issue.pull_request = { url: `https://github.com/${r.owner}/${r.name}/pull/${pr}` };
  Object.assign(p.comment, {
    id: c.id,
    body,
    created_at: now,
    updated_at: now,
    html_url: `https://github.com/${r.owner}/${r.name}/pull/${pr}#issuecomment-${c.id}`,
    user: { ...p.comment.user, login, type: "User" },
  });
  p.sender = { ...p.sender, login, type: "User" };
  return { payload: p, comment: c };
}
