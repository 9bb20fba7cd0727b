//! phi-core 0.8.0: the shared driver plus what differs in this revision.
use phi_core_0_8 as p;

mod compat {
    use super::p;
    use p::types::{AgentMessage, Content, ToolResult};
    use serde_json::Value;

    pub const VERSION: &str = "0.8.0";

    pub fn tool_result(content: Vec<Content>, details: Value) -> ToolResult {
        ToolResult { content, details, child_loop_id: None }
    }

    /// 0.8 has no turn-request capture; streaming events are kept out of the session, as by
    /// default.
    pub fn recorder_config() -> p::session::SessionRecorderConfig {
        p::session::SessionRecorderConfig::default()
    }

    /// 0.8 has no provenance hints: the prompt goes as is.
    pub fn with_provenance(messages: Vec<AgentMessage>) -> Vec<AgentMessage> {
        messages
    }

    pub fn configs(out: &std::path::Path) {
        crate::write_configs::<p::types::CacheConfig, p::types::ToolExecutionStrategy,
                               p::context::ContextConfig, p::context::ExecutionLimits>(out, "phi-core", VERSION);
    }
}

include!("phi_core_common.rs");
