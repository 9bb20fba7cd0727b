// Checked by `tsc --strict` in the tests: narrowing a parsed message gives typed fields.
import { readFileSync } from "node:fs";
import { parse, stringify, detect, isExtension, ConversationError } from "agent-conversation-format";

const text = readFileSync(process.argv[2] ?? "conversation.json", "utf8");
console.log("accepted by", detect(text).join(", "));
try {
  const conv = parse(text, "yoagent@0.13");
  let tokens = 0n;
  for (const message of conv.messages) {
    if (isExtension(message)) {
      console.log("extension", message.kind, message.data);
      continue;
    }
    if (message.role === "assistant") {
      tokens += BigInt(message.usage.input) + BigInt(message.usage.output);
      const why: "stop" | "length" | "toolUse" | "error" | "aborted" | "refusal" = message.stopReason;
      for (const block of message.content) if (block.type === "toolCall") console.log(why, block.name, block.arguments);
      if (message.errorMessage !== undefined) console.log("error:", message.errorMessage);
    }
  }
  console.log("tokens", tokens, stringify(conv, undefined, { floatFormat: "zmij" }).length);
} catch (err) {
  if (err instanceof ConversationError) {
    for (const p of err.problems) console.error(`message ${p.index} ${p.pointer} line ${p.line} col ${p.column}: ${p.message}`);
    process.exitCode = 1;
  } else throw err;
}
