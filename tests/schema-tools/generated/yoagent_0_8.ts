// generated from yoagent/0.8/conversation.wire.schema.json by json-schema-to-typescript

/**
 * serde-untagged: read as an LLM Message, and if that fails for any reason, as an ExtensionMessage.
 */
export type AgentMessage = (Message | ExtensionMessage)
/**
 * An LLM message, internally tagged by `role` (a oneOf of const-tagged variants).
 */
export type Message = (UserMessage | AssistantMessage | ToolResultMessage)
/**
 * A content block, internally tagged by `type` (a oneOf of const-tagged variants).
 */
export type Content = (TextContent | ImageContent | ThinkingContent | ToolCallContent)
/**
 * Rust u64. serde refuses floats such as 1.0, which JSON Schema counts as integers.
 */
export type U64 = number
/**
 * Why generation stopped: a unit variant, written as its name.
 */
export type StopReason = ("stop" | "length" | "toolUse" | "error" | "aborted")
/**
 * What save_messages() writes (the wire view: each type in the one form the crate writes, canonical keys, no aliases). What restore_messages() accepts is the reader view, conversation.reader.schema.json.
 */
export type Yoagent08SavedConversationWireView = AgentMessage[]

/**
 * A user turn.
 */
export interface UserMessage {
role: "user"
content: Content[]
timestamp: U64
}
/**
 * A text block.
 */
export interface TextContent {
type: "text"
text: string
}
/**
 * An image block (base64 data).
 */
export interface ImageContent {
type: "image"
data: string
mimeType: string
}
/**
 * Model reasoning.
 */
export interface ThinkingContent {
type: "thinking"
thinking: string
signature?: string
}
/**
 * A tool call.
 */
export interface ToolCallContent {
type: "toolCall"
id: string
name: string
/**
 * Required; any JSON value including null.
 */
arguments: ({

} | unknown[] | string | number | boolean | null)
/**
 * Any JSON value (serde_json::Value): objects are written with keys sorted at every depth.
 */
provider_metadata?: ({

} | unknown[] | string | number | boolean | null)
}
/**
 * An assistant turn.
 */
export interface AssistantMessage {
role: "assistant"
content: Content[]
stopReason: StopReason
model: string
provider: string
usage: Usage
timestamp: U64
error_message?: string
}
/**
 * Token counts (all u64; missing counts default to 0).
 */
export interface Usage {
input: U64
output: U64
/**
 * Rust u64. serde refuses floats such as 1.0, which JSON Schema counts as integers.
 */
cache_read: number
/**
 * Rust u64. serde refuses floats such as 1.0, which JSON Schema counts as integers.
 */
cache_write: number
/**
 * Rust u64. serde refuses floats such as 1.0, which JSON Schema counts as integers.
 */
total_tokens: number
}
/**
 * The result of a tool call.
 */
export interface ToolResultMessage {
role: "toolResult"
toolCallId: string
toolName: string
content: Content[]
isError: boolean
timestamp: U64
}
/**
 * An app-only record; `role` is any string (the constructor writes "extension").
 */
export interface ExtensionMessage {
role: string
kind: string
/**
 * Required; any JSON value including null.
 */
data: ({

} | unknown[] | string | number | boolean | null)
}
