/** `npm pack`, install the tarball into a scratch project, import the public API from it. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./helpers.js";

const PKG = join(ROOT, "typescript");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

function run(cmd: string, args: string[], cwd: string): string {
  const proc = spawnSync(cmd, args, { cwd, encoding: "utf8" });
  assert.equal(proc.status, 0, `${cmd} ${args.join(" ")} failed:\n${proc.stdout}\n${proc.stderr}`);
  return proc.stdout;
}

test("the npm pack tarball installs into a fresh project and its API imports and works", () => {
  const scratch = mkdtempSync(join(tmpdir(), "acf-pack-"));
  try {
    run(NPM, ["pack", "--silent", "--pack-destination", scratch], PKG);
    const tarball = readdirSync(scratch).find((f) => f.endsWith(".tgz"));
    assert.ok(tarball, "npm pack made no tarball");
    const app = join(scratch, "app");
    run("mkdir", ["-p", app], scratch);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }));
    run(NPM, ["install", "--offline", "--no-audit", "--no-fund", join(scratch, tarball)], app);
    writeFileSync(
      join(app, "main.mjs"),
      [
        'import { parse, stringify, detect, ConversationError } from "agent-conversation-format";',
        'const text = \'[{"role":"user","content":[{"type":"text","text":"hi"}],"timestamp":1}]\';',
        "const conv = parse(text);",
        "let refused = false;",
        'try { parse("[1]", "yoagent@0.13"); } catch (e) { refused = e instanceof ConversationError && e.problems[0].index === 0; }',
        "console.log(JSON.stringify({ same: stringify(conv) === text, dialects: detect(text).length, refused }));",
      ].join("\n"),
    );
    const out = JSON.parse(run(process.execPath, ["main.mjs"], app)) as { same: boolean; dialects: number; refused: boolean };
    assert.deepEqual(out, { same: true, dialects: 8, refused: true });
    // its type declarations work from the installed package too
    writeFileSync(
      join(app, "check.ts"),
      'import { parse, isExtension } from "agent-conversation-format";\n' +
        'for (const m of parse("[]", "yoagent@0.22").messages) if (!isExtension(m) && m.role === "assistant") console.log(m.usage.input);\n',
    );
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", types: [] }, files: ["check.ts"] }),
    );
    run(process.execPath, [join(PKG, "node_modules", "typescript", "bin", "tsc"), "-p", app], app);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
