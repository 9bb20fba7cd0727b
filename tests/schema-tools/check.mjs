// Checks of schema/ with JavaScript tooling, driven by tests/test_schema_tools.py.
//   node check.mjs compile SCHEMA_DIR            ajv strict compile of every schema (exit 1 on error)
//   node check.mjs verdicts SCHEMA_DIR < cases   one {"id", "schema": $id, "doc": text} per line in,
//                                                one {"id", "valid"} per line out (JSON.parse: lossy
//                                                above 2^53, see schema/README.md)
//   node check.mjs types SCHEMA_DIR OUT_DIR      json-schema-to-typescript of every wire view
//   node check.mjs bundles SCHEMA_DIR            ajv strict compile of every *.bundle.json alone
//                                                (a fresh ajv each: nothing else registered)
import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import { createInterface } from "node:readline";
import Ajv2020 from "ajv/dist/2020.js";
import { compile } from "json-schema-to-typescript";

// The ajv options documented in schema/README.md.
export const AJV_OPTIONS = { strict: true, strictTuples: true, strictRequired: true, allowUnionTypes: true };

function schemaFiles(dir, suffix = ".schema.json") {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...schemaFiles(path, suffix));
    else if (name.endsWith(suffix)) out.push(path);
  }
  return out;
}

function ajvWithVocabulary(dir) {
  const ajv = new Ajv2020.default(AJV_OPTIONS);
  const vocabulary = JSON.parse(readFileSync(join(dir, "vocabulary.json"), "utf8"));
  for (const [keyword, spec] of Object.entries(vocabulary.keywords)) {
    const metaSchema = JSON.parse(JSON.stringify(spec.value));
    delete metaSchema.format; // ajv has no formats without ajv-formats; the shape is enough
    if (metaSchema.items) delete metaSchema.items.format;
    ajv.addKeyword({ keyword, metaSchema });
  }
  return ajv;
}

function makeAjv(dir) {
  const ajv = ajvWithVocabulary(dir);
  const files = schemaFiles(dir);
  for (const file of files) ajv.addSchema(JSON.parse(readFileSync(file, "utf8")));
  return { ajv, files };
}

async function main() {
  const [mode, dir, outDir] = process.argv.slice(2);
  if (mode === "bundles") {
    let failed = 0;
    for (const file of schemaFiles(dir, ".bundle.json")) {
      try {
        ajvWithVocabulary(dir).compile(JSON.parse(readFileSync(file, "utf8")));
        console.log(`ok ${relative(dir, file)}`);
      } catch (err) {
        failed += 1;
        console.log(`FAIL ${relative(dir, file)}: ${err.message}`);
      }
    }
    process.exit(failed ? 1 : 0);
  }
  const { ajv, files } = makeAjv(dir);
  if (mode === "compile") {
    let failed = 0;
    for (const file of files) {
      const id = JSON.parse(readFileSync(file, "utf8")).$id;
      try {
        ajv.getSchema(id);
        console.log(`ok ${relative(dir, file)}`);
      } catch (err) {
        failed += 1;
        console.log(`FAIL ${relative(dir, file)}: ${err.message}`);
      }
    }
    process.exit(failed ? 1 : 0);
  }
  if (mode === "verdicts") {
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line.trim()) continue;
      const c = JSON.parse(line);
      let valid = false;
      try {
        const doc = JSON.parse(c.doc);
        valid = ajv.getSchema(c.schema)(doc);
      } catch {
        valid = false; // not JSON to JSON.parse (lexical errors), or too deep for the stack
      }
      process.stdout.write(JSON.stringify({ id: c.id, valid }) + "\n");
    }
    return;
  }
  if (mode === "types") {
    mkdirSync(outDir, { recursive: true });
    for (const file of files.filter((f) => f.endsWith("conversation.wire.schema.json"))) {
      const schema = JSON.parse(readFileSync(file, "utf8"));
      const name = `${schema["x-crate"]}_${schema["x-revision"]}`.replace(/[-.]/g, "_");
      // additionalProperties: false here only drops the `[k: string]: unknown` index signature
      // (serde ignores unknown keys; they are never written).
      const ts = await compile(schema, "SavedConversation", {
        additionalProperties: false,
        bannerComment: `// generated from ${relative(dir, file)} by json-schema-to-typescript`,
        unreachableDefinitions: true,
        format: false,
      });
      writeFileSync(join(outDir, `${name}.ts`), ts);
      console.log(`${name}.ts`);
    }
    return;
  }
  console.error("usage: node check.mjs compile|verdicts|types|bundles SCHEMA_DIR [OUT_DIR]");
  process.exit(2);
}

await main();
