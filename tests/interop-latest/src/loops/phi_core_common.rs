// The phi-core driver, shared by every phi-core revision: included by phi_core_<N>.rs after
// `use <crate> as p;` and a `compat` module for what differs between revisions.
// (No inner doc comments: this file is include!d.)

use crate::{halves, text, tools, Call, Failure, Reply, RunOutput, Stop};
use p::agents::Agent as _;
use p::provider::{ProviderError, StreamConfig, StreamEvent, StreamProvider};
use p::types::{AgentEvent, AgentMessage, AgentTool, Content, LlmMessage, Message, ToolContext, ToolError, ToolResult};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

const MODEL: &str = "scripted-model-1";
const PROVIDER: &str = "scripted";

/// The crate's `StreamProvider`, answering each request with the next scripted reply.
pub struct Scripted {
    replies: Mutex<VecDeque<Reply>>,
    requests: AtomicU64,
}

impl Scripted {
    pub fn new(replies: Vec<Reply>) -> Self {
        Self { replies: Mutex::new(replies.into()), requests: AtomicU64::new(0) }
    }
}

fn usage(n: u64) -> p::types::Usage {
    let mut u = p::types::Usage::default();
    u.input = 100 * n + 7;
    u.output = 20 + n;
    u.cache_read = 50;
    u.cache_write = 3;
    u.total_tokens = u.input + u.output + u.cache_read + u.cache_write;
    u
}

#[async_trait::async_trait]
impl StreamProvider for Scripted {
    fn provider_id(&self) -> &str {
        PROVIDER
    }

    async fn stream(
        &self,
        _config: StreamConfig,
        tx: mpsc::UnboundedSender<StreamEvent>,
        cancel: CancellationToken,
    ) -> Result<Message, ProviderError> {
        let n = self.requests.fetch_add(1, Ordering::SeqCst) + 1;
        let reply = self.replies.lock().unwrap().pop_front().unwrap_or_else(|| text("(script exhausted)"));
        match reply {
            Reply::Fail(f) => Err(match f {
                Failure::Api(m) => ProviderError::Api(m),
                Failure::Network(m) => ProviderError::Network(m),
                Failure::RateLimited(ms) => ProviderError::RateLimited { retry_after_ms: Some(ms) },
            }),
            Reply::Cancel { partial } | Reply::AwaitAbort { partial } => {
                let _ = tx.send(StreamEvent::Start);
                for delta in halves(&partial) {
                    let _ = tx.send(StreamEvent::TextDelta { content_index: 0, delta });
                }
                // The user presses stop mid-stream: the run's token (the provider gets a clone
                // of it) is cancelled; a provider then returns Cancelled.
                cancel.cancel();
                Err(ProviderError::Cancelled)
            }
            Reply::Answer { thinking, text, calls, stop, error } => {
                let _ = tx.send(StreamEvent::Start);
                let mut content = Vec::new();
                for (t, signature) in thinking {
                    let content_index = content.len();
                    for delta in halves(&t) {
                        let _ = tx.send(StreamEvent::ThinkingDelta { content_index, delta });
                    }
                    content.push(Content::Thinking { thinking: t, signature });
                }
                if let Some(t) = text {
                    let content_index = content.len();
                    for delta in halves(&t) {
                        let _ = tx.send(StreamEvent::TextDelta { content_index, delta });
                    }
                    content.push(Content::Text { text: t });
                }
                for Call { id, name, args, metadata: _ } in calls {
                    let content_index = content.len();
                    let _ = tx.send(StreamEvent::ToolCallStart { content_index, id: id.into(), name: name.into() });
                    for delta in halves(&args) {
                        let _ = tx.send(StreamEvent::ToolCallDelta { content_index, delta });
                    }
                    let _ = tx.send(StreamEvent::ToolCallEnd { content_index });
                    // phi-core's providers parse the accumulated text, `{}` when it does not parse.
                    let arguments = serde_json::from_str(&args).unwrap_or_else(|_| Value::Object(Default::default()));
                    content.push(Content::ToolCall { id: id.into(), name: name.into(), arguments });
                }
                let stop_reason = match stop {
                    Stop::Stop => p::types::StopReason::Stop,
                    Stop::ToolUse => p::types::StopReason::ToolUse,
                    Stop::Length => p::types::StopReason::Length,
                    Stop::GuardRail => p::types::StopReason::GuardRail,
                    Stop::Error => p::types::StopReason::Error,
                    Stop::Refusal => unreachable!("phi-core has no refusal"),
                };
                let is_error = matches!(stop, Stop::Error);
                let message = Message::Assistant {
                    content,
                    stop_reason,
                    model: MODEL.into(),
                    provider: PROVIDER.into(),
                    usage: usage(n),
                    timestamp: p::types::now_ms(),
                    error_message: error,
                };
                if is_error {
                    let _ = tx.send(StreamEvent::Error { message: message.clone() });
                } else {
                    let _ = tx.send(StreamEvent::Done { message: message.clone() });
                }
                Ok(message)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Real tools: one succeeds (echoing what it received), one fails, one returns an image.

struct Probe;
struct Failing;
struct Snapshot;

#[async_trait::async_trait]
impl AgentTool for Probe {
    fn name(&self) -> &str {
        "probe"
    }
    fn label(&self) -> &str {
        "Probe"
    }
    fn description(&self) -> &str {
        "Echoes its arguments as serde_json text."
    }
    fn parameters_schema(&self) -> Value {
        json!({"type": "object", "additionalProperties": true})
    }
    async fn execute(&self, params: Value, _ctx: ToolContext) -> Result<ToolResult, ToolError> {
        Ok(compat::tool_result(
            vec![Content::Text { text: format!("received {}", serde_json::to_string(&params).unwrap()) }],
            json!({"ratio": 0.9808861679331449_f64, "echo": params}),
        ))
    }
}

#[async_trait::async_trait]
impl AgentTool for Failing {
    fn name(&self) -> &str {
        "write_file"
    }
    fn label(&self) -> &str {
        "Write file"
    }
    fn description(&self) -> &str {
        "Always fails: the disk is read-only."
    }
    fn parameters_schema(&self) -> Value {
        json!({"type": "object", "properties": {"path": {"type": "string"}}})
    }
    async fn execute(&self, params: Value, _ctx: ToolContext) -> Result<ToolResult, ToolError> {
        Err(ToolError::Failed(format!("disk is read-only: cannot write {}", params["path"])))
    }
}

#[async_trait::async_trait]
impl AgentTool for Snapshot {
    fn name(&self) -> &str {
        "screenshot"
    }
    fn label(&self) -> &str {
        "Screenshot"
    }
    fn description(&self) -> &str {
        "Returns a 1x1 PNG."
    }
    fn parameters_schema(&self) -> Value {
        json!({"type": "object"})
    }
    async fn execute(&self, _params: Value, _ctx: ToolContext) -> Result<ToolResult, ToolError> {
        Ok(compat::tool_result(
            vec![
                Content::Text { text: "captured 1x1".into() },
                Content::Image { data: crate::PNG_1X1.into(), mime_type: "image/png".into() },
            ],
            Value::Null,
        ))
    }
}

fn all_tools() -> Vec<Arc<dyn AgentTool>> {
    vec![Arc::new(Probe), Arc::new(Failing), Arc::new(Snapshot)]
}

fn model_config() -> p::provider::ModelConfig {
    let mut config = p::provider::ModelConfig::anthropic(MODEL, "Scripted model", "scripted-key");
    config.provider = PROVIDER.into();
    config
}

fn base_agent(replies: Vec<Reply>) -> p::BasicAgent {
    let mut retry = p::RetryConfig::default();
    retry.initial_delay_ms = 1;
    retry.max_delay_ms = 5;
    p::BasicAgent::new(model_config())
        .with_provider_override(Arc::new(Scripted::new(replies)))
        .with_system_prompt("You are a scripted test agent.")
        .with_tools(all_tools())
        .with_tool_execution(p::types::ToolExecutionStrategy::Sequential)
        .with_retry_config(retry)
}

/// Records what the run emits: every event as serde_json text, and a SessionRecorder fed with
/// the same events (what an application persists with save_session).
struct Recording {
    events: Vec<String>,
    recorder: p::session::SessionRecorder,
}

impl Recording {
    fn new() -> Self {
        Self { events: Vec::new(), recorder: p::session::SessionRecorder::new(compat::recorder_config()) }
    }

    async fn prompt(&mut self, agent: &mut p::BasicAgent, input: Vec<AgentMessage>) {
        crate::record_history_before_run(agent.save_messages().expect("save_messages"));
        let (tx, mut rx) = mpsc::unbounded_channel::<AgentEvent>();
        agent.prompt_messages_with_sender(input, tx).await;
        while let Some(event) = rx.recv().await {
            self.events.push(serde_json::to_string(&event).expect("AgentEvent serializes"));
            self.recorder.on_event(event);
        }
        crate::record_history_after_run(agent.save_messages().expect("save_messages"));
    }

    /// The session document save_session() writes, and what load_session() + save_session()
    /// writes for it.
    fn session_json(&mut self, agent: &p::BasicAgent, scratch: &Path) -> (Option<String>, Value) {
        self.recorder.flush();
        let sessions = self.recorder.drain_completed();
        let wanted = agent.session_id().to_string();
        let Some(session) = sessions.iter().find(|s| s.session_id == wanted) else {
            return (None, json!({"session_error": format!("no recorded session {wanted}; got {}", sessions.len())}));
        };
        let dir = scratch.join(format!("phi-sessions-{}", std::process::id()));
        let path = p::session::save_session(session, &dir).expect("save_session");
        let text = std::fs::read_to_string(&path).expect("read saved session");
        let again = match p::session::load_session(&wanted, &dir) {
            Ok(loaded) => {
                let dir2 = dir.join("again");
                let path2 = p::session::save_session(&loaded, &dir2).expect("save_session again");
                Ok(std::fs::read_to_string(path2).expect("read session again"))
            }
            Err(e) => Err(e.to_string()),
        };
        let _ = std::fs::remove_dir_all(&dir);
        let extra = match again {
            Ok(bytes) => json!({"session_restore_save": bytes, "sessions_recorded": sessions.len()}),
            Err(e) => json!({"session_restore_error": e, "sessions_recorded": sessions.len()}),
        };
        (Some(text), extra)
    }
}

fn user(t: &str) -> Vec<AgentMessage> {
    vec![AgentMessage::Llm(LlmMessage::new(Message::user(t)))]
}

fn restore_save(saved: &str) -> Result<String, String> {
    let mut fresh = base_agent(vec![]);
    fresh.restore_messages(saved).map_err(|e| e.to_string())?;
    fresh.save_messages().map_err(|e| e.to_string())
}

fn finish(scenario: &'static str, description: &'static str, agent: &p::BasicAgent, mut rec: Recording,
          out: &Path, mut extra: Value) -> RunOutput {
    crate::take_history_around_runs(&mut extra);
    let messages = agent.save_messages().expect("save_messages");
    let restore_save = restore_save(&messages);
    let (session_json, mut session_extra) = rec.session_json(agent, out);
    if let (Value::Object(a), Value::Object(b)) = (&mut session_extra, extra) {
        a.extend(b);
    }
    RunOutput {
        crate_name: "phi-core",
        version: compat::VERSION,
        scenario,
        description,
        messages,
        restore_save,
        events: Some(rec.events),
        session_jsonl: None,
        session_json,
        extra: session_extra,
    }
}

fn sig(s: &str) -> Option<String> {
    Some(s.to_string())
}

async fn thinking_tools(out: &Path) -> RunOutput {
    let replies = vec![
        tools(
            vec![("I should probe with awkward numbers.".into(), sig("EqQBCkgIARABGAIiQJ1+sig/0=="))],
            Some("Let me check a few things \u{1F50D}."),
            vec![
                crate::call("call_probe_1", "probe", crate::PROBE_ARGS),
                crate::call("call_write_2", "write_file", r#"{"path":"/etc/hosts","content":"x"}"#),
                crate::call("call_shot_3", "screenshot", "{}"),
                crate::call("call_missing_4", "no_such_tool", r#"{"q":1}"#),
                crate::call("call_cut_5", "probe", crate::TRUNCATED_ARGS),
            ],
        ),
        Reply::Answer {
            thinking: vec![("Unsigned afterthought.".into(), None), ("Second block, signed.".into(), sig("c2lnLTI="))],
            text: Some("Done: one tool worked, one failed, one returned an image, one is unknown.".into()),
            calls: vec![],
            stop: Stop::Stop,
            error: None,
        },
    ];
    let mut agent = base_agent(replies).with_thinking(p::types::ThinkingLevel::Medium);
    let mut rec = Recording::new();
    rec.prompt(&mut agent, user("Probe the system, write a file, take a screenshot.")).await;
    finish("thinking-tools",
           "thinking with signatures; tool calls with awkward argument text (nested, unicode, escapes, 17-digit floats, u64 max, i64 min, 1e300, -0.0, beyond u64, truncated JSON); a tool that succeeds, one that fails, one returning an image, an unknown tool",
           &agent, rec, out, json!({}))
}

async fn provider_errors(out: &Path) -> RunOutput {
    let replies = vec![
        Reply::Fail(Failure::Api("HTTP 400: invalid_request_error: messages.1: bad \"content\"".into())),
        Reply::Answer {
            thinking: vec![],
            text: Some("Partial answer before the stream bro".into()),
            calls: vec![],
            stop: Stop::Error,
            error: Some("stream error: {\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}".into()),
        },
        text("Third time lucky."),
    ];
    let mut retry = p::RetryConfig::default();
    retry.max_retries = 0;
    let mut agent = base_agent(replies).with_retry_config(retry);
    let mut rec = Recording::new();
    rec.prompt(&mut agent, user("First try.")).await;
    rec.prompt(&mut agent, user("Second try.")).await;
    rec.prompt(&mut agent, user("Third try.")).await;
    finish("provider-errors",
           "a provider error returned as Err (non-retryable API error), then an error message the stream itself returned (stopReason error with error_message), then a normal answer",
           &agent, rec, out, json!({}))
}

async fn retry(out: &Path) -> RunOutput {
    let replies = vec![
        Reply::Fail(Failure::RateLimited(1)),
        Reply::Fail(Failure::Network("connection reset by peer".into())),
        text("Answer after two retried failures."),
    ];
    let mut agent = base_agent(replies);
    let mut rec = Recording::new();
    rec.prompt(&mut agent, user("Retry me.")).await;
    finish("retry", "a rate limit and a network error, both retried by the loop, then an answer", &agent, rec, out, json!({}))
}

async fn cancel(out: &Path) -> RunOutput {
    let replies = vec![
        tools(vec![], None, vec![crate::call("call_probe_1", "probe", r#"{"step":1}"#)]),
        Reply::Cancel { partial: "I was about to say".into() },
        text("Resumed after the cancelled turn."),
    ];
    let mut agent = base_agent(replies);
    let mut rec = Recording::new();
    rec.prompt(&mut agent, user("Start something long.")).await;
    rec.prompt(&mut agent, user("Go on.")).await;
    finish("cancel", "a tool turn, then the run is cancelled mid-stream (the run's token is cancelled while text streams), then a new prompt",
           &agent, rec, out, json!({}))
}

async fn guardrail(out: &Path) -> RunOutput {
    let replies = vec![Reply::Answer {
        thinking: vec![],
        text: Some("I can't help with".into()),
        calls: vec![],
        stop: Stop::GuardRail,
        error: Some("Blocked by the content filter.".into()),
    }];
    let mut agent = base_agent(replies);
    let mut rec = Recording::new();
    rec.prompt(&mut agent, user("Something the guardrail blocks.")).await;
    finish("guardrail", "an answer with stopReason guardRail and an error_message", &agent, rec, out, json!({}))
}

async fn extension(out: &Path) -> RunOutput {
    let replies = vec![
        text("Noted."),
        Reply::Answer { thinking: vec![], text: Some("This answer was cut at max_tok".into()), calls: vec![],
                        stop: Stop::Length, error: None },
    ];
    let mut agent = base_agent(replies);
    agent.append_message(AgentMessage::Extension(p::types::ExtensionMessage::new("session.start", crate::extension_data())));
    let mut rec = Recording::new();
    rec.prompt(&mut agent, user("Hello.")).await;
    agent.append_message(AgentMessage::Extension(p::types::ExtensionMessage::new("ui.note", json!("plain string data"))));
    let input = vec![
        AgentMessage::Extension(p::types::ExtensionMessage::new("ui.attachment", json!({"bytes": 12, "name": "n\u{e4}me.txt"}))),
        AgentMessage::Llm(LlmMessage::new(Message::user("Write a long answer."))),
    ];
    rec.prompt(&mut agent, input).await;
    finish("extension",
           "extension records appended to the history and sent with a prompt, holding Rust-literal floats (0.9808861679331449 is held correctly rounded, so a restore can change it), u64 max, i64 min, 1e300, -0.0; an answer stopped by length",
           &agent, rec, out, json!({}))
}

async fn revert(out: &Path) -> RunOutput {
    let replies = vec![
        tools(vec![], Some("Trying the first idea."), vec![crate::call("call_probe_1", "probe", r#"{"idea":1}"#)]),
        tools(vec![], Some("Dead end; trying another."), vec![crate::call("call_probe_2", "probe", r#"{"idea":2}"#)]),
        tools(vec![], None, vec![crate::call("call_revert_3", "revert_to_state",
            r#"{"category":"failure","step":"n1","summary":"ideas 1 and 2 were dead ends: probe returns nothing useful"}"#)]),
        text("Reverted; starting over with what I learned."),
        text("Second prompt answered after the revert."),
    ];
    let mut agent = base_agent(replies).with_revert_tool();
    let mut rec = Recording::new();
    rec.prompt(&mut agent, compat::with_provenance(user("Find a working idea."))).await;
    rec.prompt(&mut agent, user("And now?")).await;
    finish("revert",
           "revert mode (with_revert_tool): node ids, parent ids and a revert tag written by the loop; the first prompt carries a provenance hint where the revision has one; turn requests captured in the session where the revision can",
           &agent, rec, out, json!({}))
}

async fn limits(out: &Path) -> RunOutput {
    let replies = (1..=4)
        .map(|i| tools(vec![], None, vec![crate::call(["call_a", "call_b", "call_c", "call_d"][i - 1], "probe", &format!("{{\"turn\":{i}}}"))]))
        .collect();
    let mut limits = p::context::ExecutionLimits::default();
    limits.max_turns = 2;
    let mut agent = base_agent(replies).with_execution_limits(limits);
    let mut rec = Recording::new();
    rec.prompt(&mut agent, user("Keep calling tools.")).await;
    finish("limits", "ExecutionLimits max_turns 2 against a model that keeps calling tools: what the loop leaves in the history",
           &agent, rec, out, json!({}))
}

async fn steering(out: &Path) -> RunOutput {
    let replies = vec![
        tools(vec![], Some("Probing first."), vec![crate::call("call_probe_1", "probe", r#"{"n":1}"#)]),
        text("Switched to the screenshot plan."),
        text("Summary, as asked in the follow-up."),
    ];
    let mut agent = base_agent(replies);
    // Queued before the run: the loop takes steering messages after the tool turn and follow-up
    // messages when the run would otherwise end.
    p::agents::Agent::steer(&agent, user("Steering: use the screenshot instead.").remove(0));
    p::agents::Agent::follow_up(&agent, user("Follow-up: now summarize.").remove(0));
    let mut rec = Recording::new();
    rec.prompt(&mut agent, user("Investigate.")).await;
    finish("steering", "a steering message and a follow-up message queued with steer() / follow_up(), taken by the loop mid-run",
           &agent, rec, out, json!({}))
}

pub async fn run_all(out: &Path) {
    let runs = vec![
        steering(out).await,
        limits(out).await,
        thinking_tools(out).await,
        provider_errors(out).await,
        retry(out).await,
        cancel(out).await,
        guardrail(out).await,
        extension(out).await,
        revert(out).await,
    ];
    for run in runs {
        crate::write_run(out, run);
    }
    compat::configs(out);
}
