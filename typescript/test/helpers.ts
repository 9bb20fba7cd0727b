import { readFileSync, readdirSync, existsSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (tests run from build-test/test/). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const FIXTURES = join(ROOT, "fixtures");

export interface Outcome {
  valid: boolean;
  canonical?: string;
  index?: number | null;
  pointer?: string;
  rule?: string;
}
export interface Case {
  description: string;
  document: string;
  expect: Record<string, Outcome>;
}

export function fixtureFiles(): string[] {
  const out: string[] = [];
  for (const dir of ["golden", "invalid"]) {
    for (const name of readdirSync(join(FIXTURES, dir)).sort()) if (name.endsWith(".json")) out.push(join(FIXTURES, dir, name));
  }
  return out;
}

export function fixtureCases(): Array<[string, Case]> {
  const out: Array<[string, Case]> = [];
  for (const file of fixtureFiles()) {
    const cases = (JSON.parse(readFileSync(file, "utf8")) as { cases: Case[] }).cases;
    cases.forEach((c, i) => out.push([`${file.slice(FIXTURES.length + 1)}[${i}]`, c]));
  }
  return out;
}

export interface CorpusRow {
  id: string;
  family: string;
  doc: string;
  expect: Record<string, { ok: boolean; out?: string; error?: string }>;
}

export function corpus(name: string): CorpusRow[] | null {
  const path = join(FIXTURES, "conformance", name);
  if (!existsSync(path)) return null;
  return gunzipSync(readFileSync(path))
    .toString("utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as CorpusRow);
}
