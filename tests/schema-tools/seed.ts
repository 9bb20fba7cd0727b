// Compiled with tsc --strict against the types generated from a wire view (see check.mjs types).
// The seed docs' two-message conversation, an extension record with null data, and narrowing.
import type { AgentMessage, Content, Message, ExtensionMessage } from "./generated/yoagent_0_13";

const conversation: AgentMessage[] = [
  { role: "user", content: [{ type: "text", text: "Hello" }], timestamp: 1700000000000 },
  {
    role: "assistant",
    content: [{ type: "text", text: "Hi there!" }],
    stopReason: "stop",
    model: "claude-sonnet-4-20250514",
    provider: "anthropic",
    usage: { input: 100, output: 50, cacheRead: 0, cacheWrite: 0, totalTokens: 150 },
    timestamp: 1700000001000,
  },
  { role: "extension", kind: "k", data: null },
];

// An extension record's role is any string (serde's untagged fallback), so tell the records
// apart by their keys first, then narrow on `role`.
function isExtension(m: AgentMessage): m is ExtensionMessage {
  return "kind" in m && "data" in m;
}

function describe(block: Content): string {
  switch (block.type) {
    case "text":
      return block.text;
    case "image":
      return block.mimeType;
    case "thinking":
      return block.thinking + (block.signature ?? "");
    case "toolCall":
      return `${block.name}(${JSON.stringify(block.arguments)})`;
  }
}

function summary(m: Message): string {
  switch (m.role) {
    case "user":
      return m.content.map(describe).join("") + m.timestamp.toFixed(0);
    case "assistant":
      return `${m.model} ${m.stopReason} ${m.usage.totalTokens} ${m.errorMessage ?? ""}`;
    case "toolResult":
      return `${m.toolName} ${m.isError}`;
  }
}

const lines: string[] = conversation.map((m) => (isExtension(m) ? m.kind : summary(m)));
export default lines;
