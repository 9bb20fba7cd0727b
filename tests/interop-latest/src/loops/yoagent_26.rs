//! yoagent 0.26.6 (the newest): the shared driver plus this revision's constructors.
use yoagent_latest as y;

mod compat {
    use super::y;
    use serde_json::Value;
    use y::types::{AgentEvent, AgentMessage, Content, Message, StopReason, Usage};

    pub const VERSION: &str = "0.26.6";
    /// ExecutionLimits::max_consecutive_identical_tool_calls (0.18+).
    pub const LOOP_DETECTION: bool = true;
    pub const EVENTS_SERIALIZABLE: bool = true;

    pub fn thinking(text: String, signature: Option<String>) -> Content {
        match signature {
            Some(s) => Content::thinking_signed(text, s),
            None => Content::thinking(text),
        }
    }

    pub fn tool_call(id: &str, name: &str, arguments: Value, metadata: Option<Value>) -> Content {
        match metadata {
            Some(m) => Content::tool_call_with_metadata(id, name, arguments, m),
            None => Content::tool_call(id, name, arguments),
        }
    }

    /// What 0.26's providers do with streamed argument text.
    pub fn parse_args(raw: &str) -> Value {
        y::provider::parse_tool_arguments(raw)
    }

    pub fn assistant(content: Vec<Content>, stop: StopReason, model: &str, provider: &str, usage: Usage,
                     error: Option<String>) -> Message {
        let m = Message::assistant(content, stop, model, provider, usage);
        match error {
            Some(e) => m.with_error_message(e),
            None => m,
        }
    }

    pub fn custom(kind: &str, data: Value) -> AgentMessage {
        AgentMessage::Custom(y::types::CustomMessage::new(kind, data))
    }

    pub fn event_json(event: &AgentEvent) -> Option<String> {
        Some(serde_json::to_string(event).expect("AgentEvent serializes"))
    }

    pub fn fast_retry() -> y::RetryConfig {
        let mut r = y::RetryConfig::default();
        r.max_retries = 3;
        r.initial_delay_ms = 1;
        r.max_delay_ms = 5;
        r
    }

    pub fn configs(out: &std::path::Path) {
        crate::write_configs::<y::types::CacheConfig, y::types::ToolExecutionStrategy,
                               y::context::ContextConfig, y::context::ExecutionLimits>(out, "yoagent", VERSION);
    }
}

include!("yoagent_common.rs");
