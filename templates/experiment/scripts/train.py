#!/usr/bin/env python3
"""An experiment script labgate can run: replace `train` with your training.

The contract (labgate's code-review gate checks it):
  --seed N             seeds every random generator, so a run is reproducible
  --checkpoint-dir D   where checkpoints go (never a hard-coded path)
  --resume             continue from the last checkpoint in D (labgate adds it on retries)
  --dry-run            check arguments and data in seconds, train nothing
  --result-file F      write {"metrics": {name: number}, "meta": {...}} here at the end
"""

import argparse
import json
import os
import random
import sys


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--method", required=True)
    p.add_argument("--dataset", required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--checkpoint-dir", required=True)
    p.add_argument("--result-file", required=True)
    p.add_argument("--resume", action="store_true")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--epochs", type=int, default=5)
    return p.parse_args()


def load_checkpoint(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def train(args):
    """A stand-in for real training: a noisy accuracy that improves per epoch."""
    rng = random.Random(args.seed)
    ckpt_path = os.path.join(args.checkpoint_dir, "checkpoint.json")
    state = (load_checkpoint(ckpt_path) if args.resume else None) or {"epoch": 0, "accuracy": 0.5}
    gain = 0.08 if args.method == "ours" else 0.05
    while state["epoch"] < args.epochs:
        state["epoch"] += 1
        state["accuracy"] = min(0.99, state["accuracy"] + gain * rng.random())
        os.makedirs(args.checkpoint_dir, exist_ok=True)
        with open(ckpt_path, "w") as f:
            json.dump(state, f)
    return {"accuracy": round(state["accuracy"], 4)}


def main():
    args = parse_args()
    if args.dry_run:
        print(f"dry run: {args.method} on {args.dataset}, seed {args.seed}: arguments ok")
        return 0
    metrics = train(args)
    os.makedirs(os.path.dirname(args.result_file) or ".", exist_ok=True)
    with open(args.result_file, "w") as f:
        json.dump({"metrics": metrics, "meta": {"epochs": args.epochs}}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
