//! yoagent 0.18.1: the shared driver plus this revision's constructors.
use yoagent_0_18 as y;

mod compat {
    use super::y;
    use serde_json::Value;
    use y::types::{AgentEvent, AgentMessage, Content, Message, StopReason, Usage};

    pub const VERSION: &str = "0.18.1";
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

    /// What this revision's providers do with streamed argument text: parse it, or `{}` when
    /// it does not parse.
    pub fn parse_args(raw: &str) -> Value {
        serde_json::from_str(raw).unwrap_or_else(|_| Value::Object(Default::default()))
    }

    pub fn assistant(content: Vec<Content>, stop_reason: StopReason, model: &str, provider: &str, usage: Usage,
                     error_message: Option<String>) -> Message {
        let m = Message::assistant(content, stop_reason, model, provider, usage);
        match error_message {
            Some(e) => m.with_error_message(e),
            None => m,
        }
    }

    pub fn custom(kind: &str, data: Value) -> AgentMessage {
        AgentMessage::Extension(y::types::ExtensionMessage::new(kind, data))
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
