/** Where labgate's config is in a repository (docs/config.md). */
export const CONFIG_PATH = ".github/labgate.yml";

/**
 * The owner-wide fallback, the Probot way: a repository without its own `.github/labgate.yml`
 * takes the one in its owner's `.github` repository (docs/config.md).
 */
export const ORG_CONFIG_REPO = ".github";
