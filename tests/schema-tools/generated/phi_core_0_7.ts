// generated from phi-core/0.7/conversation.wire.schema.json by json-schema-to-typescript

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
 * Rust u32.
 */
export type U32 = number
/**
 * Why generation stopped: a unit variant, written as its name.
 */
export type StopReason = ("stop" | "length" | "toolUse" | "error" | "aborted" | "maxTurns" | "userStop" | "handoff" | "guardRail" | "contextCompacted" | "paused")
/**
 * What save_messages() writes (the wire view: each type in the one form the crate writes, canonical keys, no aliases). What restore_messages() accepts is the reader view, conversation.reader.schema.json.
 */
export type PhiCore07SavedConversationWireView = AgentMessage[]

/**
 * A user turn.
 */
export interface UserMessage {
role: "user"
content: Content[]
timestamp: U64
turnId?: TurnId
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
}
/**
 * phi-core >= 0.7: a malformed value is silently dropped.
 */
export interface TurnId {
loopId: string
turnIndex: U32
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
turnId?: TurnId1
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
reasoning: number
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
 * phi-core >= 0.7: a malformed value is silently dropped.
 */
export interface TurnId1 {
loopId: string
turnIndex: U32
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
turnId?: TurnId2
}
/**
 * phi-core >= 0.7: a malformed value is silently dropped.
 */
export interface TurnId2 {
loopId: string
turnIndex: U32
}
/**
 * An app-only record; `role` is any string (the constructor writes "extension"). A derived struct read from serde's buffer: a repeated key is an error, unlike in LLM messages.
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
