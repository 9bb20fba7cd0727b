//! phi-core 0.15.2 (the newest): the shared driver plus what differs in this revision.
use phi_core_latest as p;

mod compat {
    use super::p;
    use p::types::{AgentMessage, Content, ToolResult};
    use serde_json::Value;

    pub const VERSION: &str = "0.15.2";

    pub fn tool_result(content: Vec<Content>, details: Value) -> ToolResult {
        ToolResult { content, details, child_loop_id: None }
    }

    /// Turn requests (system prompt, messages with provenance, tools, model) are captured.
    pub fn recorder_config() -> p::session::SessionRecorderConfig {
        let mut config = p::session::SessionRecorderConfig::default();
        config.capture_turn_requests = true;
        config
    }

    /// Stamp a provenance hint on the prompt's messages (0.9+).
    pub fn with_provenance(messages: Vec<AgentMessage>) -> Vec<AgentMessage> {
        messages
            .into_iter()
            .map(|m| match m {
                AgentMessage::Llm(l) => AgentMessage::Llm(l.with_provenance_hint(p::types::BlockProvenance::MemoryTier {
                    tier: "long-term".into(),
                    record_id: "notes/\u{fc}ber.md#L7".into(),
                })),
                other => other,
            })
            .collect()
    }

    pub fn configs(out: &std::path::Path) {
        crate::write_configs::<p::types::CacheConfig, p::types::ToolExecutionStrategy,
                               p::context::ContextConfig, p::context::ExecutionLimits>(out, "phi-core", VERSION);
    }
}

include!("phi_core_common.rs");
