/**
 * Who labgate's own commits are by: the auto-fix branch, the nightly branch, and a results commit
 * made where git has no identity configured (a fresh CI machine). `labgate[bot]` with the GitHub
 * noreply address is how a GitHub App's commits show on GitHub, so every labgate commit reads the
 * same whichever shell made it.
 */
export const LABGATE_COMMITTER = {
  name: "labgate[bot]",
  email: "labgate[bot]@users.noreply.github.com",
} as const;

/** The committer as `-c` settings; signing is off (the machine has no key of labgate's). */
export const LABGATE_COMMITTER_CONFIG: readonly string[] = [
  `user.name=${LABGATE_COMMITTER.name}`,
  `user.email=${LABGATE_COMMITTER.email}`,
  "commit.gpgsign=false",
];
