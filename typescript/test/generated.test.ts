/** The generated files match the schemas, and the examples type-check under `tsc --strict`. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./helpers.js";

const PYTHON = process.env.PYTHON ?? "python3";

test("src/generated is what scripts/generate_typescript.py makes from schema/ (--check)", () => {
  const proc = spawnSync(PYTHON, [join(ROOT, "scripts", "generate_typescript.py"), "--check"], { encoding: "utf8" });
  assert.equal(proc.status, 0, `${proc.stdout}\n${proc.stderr}`);
});

test("examples/ compile under tsc --strict (narrowing gives typed usage, stopReason, content)", () => {
  const tsc = join(ROOT, "typescript", "node_modules", "typescript", "bin", "tsc");
  const proc = spawnSync(process.execPath, [tsc, "-p", join(ROOT, "typescript", "examples", "tsconfig.json")], { encoding: "utf8" });
  assert.equal(proc.status, 0, proc.stdout + proc.stderr);
});
