#!/usr/bin/env python3
"""Example campaign: classical classifiers vs score/rank combinatorial fusion.

Trains one (method, dataset, seed) combination on a small tabular CSV dataset
and writes its test metrics as JSON. Python 3.11 standard library only.

Methods
  logreg          multinomial logistic regression, per-sample SGD with L2
  knn             k nearest neighbours (Euclidean, distance-weighted votes)
  gnb             Gaussian naive Bayes
  fusion          combinatorial fusion (CFA) of logreg + knn + gnb by score
                  combination and/or rank combination (--fusion)
  fusion-no-rank  ablation: fusion with the rank combination removed
                  (score combination only)

Exit codes: 0 ok, 2 bad arguments / missing or malformed data / unusable
checkpoint, 3 stopped by --stop-after-epochs, 128+N stopped by signal N
(after checkpointing).

See experiments/scripts/README.md for the full contract.
"""

import argparse
import csv
import hashlib
import heapq
import json
import math
import os
import platform
import random
import re
import signal
import sys
import tempfile
import time
from operator import mul

METHODS = ("logreg", "knn", "gnb", "fusion", "fusion-no-rank")
BASE_MODELS = ("logreg", "knn", "gnb")
FUSION_MODES = ("score", "rank", "both")
CHECKPOINT_FILE = "checkpoint.json"  # file name inside --checkpoint-dir
CHECKPOINT_FORMAT = 1
EXIT_USAGE = 2
EXIT_STOPPED = 3

# logistic regression hyper-parameters (epochs is a CLI flag)
LR0 = 0.1
LR_DECAY = 0.1
L2 = 1e-3
INIT_STD = 0.01
# share of the training split held out inside fusion to fit the
# normalisers and to choose between score and rank combination
FUSION_VALIDATION_FRACTION = 0.25
DATASET_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class UsageError(Exception):
    """Bad arguments, data or checkpoint: reported on stderr, exit 2."""


class Stop(Exception):
    """Training stopped early after checkpointing (exit code attached)."""

    def __init__(self, code, why):
        super().__init__(why)
        self.code = code


def log(msg):
    try:
        print(msg, flush=True)
    except BrokenPipeError:
        # whoever read our stdout went away; keep training, stop printing
        sys.stdout = open(os.devnull, "w")


def warn(msg):
    print(f"train.py: warning: {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# data


def load_dataset(data_dir, dataset):
    if not DATASET_ID.match(dataset):
        raise UsageError(f"invalid dataset id {dataset!r} (letters, digits, '.', '_', '-')")
    if not os.path.isdir(data_dir):
        raise UsageError(f"data directory not found: {data_dir}")
    path = os.path.join(data_dir, dataset + ".csv")
    if not os.path.isfile(path):
        available = sorted(f[:-4] for f in os.listdir(data_dir) if f.endswith(".csv"))
        raise UsageError(
            f"unknown dataset {dataset!r}: data file not found: {path} "
            f"(available in {data_dir}: {', '.join(available) or 'none'})"
        )
    with open(path, "rb") as fh:
        raw = fh.read()
    sha256 = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UsageError(f"{path}: not UTF-8 text ({e})") from None
    reader = csv.reader(text.splitlines())
    try:
        header = next(reader)
    except StopIteration:
        raise UsageError(f"{path}: empty file") from None
    if len(header) < 2:
        raise UsageError(f"{path}: need at least one feature column and a label column")
    X, labels, dropped = [], [], 0
    for lineno, row in enumerate(reader, start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise UsageError(f"{path}:{lineno}: expected {len(header)} fields, got {len(row)}")
        cells = [c.strip() for c in row]
        if any(c == "" or c.upper() in ("NA", "NAN", "NULL") for c in cells):
            dropped += 1
            continue
        try:
            feats = [float(c) for c in cells[:-1]]
        except ValueError:
            raise UsageError(f"{path}:{lineno}: non-numeric feature value in {cells[:-1]}") from None
        if not all(math.isfinite(v) for v in feats):
            dropped += 1
            continue
        X.append(feats)
        labels.append(cells[-1])
    classes = sorted(set(labels))
    if len(classes) < 2:
        raise UsageError(f"{path}: need at least two classes, found {len(classes)}")
    index = {c: i for i, c in enumerate(classes)}
    y = [index[c] for c in labels]
    return {
        "path": path,
        "sha256": sha256,
        "features": header[:-1],
        "classes": classes,
        "X": X,
        "y": y,
        "dropped": dropped,
    }


def stratified_split(y, fraction, rng):
    """Per class, shuffle and hold out round(n_c * fraction) rows (at least 1,
    leaving at least 1). Returns (kept, held_out) index lists, shuffled."""
    by_class = {}
    for i, c in enumerate(y):
        by_class.setdefault(c, []).append(i)
    kept, held = [], []
    for c in sorted(by_class):
        idx = by_class[c][:]
        rng.shuffle(idx)
        n_out = int(round(len(idx) * fraction))
        n_out = min(max(n_out, 1), len(idx) - 1) if len(idx) >= 2 else 0
        held += idx[:n_out]
        kept += idx[n_out:]
    rng.shuffle(kept)
    rng.shuffle(held)
    return kept, held


def standardizer(X):
    d = len(X[0])
    n = len(X)
    mean = [sum(r[j] for r in X) / n for j in range(d)]
    std = []
    for j in range(d):
        v = sum((r[j] - mean[j]) ** 2 for r in X) / n
        std.append(math.sqrt(v) if v > 1e-12 else 1.0)

    def apply(rows):
        return [[(v - m) / s for v, m, s in zip(r, mean, std)] for r in rows]

    return apply


# --------------------------------------------------------------------------
# models: fit(X, y) then scores(X) -> per row, one score per class


def softmax(z):
    m = max(z)
    e = [math.exp(v - m) for v in z]
    s = sum(e)
    return [v / s for v in e]


class LogReg:
    """Multinomial logistic regression trained by per-sample SGD with L2
    weight decay. Randomness (init, per-epoch shuffles) is derived from
    (seed, tag, epoch) so a resumed run replays exactly the same updates."""

    name = "logreg"

    def __init__(self, n_classes, seed, tag, epochs, ckpt=None, budget=None):
        self.C = n_classes
        self.seed = seed
        self.tag = tag
        self.epochs = epochs
        self.ckpt = ckpt
        self.budget = budget
        self.W = None
        self.b = None

    def fit(self, X, y):
        d = len(X[0])
        C = self.C
        start = 0
        saved = self.ckpt.get_logreg(self.tag) if self.ckpt else None
        if saved is not None:
            self.W = [list(map(float, w)) for w in saved["W"]]
            self.b = [float(v) for v in saved["b"]]
            start = int(saved["epoch"])
            log(f"[logreg:{self.tag}] resumed from checkpoint at epoch {start}/{self.epochs}")
        else:
            rng = random.Random(f"{self.seed}/{self.tag}/init")
            self.W = [[rng.gauss(0.0, INIT_STD) for _ in range(d)] for _ in range(C)]
            self.b = [0.0] * C
        W, b = self.W, self.b
        n = len(X)
        report_every = max(1, self.epochs // 3)
        for epoch in range(start, self.epochs):
            order = list(range(n))
            random.Random(f"{self.seed}/{self.tag}/epoch{epoch}").shuffle(order)
            lr = LR0 / (1.0 + LR_DECAY * epoch)
            shrink = 1.0 - lr * L2
            loss = 0.0
            for i in order:
                x = X[i]
                yi = y[i]
                p = softmax([sum(map(mul, w, x)) + bc for w, bc in zip(W, b)])
                loss -= math.log(max(p[yi], 1e-300))
                for c in range(C):
                    step = lr * (p[c] - (1.0 if c == yi else 0.0))
                    W[c] = [shrink * wj - step * xj for wj, xj in zip(W[c], x)]
                    b[c] -= step
            done = epoch + 1
            if done % report_every == 0 or done == self.epochs:
                log(f"[logreg:{self.tag}] epoch {done}/{self.epochs} train_loss={loss / n:.4f}")
            if self.ckpt:
                self.ckpt.logreg_epoch(self.tag, done, self.epochs, W, b)
            if self.budget:
                self.budget.epoch_done(self.ckpt)
        return self

    def scores(self, X):
        return [softmax([sum(map(mul, w, x)) + bc for w, bc in zip(self.W, self.b)]) for x in X]


class KNN:
    """k nearest neighbours, Euclidean distance, votes weighted by 1/distance
    (an exact duplicate of a training row decides alone). Scores are the
    normalised class weights."""

    name = "knn"

    def __init__(self, n_classes, k):
        self.C = n_classes
        self.k = k

    def fit(self, X, y):
        self.X = X
        self.y = y
        return self

    def scores(self, Xq):
        out = []
        Xt, yt, C = self.X, self.y, self.C
        k = min(self.k, len(Xt))
        for q in Xq:
            near = heapq.nsmallest(k, zip([math.dist(q, x) for x in Xt], range(len(Xt))))
            w = [0.0] * C
            if near[0][0] == 0.0:
                for dist, i in near:
                    if dist == 0.0:
                        w[yt[i]] += 1.0
            else:
                for dist, i in near:
                    w[yt[i]] += 1.0 / dist
            s = sum(w)
            out.append([v / s for v in w])
        return out


class GNB:
    """Gaussian naive Bayes with variance smoothing (1e-9 x largest variance)."""

    name = "gnb"

    def __init__(self, n_classes):
        self.C = n_classes

    def fit(self, X, y):
        d = len(X[0])
        n = len(X)
        col_var = []
        for j in range(d):
            mu = sum(r[j] for r in X) / n
            col_var.append(sum((r[j] - mu) ** 2 for r in X) / n)
        eps = 1e-9 * max(max(col_var), 1e-12)
        self.log_prior, self.mean, self.var = [], [], []
        for c in range(self.C):
            rows = [x for x, yc in zip(X, y) if yc == c]
            nc = len(rows)
            if nc == 0:  # class absent from this training subset
                self.log_prior.append(-math.inf)
                self.mean.append([0.0] * d)
                self.var.append([1.0] * d)
                continue
            mu = [sum(r[j] for r in rows) / nc for j in range(d)]
            var = [sum((r[j] - mu[j]) ** 2 for r in rows) / nc + eps for j in range(d)]
            self.log_prior.append(math.log(nc / n))
            self.mean.append(mu)
            self.var.append(var)
        self.log_norm = [-0.5 * sum(math.log(2 * math.pi * v) for v in var) for var in self.var]
        return self

    def scores(self, X):
        out = []
        for x in X:
            z = []
            for c in range(self.C):
                if self.log_prior[c] == -math.inf:
                    z.append(-1e300)
                    continue
                q = sum((xi - m) ** 2 / v for xi, m, v in zip(x, self.mean[c], self.var[c]))
                z.append(self.log_prior[c] + self.log_norm[c] - 0.5 * q)
            out.append(softmax(z))
        return out


def make_model(name, n_classes, args, tag, ckpt, budget, epochs=None):
    if name == "logreg":
        return LogReg(n_classes, args.seed, tag, epochs or args.epochs, ckpt, budget)
    if name == "knn":
        return KNN(n_classes, args.k)
    return GNB(n_classes)


# --------------------------------------------------------------------------
# combinatorial fusion


class Fuser:
    """Score and rank combination (CFA) of several scoring systems.

    Each base model m gives, for a row x, a score s_m(x, c) per class c.
      score function: s_m(x, c) min-max normalised to [0, 1] (clipped) with
                      the min and max of model m's class-c scores over a
                      held-out reference (validation) set
      rank function:  r_m(x, c) = rank of class c among all classes by
                      s_m(x, .) for that row (1 = best; ties share the
                      average rank)
    Score combination averages the normalised scores over the models and
    predicts the highest; rank combination averages the ranks and predicts
    the lowest (a Borda count; ties broken by the score combination, then
    by class order)."""

    def __init__(self, ref_scores):
        # ref_scores: {model: [[score per class] per reference row]}
        self.models = sorted(ref_scores)
        self.lo, self.span = {}, {}
        for m in self.models:
            rows = ref_scores[m]
            C = len(rows[0])
            lo = [min(r[c] for r in rows) for c in range(C)]
            hi = [max(r[c] for r in rows) for c in range(C)]
            self.lo[m] = lo
            self.span[m] = [h - l for l, h in zip(lo, hi)]

    def _norm(self, m, row):
        return [
            0.5 if span <= 1e-15 else min(1.0, max(0.0, (s - lo) / span))
            for s, lo, span in zip(row, self.lo[m], self.span[m])
        ]

    @staticmethod
    def _ranks(row):
        C = len(row)
        return [
            1 + sum(1 for o in row if o > s) + 0.5 * (sum(1 for o in row if o == s) - 1)
            for s in row
        ]

    def combine(self, scores):
        """scores: {model: rows of class scores}. Returns (score_comb, rank_comb)
        per row and class; higher score_comb is better, lower rank_comb is better."""
        n = len(scores[self.models[0]])
        k = len(self.models)
        sc, rc = [], []
        for i in range(n):
            norms = [self._norm(m, scores[m][i]) for m in self.models]
            ranks = [self._ranks(scores[m][i]) for m in self.models]
            sc.append([sum(col) / k for col in zip(*norms)])
            rc.append([sum(col) / k for col in zip(*ranks)])
        return sc, rc

    @staticmethod
    def predict(sc, rc, mode):
        if mode == "score":
            return [max(range(len(s)), key=lambda c, s=s, r=r: (s[c], -r[c], -c)) for s, r in zip(sc, rc)]
        return [max(range(len(s)), key=lambda c, s=s, r=r: (-r[c], s[c], -c)) for s, r in zip(sc, rc)]


def argmax_rows(rows):
    return [max(range(len(r)), key=lambda c, r=r: (r[c], -c)) for r in rows]


# --------------------------------------------------------------------------
# metrics


def metrics(y_true, y_pred, n_classes):
    n = len(y_true)
    acc = sum(1 for a, b in zip(y_true, y_pred) if a == b) / n
    f1s = []
    for c in range(n_classes):
        tp = sum(1 for a, b in zip(y_true, y_pred) if a == c and b == c)
        fp = sum(1 for a, b in zip(y_true, y_pred) if a != c and b == c)
        fn = sum(1 for a, b in zip(y_true, y_pred) if a == c and b != c)
        if tp + fp + fn == 0:
            continue  # class in neither truth nor prediction
        f1s.append(2 * tp / (2 * tp + fp + fn))
    return {"accuracy": acc, "macro_f1": sum(f1s) / len(f1s) if f1s else 0.0}


# --------------------------------------------------------------------------
# checkpoint / output


def atomic_write_json(path, obj):
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give it a normal file's mode
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(obj, fh, indent=2, sort_keys=False)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class Checkpoint:
    """JSON checkpoint at <checkpoint-dir>/checkpoint.json:
    {"format", "config", "done", "logreg": {tag: {"epoch", "epochs", "W", "b"}},
     "metrics", "meta"}. Saved atomically every --checkpoint-every logreg
    epochs, at the end of each logreg fit, and with done=true at the end."""

    def __init__(self, directory, config, every):
        self.dir = directory
        self.path = os.path.join(directory, CHECKPOINT_FILE)
        self.every = max(1, every)
        self.state = {"format": CHECKPOINT_FORMAT, "config": config, "done": False, "logreg": {}}
        self.resumed = False

    def try_resume(self):
        if not os.path.isfile(self.path):
            log(f"[ckpt] --resume: no checkpoint at {self.path}, starting from scratch")
            return
        try:
            with open(self.path, encoding="utf-8") as fh:
                state = json.load(fh)
        except (OSError, ValueError) as e:
            raise UsageError(f"cannot read checkpoint {self.path}: {e}") from None
        if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
            raise UsageError(f"checkpoint {self.path} has an unknown format")
        if state.get("config") != self.state["config"]:
            raise UsageError(
                f"checkpoint {self.path} was written by a different configuration "
                f"{state.get('config')} (this run: {self.state['config']}); "
                "use another --checkpoint-dir or drop --resume"
            )
        self.state = state
        self.state.setdefault("logreg", {})
        self.resumed = True
        progress = ", ".join(f"{t} epoch {s['epoch']}/{s['epochs']}" for t, s in sorted(self.state["logreg"].items()))
        log(f"[ckpt] resuming from {self.path} (done={self.state.get('done', False)}; {progress or 'no training state'})")

    def get_logreg(self, tag):
        return self.state["logreg"].get(tag)

    def logreg_epoch(self, tag, epoch, epochs, W, b):
        self.state["logreg"][tag] = {"epoch": epoch, "epochs": epochs, "W": W, "b": b}
        if epoch % self.every == 0 or epoch == epochs:
            self.save()

    def finish(self, result):
        self.state["done"] = True
        self.state["metrics"] = result["metrics"]
        self.state["meta"] = result["meta"]
        self.save()

    def save(self):
        atomic_write_json(self.path, self.state)


class EpochBudget:
    """Stops training (after checkpointing) on SIGTERM/SIGINT or once
    --stop-after-epochs epochs have run in this process."""

    def __init__(self, stop_after):
        self.stop_after = stop_after
        self.count = 0
        self.signal = None

    def install(self):
        def handler(signum, _frame):
            self.signal = signum

        for s in (signal.SIGTERM, signal.SIGINT):
            signal.signal(s, handler)

    def epoch_done(self, ckpt):
        self.count += 1
        if self.signal is not None:
            if ckpt:
                ckpt.save()
            raise Stop(128 + self.signal, f"received signal {self.signal}; checkpoint saved")
        if self.stop_after is not None and self.count >= self.stop_after:
            if ckpt:
                ckpt.save()
            raise Stop(EXIT_STOPPED, f"stopped after {self.count} epoch(s) as asked by --stop-after-epochs; checkpoint saved")


# --------------------------------------------------------------------------
# the run


def parse_args(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(
        prog="train.py",
        description="Classical classifiers vs score/rank combinatorial fusion on small tabular data.",
        allow_abbrev=False,
    )
    p.add_argument("--method", required=True, choices=METHODS)
    p.add_argument("--dataset", required=True, help="dataset id: reads <data-dir>/<id>.csv")
    p.add_argument("--seed", required=True, type=int)
    p.add_argument("--checkpoint-dir", help="directory for checkpoint.json (required unless --dry-run)")
    p.add_argument("--result-file", help="where the result JSON is written (required unless --dry-run)")
    p.add_argument("--resume", action="store_true", help="continue from the checkpoint in --checkpoint-dir if there is one")
    p.add_argument("--dry-run", action="store_true", help="validate, train a tiny subset for 1 epoch, write nothing")
    p.add_argument("--fusion", choices=FUSION_MODES, help="fusion: score|rank|both (default both); fusion-no-rank: score only")
    p.add_argument("--k", type=int, default=5, help="neighbours for knn (also inside fusion); default 5")
    p.add_argument("--data-dir", default=os.path.normpath(os.path.join(here, "..", "data")), help="default: experiments/data")
    p.add_argument("--test-fraction", type=float, default=0.3)
    p.add_argument("--epochs", type=int, default=30, help="logistic regression epochs; default 30")
    p.add_argument("--checkpoint-every", type=int, default=5, help="checkpoint every N logreg epochs; default 5")
    p.add_argument("--stop-after-epochs", type=int, default=None, help=argparse.SUPPRESS)  # testing aid
    a = p.parse_args(argv)

    if not a.dry_run:
        missing = [f for f, v in (("--checkpoint-dir", a.checkpoint_dir), ("--result-file", a.result_file)) if not v]
        if missing:
            raise UsageError(f"{' and '.join(missing)} required (unless --dry-run)")
    if a.k < 1:
        raise UsageError("--k must be >= 1")
    if not (0.0 < a.test_fraction < 1.0):
        raise UsageError("--test-fraction must be between 0 and 1 (exclusive)")
    if a.epochs < 1:
        raise UsageError("--epochs must be >= 1")
    if a.checkpoint_every < 1:
        raise UsageError("--checkpoint-every must be >= 1")
    if a.stop_after_epochs is not None and a.stop_after_epochs < 1:
        raise UsageError("--stop-after-epochs must be >= 1")
    if a.method == "fusion":
        a.fusion = a.fusion or "both"
    elif a.method == "fusion-no-rank":
        if a.fusion not in (None, "score"):
            warn(f"fusion-no-rank is score combination only; ignoring --fusion {a.fusion}")
        a.fusion = "score"
    elif a.fusion is not None:
        warn(f"--fusion only applies to fusion methods; ignoring it for {a.method}")
        a.fusion = None
    return a


def fit_and_score(names, n_classes, args, X_fit, y_fit, X_eval, tag, ckpt, budget, epochs=None):
    out = {}
    for name in names:
        model = make_model(name, n_classes, args, tag, ckpt, budget, epochs)
        t = time.perf_counter()
        model.fit(X_fit, y_fit)
        out[name] = model.scores(X_eval)
        log(f"[{name}:{tag}] fit on {len(X_fit)} rows, scored {len(X_eval)} ({time.perf_counter() - t:.3f}s)")
    return out


def run_fusion(args, C, Xtr, ytr, Xte, ckpt, budget, epochs=None, quiet_tag=""):
    """Returns (test predictions, info)."""
    inner, val = stratified_split(ytr, FUSION_VALIDATION_FRACTION, random.Random(f"{args.seed}/fusion-validation"))
    X_in, y_in = [Xtr[i] for i in inner], [ytr[i] for i in inner]
    X_val, y_val = [Xtr[i] for i in val], [ytr[i] for i in val]
    log(f"[fusion] stage 1: base models on {len(inner)} rows, validation {len(val)} rows")
    val_scores = fit_and_score(BASE_MODELS, C, args, X_in, y_in, X_val, quiet_tag + "inner", ckpt, budget, epochs)
    fuser = Fuser(val_scores)
    sc, rc = fuser.combine(val_scores)
    val_acc = {m: metrics(y_val, argmax_rows(val_scores[m]), C)["accuracy"] for m in BASE_MODELS}
    val_acc["score"] = metrics(y_val, Fuser.predict(sc, rc, "score"), C)["accuracy"]
    val_acc["rank"] = metrics(y_val, Fuser.predict(sc, rc, "rank"), C)["accuracy"]
    if args.fusion == "both":
        chosen = "rank" if val_acc["rank"] > val_acc["score"] else "score"
    else:
        chosen = args.fusion
    log(
        "[fusion] validation accuracy: "
        + " ".join(f"{m}={val_acc[m]:.4f}" for m in (*BASE_MODELS, "score", "rank"))
        + f" -> using {chosen} combination"
    )
    log(f"[fusion] stage 2: base models on all {len(Xtr)} training rows")
    test_scores = fit_and_score(BASE_MODELS, C, args, Xtr, ytr, Xte, quiet_tag + "full", ckpt, budget, epochs)
    sc, rc = fuser.combine(test_scores)
    pred = Fuser.predict(sc, rc, chosen)
    return pred, {"fusion_selected": chosen, "validation_accuracy": val_acc, "n_validation": len(val)}


def dry_run(args, data, C, train, test, Xtr, ytr, Xte):
    per_class = {}
    for i, c in enumerate(ytr):
        per_class.setdefault(c, [])
        if len(per_class[c]) < 6:
            per_class[c].append(i)
    sub = sorted(i for idx in per_class.values() for i in idx)
    Xs, ys = [Xtr[i] for i in sub], [ytr[i] for i in sub]
    Xq = Xte[:10]
    log(f"[dry-run] tiny subset: {len(sub)} training rows, {len(Xq)} test rows, 1 epoch")
    if args.method in ("fusion", "fusion-no-rank"):
        saved_k = args.k
        args.k = min(args.k, 3)
        pred, info = run_fusion(args, C, Xs, ys, Xq, None, None, epochs=1, quiet_tag="dry-")
        args.k = saved_k
        log(f"[dry-run] fusion would choose {info['fusion_selected']} combination on this subset")
    else:
        saved_k = args.k
        args.k = min(args.k, len(Xs))
        scores = fit_and_score([args.method], C, args, Xs, ys, Xq, "dry", None, None, epochs=1)
        args.k = saved_k
        pred = argmax_rows(scores[args.method])
    log(f"[dry-run] subset predictions: {[data['classes'][c] for c in pred]}")
    log(
        f"[dry-run] would train {args.method} on {args.dataset} (seed {args.seed}): "
        f"{len(train)} train / {len(test)} test rows, {len(data['features'])} features, {C} classes"
        + (f", fusion={args.fusion}" if args.fusion else "")
        + (f", k={args.k}" if args.method in ("knn", "fusion", "fusion-no-rank") else "")
    )
    log(f"[dry-run] would checkpoint to {os.path.join(args.checkpoint_dir, CHECKPOINT_FILE) if args.checkpoint_dir else '(no --checkpoint-dir given)'}")
    log(f"[dry-run] would write result to {args.result_file or '(no --result-file given)'}")
    log("[dry-run] ok; nothing written")


def run(args):
    t0 = time.perf_counter()
    data = load_dataset(args.data_dir, args.dataset)
    C = len(data["classes"])
    log(
        f"[data] {args.dataset}: {len(data['X'])} rows, {len(data['features'])} features, "
        f"{C} classes ({', '.join(data['classes'])})"
        + (f"; dropped {data['dropped']} rows with missing values" if data["dropped"] else "")
    )
    train, test = stratified_split(data["y"], args.test_fraction, random.Random(args.seed))
    if not train or not test:
        raise UsageError("dataset too small for a train/test split")
    scale = standardizer([data["X"][i] for i in train])
    Xtr, ytr = scale([data["X"][i] for i in train]), [data["y"][i] for i in train]
    Xte, yte = scale([data["X"][i] for i in test]), [data["y"][i] for i in test]
    log(f"[split] seed {args.seed}: {len(train)} train / {len(test)} test (stratified, test fraction {args.test_fraction})")

    k_limit = len(train) if args.method == "knn" else int(len(train) * (1 - FUSION_VALIDATION_FRACTION))
    if args.method in ("knn", "fusion", "fusion-no-rank") and args.k > k_limit:
        raise UsageError(f"--k {args.k} is larger than the {k_limit} rows the neighbours are drawn from")

    if args.dry_run:
        dry_run(args, data, C, train, test, Xtr, ytr, Xte)
        return 0

    config = {
        "method": args.method,
        "dataset": args.dataset,
        "seed": args.seed,
        "fusion": args.fusion,
        "k": args.k if args.method != "logreg" and args.method != "gnb" else None,
        "epochs": args.epochs if args.method != "knn" and args.method != "gnb" else None,
        "test_fraction": args.test_fraction,
        "data_sha256": data["sha256"],
    }
    ckpt = Checkpoint(args.checkpoint_dir, config, args.checkpoint_every)
    if args.resume:
        ckpt.try_resume()
    elif os.path.isfile(ckpt.path):
        log(f"[ckpt] ignoring existing {ckpt.path} (no --resume); starting from scratch")

    meta_base = {
        "method": args.method,
        "dataset": args.dataset,
        "seed": args.seed,
        "n_train": len(train),
        "n_test": len(test),
        "fusion": args.fusion,
    }

    if ckpt.resumed and ckpt.state.get("done"):
        log("[ckpt] checkpoint says this run already finished; rewriting the result from it")
        result = {"metrics": ckpt.state["metrics"], "meta": dict(ckpt.state["meta"])}
        result["meta"].update(resumed=True, python=platform.python_version(), duration_s=round(time.perf_counter() - t0, 4))
        atomic_write_json(args.result_file, result)
        log(f"[result] accuracy={result['metrics']['accuracy']:.4f} macro_f1={result['metrics']['macro_f1']:.4f}")
        log(f"[result] wrote {args.result_file}")
        return 0

    budget = EpochBudget(args.stop_after_epochs)
    budget.install()
    extra = {}
    if args.method in BASE_MODELS:
        scores = fit_and_score([args.method], C, args, Xtr, ytr, Xte, "full", ckpt, budget)
        pred = argmax_rows(scores[args.method])
    else:
        pred, extra = run_fusion(args, C, Xtr, ytr, Xte, ckpt, budget)

    m = metrics(yte, pred, C)
    meta = dict(meta_base)
    meta.update(extra)
    meta.update(
        {
            "k": config["k"],
            "epochs": config["epochs"],
            "n_features": len(data["features"]),
            "n_classes": C,
            "data_sha256": data["sha256"],
            "resumed": ckpt.resumed,
            "python": platform.python_version(),
            "duration_s": round(time.perf_counter() - t0, 4),
        }
    )
    result = {"metrics": m, "meta": meta}
    ckpt.finish(result)
    atomic_write_json(args.result_file, result)
    log(f"[result] accuracy={m['accuracy']:.4f} macro_f1={m['macro_f1']:.4f} ({meta['duration_s']:.3f}s)")
    log(f"[result] wrote {args.result_file}")
    return 0


def main(argv=None):
    try:
        args = parse_args(argv)
        return run(args)
    except UsageError as e:
        print(f"train.py: error: {e}", file=sys.stderr, flush=True)
        return EXIT_USAGE
    except Stop as e:
        print(f"train.py: {e}", file=sys.stderr, flush=True)
        return e.code
    except OSError as e:
        print(f"train.py: error: {e}", file=sys.stderr, flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
