import { basename, dirname, resolve } from "node:path";
import type { Config } from "../../core/config/config-schema.js";

/**
 * Where a checkout's runs keep their checkpoints (`{checkpoint_dir}` = `<root>/ckpt_<run_id>`):
 * `checkpoint_root` of .github/labgate.yml (absolute, or relative to the checkout), by default
 * `.labgate-checkpoints/<checkout folder name>` beside the checkout.
 *
 * Beside, not inside: a checkpoint must survive what a checkout goes through between an attempt
 * and its `--resume` — a reboot (so not the temp dir), and a `git clean -ffdx`, which
 * actions/checkout runs in the workspace of a self-hosted runner before every job (so not
 * `.labgate/` inside it, ignored files included). The folder name keeps two checkouts in one
 * parent folder apart, so the same run ids never resume from each other's checkpoints.
 */
export function checkpointRoot(config: Pick<Config, "checkpoint_root">, cwd: string): string {
  const checkout = resolve(cwd);
  if (config.checkpoint_root !== undefined) return resolve(checkout, config.checkpoint_root);
  return resolve(dirname(checkout), ".labgate-checkpoints", basename(checkout));
}
