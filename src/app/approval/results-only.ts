/**
 * The results-only rule lives in src/core/approval/results-commits.ts (paths and who committed);
 * re-exported here for the callers that import it from the app.
 */
export { outsideResultPaths } from "../../core/approval/results-commits.js";
