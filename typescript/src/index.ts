/**
 * agent-conversation-format: the saved conversations of the Rust crates yoagent and phi-core,
 * read and written byte for byte as their serde derives do.
 */
export { parse, stringify, detect, knownDialects, resolve } from "./codec.js";
export type { Conversation, DialectOption, StringifyOptions } from "./codec.js";
export { ConversationError } from "./errors.js";
export type { Problem, ProblemKind } from "./errors.js";
export { PROBLEM_KINDS } from "./errors.js";
export { JsonFloat, FLOAT_FORMATS } from "./numbers.js";
export type { FloatFormat } from "./numbers.js";
export type { DialectName } from "./spec.js";
export { isExtension } from "./messages.js";
export type { AnyMessage, MessageTypes, ExtensionOf } from "./messages.js";
export type * as wire from "./generated/types/index.js";
export type { JsonValue } from "./json-value.js";
export { parseSession, stringifySession, sessionDialects } from "./sessions.js";
export type { Session, SessionEntry } from "./sessions.js";
