import type { Config } from "../../core/config/config-schema.js";
import { type Failure, fail } from "../../core/failure/failure.js";
import { canWrite, getCollaboratorRole } from "../../github/collaborator-permission.js";
import { isActiveTeamMember } from "../../github/team-membership.js";
import type { EventDeps } from "../event-deps.js";

/**
 * Who may, and through what; or why not: `permission-unknown` (GitHub could not say, so labgate
 * refuses), `not-writer` (read access only and no configured approver).
 */
export type Authorization =
  | { ok: true; via: string }
  | Failure<"permission-unknown" | "not-writer">;

/**
 * May `user` give commands that spend GPU time? Write access or more through the collaborator
 * permission API, or a configured approver (user or team). Any failure to ask denies: an outage
 * never grants (docs/approval.md).
 */
export async function authorize(
  deps: EventDeps,
  user: string,
  approvers: Config["approvers"],
): Promise<Authorization> {
  const role = await getCollaboratorRole(deps.octokit, deps.repo, user);
  if (!role.ok)
    return fail(
      "permission-unknown",
      `${role.message}, so labgate cannot verify the permission and refuses.`,
    );
  if (canWrite(role.role)) return { ok: true, via: `${role.role} permission` };
  const lower = user.toLowerCase();
  if (approvers.users.some((u) => u.toLowerCase() === lower))
    return { ok: true, via: "the approvers list in .github/labgate.yml" };
  const problems: string[] = [];
  for (const team of approvers.teams) {
    const m = await isActiveTeamMember(deps.octokit, team, user);
    if (m.member) return { ok: true, via: `membership of ${team}` };
    if (m.reason) problems.push(m.reason);
  }
  return fail(
    "not-writer",
    `@${user} has ${role.role} permission; this needs write, maintain or admin, or being a configured approver${
      problems.length > 0 ? ` (${problems.join("; ")})` : ""
    }.`,
  );
}
