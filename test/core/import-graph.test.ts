import { describe, expect, it } from "vitest";
import { importClosure } from "../../src/core/gates/code-review/import-graph.js";

const files = (o: Record<string, string>) => new Map(Object.entries(o));

describe("import closure: the repository files a script makes run", () => {
  it("Python: sibling modules, packages with their __init__.py, relative imports; the standard library and installed packages resolve to nothing", () => {
    const repo = files({
      "lm/main.py": [
        "import os, math",
        "import torch",
        "import data as d",
        "from model import RNNModel",
        "from utils.io import (",
        "    save,",
        "    load,",
        ")",
        '"""import not_code"""',
        "# import commented_out",
      ].join("\n"),
      "lm/data.py": "from .tokens import Vocab\n",
      "lm/tokens.py": "",
      "lm/model.py": "",
      "utils/__init__.py": "",
      "utils/io.py": "import json\n",
      "not_code.py": "",
      "commented_out.py": "",
      "torch.py": "",
    });
    expect(importClosure("lm/main.py", repo)).toEqual([
      "lm/main.py",
      "lm/data.py",
      "lm/model.py",
      "utils/io.py",
      "utils/__init__.py",
      "lm/tokens.py",
    ]);
  });

  it("JS/TS: relative imports, requires and dynamic imports, with extensions and index files; packages are not followed", () => {
    const repo = files({
      "src/train.ts": [
        'import { model } from "./model.js";',
        'import cfg from "../config";',
        'const u = require("./util");',
        'const lazy = await import("./lazy/index.mjs");',
        'import express from "express";',
        '// import "./commented";',
      ].join("\n"),
      "src/model.ts": 'export * from "./layers";\n',
      "src/layers/index.ts": "",
      "config.json": "{}",
      "config/index.js": "",
      "src/util.cjs": "",
      "src/lazy/index.mjs": "",
      "src/commented.ts": "",
    });
    expect(importClosure("src/train.ts", repo)).toEqual([
      "src/train.ts",
      "src/model.ts",
      "config/index.js",
      "src/util.cjs",
      "src/lazy/index.mjs",
      "src/layers/index.ts",
    ]);
  });

  it("a shell wrapper: every script it runs, `python -m` modules included", () => {
    const repo = files({
      "run.sh":
        '#!/bin/sh\nset -e\npython3 prepare.py --out /tmp/x\nexec python3 -m pkg.train "$@"\n',
      "prepare.py": "",
      "pkg/train.py": "",
    });
    expect(importClosure("run.sh", repo)).toEqual(["run.sh", "prepare.py", "pkg/train.py"]);
  });
});
