/**
 * No wire key, tag, role, stop reason or enum value is spelled in the hand-written sources:
 * they come from the generated tables. Scans every string literal and template piece (also
 * quoted property names and element accesses) in src/ (not src/generated/) with the TypeScript
 * parser. Identifiers are the package's own property names (`problem.message`, `.length`).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { FACTS, REVISIONS } from "../src/generated/wire.js";
import { ROOT } from "./helpers.js";

const SRC = join(ROOT, "typescript", "src");

/** Words that are wire vocabulary but mean something else where they appear (short, justified). */
const ALLOWED: Record<string, (node: ts.Node) => boolean> = {
  // The tables' duplicate-key rule value (`duplicates: "error"` / `"last-wins"`).
  error: (node) => ts.isBinaryExpression(node.parent) && /duplicates$/.test(node.parent.left.getText()),
};

function vocabulary(): Set<string> {
  const words = new Set<string>();
  const table = (t: { order: readonly string[]; aliases: Record<string, string> }) => {
    for (const k of t.order) words.add(k);
    for (const k of Object.keys(t.aliases)) words.add(k);
  };
  for (const rev of Object.values(REVISIONS)) {
    for (const s of rev.stop_reasons) words.add(s);
    for (const m of rev.metadata) words.add(m);
    for (const p of rev.api_protocols) words.add(p);
    for (const values of Object.values(rev.enums)) for (const v of values as readonly string[]) words.add(v);
    for (const t of Object.values(rev.types)) {
      if ("variants" in t) {
        words.add(t.tag);
        for (const [v, vt] of Object.entries(t.variants)) {
          words.add(v);
          table(vt as never);
        }
      } else table(t as never);
    }
  }
  for (const facts of Object.values(FACTS)) {
    for (const union of [facts.message, facts.content]) {
      words.add(union.tag);
      for (const v of Object.keys(union.variants)) words.add(v);
    }
  }
  return words;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== "generated") out.push(...sources(path));
    } else if (name.endsWith(".ts")) out.push(path);
  }
  return out;
}

export function findLiterals(file: string, words: Set<string>): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const report = (node: ts.Node, text: string) => {
    const allowed = ALLOWED[text];
    if (words.has(text) && !(allowed !== undefined && allowed(node))) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart());
      found.push(`${file.slice(ROOT.length + 1)}:${line + 1}: ${JSON.stringify(text)}`);
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      report(node, node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test("the hand-written TypeScript spells no wire key, tag, role or stop reason", () => {
  const words = vocabulary();
  assert.ok(words.has(FACTS["yoagent@0.4"].message.tag) && words.size > 50, "vocabulary not built");
  const found = sources(SRC).flatMap((f) => findLiterals(f, words));
  assert.deepEqual(found, [], found.join("\n"));
});

test("the scanner finds a planted literal", () => {
  const words = vocabulary();
  const stop = REVISIONS["yoagent@0.4"].stop_reasons[2];
  const tmp = join(ROOT, "typescript", "build-test", "planted.ts");
  const tag = FACTS["yoagent@0.4"].message.tag;
  ts.sys.writeFile(tmp, `const a = ${JSON.stringify(stop)}; const b = { "${tag}": 1 }; const c = x[\`${tag}\`];`);
  assert.equal(findLiterals(tmp, words).length, 3);
});
