// The yoagent driver, shared by every yoagent revision: included by yoagent_<N>.rs after
// `use <crate> as y;` and a `compat` module that papers over the constructors that differ.
// (No inner doc comments: this file is include!d.)

use crate::{halves, text, tools, Call, Failure, Reply, RunOutput, Stop};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use y::provider::{ProviderError, StreamConfig, StreamEvent, StreamProvider};
use y::types::{AgentEvent, AgentMessage, AgentTool, Content, Message, ToolContext, ToolError, ToolResult};

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

fn usage(n: u64) -> y::types::Usage {
    let mut u = y::types::Usage::default();
    u.input = 100 * n + 7;
    u.output = 20 + n;
    u.cache_read = 50;
    u.cache_write = 3;
    u.total_tokens = u.input + u.output + u.cache_read + u.cache_write;
    u
}

#[async_trait::async_trait]
impl StreamProvider for Scripted {
    async fn stream(
        &self,
        _config: StreamConfig,
        tx: mpsc::UnboundedSender<StreamEvent>,
        cancel: CancellationToken,
    ) -> Result<Message, ProviderError> {
        let n = self.requests.fetch_add(1, Ordering::SeqCst) + 1;
        let reply = self.replies.lock().unwrap().pop_front().unwrap_or_else(|| crate::text("(script exhausted)"));
        match reply {
            Reply::Fail(f) => Err(match f {
                Failure::Api(m) => ProviderError::Api(m),
                Failure::Network(m) => ProviderError::Network(m),
                Failure::RateLimited(ms) => ProviderError::RateLimited { retry_after_ms: Some(ms) },
            }),
            Reply::Cancel { partial } => {
                let _ = tx.send(StreamEvent::Start);
                for delta in halves(&partial) {
                    let _ = tx.send(StreamEvent::TextDelta { content_index: 0, delta });
                }
                // The user presses stop mid-stream: the run's token (the provider gets a clone
                // of it) is cancelled; a provider then returns Cancelled.
                cancel.cancel();
                Err(ProviderError::Cancelled)
            }
            Reply::AwaitAbort { partial } => {
                let _ = tx.send(StreamEvent::Start);
                for delta in halves(&partial) {
                    let _ = tx.send(StreamEvent::TextDelta { content_index: 0, delta });
                }
                tokio::select! {
                    _ = cancel.cancelled() => Err(ProviderError::Cancelled),
                    _ = tokio::time::sleep(std::time::Duration::from_secs(20)) => {
                        Err(ProviderError::Other("scripted provider: nobody aborted".into()))
                    }
                }
            }
            Reply::Answer { thinking, text, calls, stop, error } => {
                let _ = tx.send(StreamEvent::Start);
                let mut content = Vec::new();
                for (t, signature) in thinking {
                    let content_index = content.len();
                    for delta in halves(&t) {
                        let _ = tx.send(StreamEvent::ThinkingDelta { content_index, delta });
                    }
                    content.push(compat::thinking(t, signature));
                }
                if let Some(t) = text {
                    let content_index = content.len();
                    for delta in halves(&t) {
                        let _ = tx.send(StreamEvent::TextDelta { content_index, delta });
                    }
                    content.push(Content::Text { text: t });
                }
                for Call { id, name, args, metadata } in calls {
                    let content_index = content.len();
                    let _ = tx.send(StreamEvent::ToolCallStart { content_index, id: id.into(), name: name.into() });
                    for delta in halves(&args) {
                        let _ = tx.send(StreamEvent::ToolCallDelta { content_index, delta });
                    }
                    let _ = tx.send(StreamEvent::ToolCallEnd { content_index });
                    content.push(compat::tool_call(id, name, compat::parse_args(&args), metadata));
                }
                let stop_reason = match stop {
                    Stop::Stop => y::types::StopReason::Stop,
                    Stop::ToolUse => y::types::StopReason::ToolUse,
                    Stop::Length => y::types::StopReason::Length,
                    Stop::Refusal => y::types::StopReason::Refusal,
                    Stop::Error => y::types::StopReason::Error,
                    Stop::GuardRail => unreachable!("yoagent has no guardRail"),
                };
                let is_error = matches!(stop, Stop::Error);
                let message = compat::assistant(content, stop_reason, MODEL, PROVIDER, usage(n), error);
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
/// A tool with a long output (200 numbered lines), for compaction.
struct Dump;

#[async_trait::async_trait]
impl AgentTool for Dump {
    fn name(&self) -> &str {
        "dump"
    }
    fn label(&self) -> &str {
        "Dump"
    }
    fn description(&self) -> &str {
        "Prints a long log."
    }
    fn parameters_schema(&self) -> Value {
        json!({"type": "object", "properties": {"part": {"type": "integer"}}})
    }
    async fn execute(&self, params: Value, _ctx: ToolContext) -> Result<ToolResult, ToolError> {
        let part = params["part"].as_u64().unwrap_or(0);
        // `blocks` (generated compaction cases): one text block per entry, that many lines.
        let blocks: Vec<u64> = match params["blocks"].as_array() {
            Some(b) => b.iter().map(|n| n.as_u64().unwrap_or(0)).collect(),
            None => vec![200],
        };
        let content = blocks.iter().map(|&n| {
            let text = (1..=n).map(|i| format!("part {part} line {i:03}: lorem ipsum dolor sit amet \u{e9}")).collect::<Vec<_>>().join("\n");
            Content::Text { text }
        }).collect();
        Ok(ToolResult { content, details: Value::Null })
    }
}

/// A tool during which the user presses stop: it cancels the run's token from its context.
struct StopButton;

#[async_trait::async_trait]
impl AgentTool for StopButton {
    fn name(&self) -> &str {
        "long_task"
    }
    fn label(&self) -> &str {
        "Long task"
    }
    fn description(&self) -> &str {
        "Runs until the user presses stop."
    }
    fn parameters_schema(&self) -> Value {
        json!({"type": "object"})
    }
    async fn execute(&self, _params: Value, ctx: ToolContext) -> Result<ToolResult, ToolError> {
        ctx.cancel.cancel();
        Ok(ToolResult { content: vec![Content::Text { text: "stopped by the user".into() }], details: Value::Null })
    }
}

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
        Ok(ToolResult {
            content: vec![Content::Text { text: format!("received {}", serde_json::to_string(&params).unwrap()) }],
            details: json!({"ratio": 0.9808861679331449_f64, "echo": params}),
        })
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
        Ok(ToolResult {
            content: vec![
                Content::Text { text: "captured 1x1".into() },
                Content::Image { data: crate::PNG_1X1.into(), mime_type: "image/png".into() },
            ],
            details: Value::Null,
        })
    }
}

fn all_tools() -> Vec<Box<dyn AgentTool>> {
    vec![Box::new(Probe), Box::new(Failing), Box::new(Snapshot), Box::new(StopButton), Box::new(Dump)]
}

fn base_agent(replies: Vec<Reply>) -> y::Agent {
    #[allow(deprecated)]
    let agent = y::Agent::new(Scripted::new(replies))
        .with_model(MODEL)
        .with_api_key("scripted-key")
        .with_system_prompt("You are a scripted test agent.")
        .with_tools(all_tools())
        .with_tool_execution(y::types::ToolExecutionStrategy::Sequential)
        .with_retry_config(compat::fast_retry());
    agent
}

/// Run one prompt (text or messages), collecting every event as serde_json text.
async fn prompt(agent: &mut y::Agent, input: Vec<AgentMessage>, events: &mut Vec<String>) {
    prompt_abortable(agent, input, events, false).await
}

/// `abort_on_text`: the user calls `agent.abort()` once the first text delta has arrived.
async fn prompt_abortable(agent: &mut y::Agent, input: Vec<AgentMessage>, events: &mut Vec<String>, abort_on_text: bool) {
    crate::record_history_before_run(agent.save_messages().expect("save_messages"));
    let mut rx = agent.prompt_messages(input).await;
    let mut aborted = false;
    while let Some(event) = rx.recv().await {
        if abort_on_text && !aborted && matches!(event, AgentEvent::MessageUpdate { .. }) {
            agent.abort();
            aborted = true;
        }
        if let Some(line) = compat::event_json(&event) {
            events.push(line);
        }
        let _: &AgentEvent = &event;
    }
    agent.finish().await;
    crate::record_history_after_run(agent.save_messages().expect("save_messages"));
}

fn user(text: &str) -> Vec<AgentMessage> {
    vec![AgentMessage::Llm(Message::user(text))]
}

fn restore_save(saved: &str) -> Result<String, String> {
    let mut fresh = base_agent(vec![]);
    fresh.restore_messages(saved).map_err(|e| e.to_string())?;
    fresh.save_messages().map_err(|e| e.to_string())
}

fn finish(scenario: &'static str, description: &'static str, agent: &y::Agent, events: Vec<String>,
          session_jsonl: Option<String>, mut extra: Value) -> RunOutput {
    crate::take_history_around_runs(&mut extra);
    let messages = agent.save_messages().expect("save_messages");
    let restore_save = restore_save(&messages);
    RunOutput {
        crate_name: "yoagent",
        version: compat::VERSION,
        scenario,
        description,
        messages,
        restore_save,
        events: if compat::EVENTS_SERIALIZABLE { Some(events) } else { None },
        session_jsonl,
        session_json: None,
        extra,
    }
}

fn sig(s: &str) -> Option<String> {
    Some(s.to_string())
}

async fn thinking_tools() -> RunOutput {
    let mut probe = crate::call("call_probe_1", "probe", crate::PROBE_ARGS);
    probe.metadata = Some(json!({"thought_signature": "Gx9\u{fc}sig==", "ratio": 0.9808861679331449_f64}));
    let replies = vec![
        tools(
            vec![("I should probe with awkward numbers.".into(), sig("EqQBCkgIARABGAIiQJ1+sig/0=="))],
            Some("Let me check a few things \u{1F50D}."),
            vec![
                probe,
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
    let mut agent = base_agent(replies).with_thinking(y::types::ThinkingLevel::Medium);
    let mut events = Vec::new();
    prompt(&mut agent, user("Probe the system, write a file, take a screenshot."), &mut events).await;
    finish("thinking-tools",
           "thinking with signatures; tool calls with awkward argument text (nested, unicode, escapes, 17-digit floats, u64 max, i64 min, 1e300, -0.0, beyond u64, truncated JSON), provider metadata; a tool that succeeds, one that fails, one returning an image, an unknown tool",
           &agent, events, None, json!({}))
}

async fn provider_errors() -> RunOutput {
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
    let mut agent = base_agent(replies).with_retry_config(y::RetryConfig::none());
    let mut events = Vec::new();
    prompt(&mut agent, user("First try."), &mut events).await;
    prompt(&mut agent, user("Second try."), &mut events).await;
    prompt(&mut agent, user("Third try."), &mut events).await;
    finish("provider-errors",
           "a provider error returned as Err (non-retryable API error), then an error message the stream itself returned (stopReason error with errorMessage), then a normal answer",
           &agent, events, None, json!({}))
}

async fn retry() -> RunOutput {
    let replies = vec![
        Reply::Fail(Failure::RateLimited(1)),
        Reply::Fail(Failure::Network("connection reset by peer".into())),
        text("Answer after two retried failures."),
    ];
    let mut agent = base_agent(replies);
    let mut events = Vec::new();
    prompt(&mut agent, user("Retry me."), &mut events).await;
    finish("retry", "a rate limit and a network error, both retried by the loop (ProviderRetry events), then an answer",
           &agent, events, None, json!({}))
}

async fn cancel() -> RunOutput {
    let replies = vec![
        tools(vec![], None, vec![crate::call("call_probe_1", "probe", r#"{"step":1}"#)]),
        Reply::Cancel { partial: "I was about to say".into() },
        text("Resumed after the cancelled turn."),
    ];
    let mut agent = base_agent(replies);
    let mut events = Vec::new();
    prompt(&mut agent, user("Start something long."), &mut events).await;
    prompt(&mut agent, user("Go on."), &mut events).await;
    finish("cancel", "a tool turn, then the run is cancelled mid-stream (the run's token is cancelled while text streams), then a new prompt",
           &agent, events, None, json!({}))
}

async fn abort() -> RunOutput {
    let replies = vec![
        Reply::AwaitAbort { partial: "Thinking out loud, slowly".into() },
        tools(vec![], None, vec![crate::call("call_long_1", "long_task", "{}")]),
        text("After the long task."),
        text("Once more: done."),
    ];
    let mut agent = base_agent(replies);
    let mut events = Vec::new();
    prompt_abortable(&mut agent, user("Take your time."), &mut events, true).await;
    prompt(&mut agent, user("Run the long task."), &mut events).await;
    prompt(&mut agent, user("Once more."), &mut events).await;
    finish("abort",
           "agent.abort() called by the user while text streams (the provider waits on the token), then a tool that cancels the token in its ToolContext (whether that stops the run depends on the revision), then a new prompt",
           &agent, events, None, json!({}))
}

async fn refusal() -> RunOutput {
    let replies = vec![Reply::Answer {
        thinking: vec![],
        text: Some("I can't help with".into()),
        calls: vec![],
        stop: Stop::Refusal,
        error: Some("The request was declined by the provider's safety system.".into()),
    }];
    let mut agent = base_agent(replies);
    let mut events = Vec::new();
    prompt(&mut agent, user("Something the model refuses."), &mut events).await;
    finish("refusal", "an answer with stopReason refusal and an errorMessage", &agent, events, None, json!({}))
}

async fn extension() -> RunOutput {
    let replies = vec![
        text("Noted."),
        Reply::Answer { thinking: vec![], text: Some("This answer was cut at max_tok".into()), calls: vec![],
                        stop: Stop::Length, error: None },
    ];
    let mut agent = base_agent(replies);
    agent.append_message(compat::custom("session.start", crate::extension_data()));
    let mut events = Vec::new();
    prompt(&mut agent, user("Hello."), &mut events).await;
    agent.append_message(compat::custom("ui.note", json!("plain string data")));
    // A prompt made of an extension record plus a user message.
    let input = vec![compat::custom("ui.attachment", json!({"bytes": 12, "name": "n\u{e4}me.txt"})),
                     AgentMessage::Llm(Message::user("Write a long answer."))];
    prompt(&mut agent, input, &mut events).await;
    finish("extension",
           "extension (custom) records appended to the history and sent with a prompt, holding Rust-literal floats (0.9808861679331449 is held correctly rounded, so a restore can change it), u64 max, i64 min, 1e300, -0.0; an answer stopped by length",
           &agent, events, None, json!({}))
}

async fn session() -> RunOutput {
    let replies = vec![
        tools(vec![], Some("Probing."), vec![crate::call("call_probe_1", "probe", r#"{"ratio":0.9808861679331449,"n":-0.0}"#)]),
        text("First branch, answer one."),
        text("First branch, answer two."),
        text("Second branch (forked at the checkpoint)."),
    ];
    let mut agent = base_agent(replies).without_context_management();
    let mut session = y::session::Session::new();
    session.append(compat::custom("session.start", crate::extension_data()));
    agent.replace_messages(session.path_messages());
    let mut events = Vec::new();
    prompt(&mut agent, user("Probe once."), &mut events).await;
    session.append_new(agent.messages()).expect("append_new");
    session.checkpoint("after-probe").expect("checkpoint");
    prompt(&mut agent, user("Continue on branch one."), &mut events).await;
    session.append_new(agent.messages()).expect("append_new");
    let branch_one_head = session.head().map(str::to_string);
    session.seek_checkpoint("after-probe").expect("seek_checkpoint");
    agent.replace_messages(session.path_messages());
    prompt(&mut agent, user("Take the other road."), &mut events).await;
    session.append_new(agent.messages()).expect("append_new");
    session.checkpoint("branch-two").expect("checkpoint");
    let jsonl = session.to_jsonl();
    let session_restore_save = y::session::Session::from_jsonl(&jsonl).map(|s| s.to_jsonl()).map_err(|e| e.to_string());
    let mut extra = json!({
        "branch_tips": session.branch_tips(),
        "branch_one_head": branch_one_head,
        "head": session.head(),
    });
    match session_restore_save {
        Ok(bytes) => extra["session_restore_save"] = Value::String(bytes),
        Err(e) => extra["session_restore_error"] = Value::String(e),
    }
    finish("session",
           "Session API: an extension record, a tool run, a checkpoint, a second prompt, then seek_checkpoint and a forked branch; messages.json is the agent's history on the fork",
           &agent, events, Some(jsonl), extra)
}

async fn compaction() -> RunOutput {
    let dump = |id: &'static str, part: u32| tools(vec![], Some("Reading more."), vec![crate::call(id, "dump", &format!("{{\"part\":{part}}}"))]);
    let replies = vec![
        dump("call_dump_1", 1),
        dump("call_dump_2", 2),
        dump("call_dump_3", 3),
        text("Summary: the logs repeat."),
        dump("call_dump_4", 4),
        text("Still repeating."),
    ];
    let mut config = y::context::ContextConfig::default();
    config.max_context_tokens = 450;
    config.system_prompt_tokens = 50;
    config.keep_recent = 2;
    config.keep_first = 1;
    config.tool_output_max_lines = 6;
    // Through a Value: its map is sorted, so the override HashMap's order does not vary per run.
    let context_config = serde_json::to_value(&config).expect("ContextConfig").to_string();
    let mut agent = base_agent(replies).with_context_config(config);
    let mut events = Vec::new();
    prompt(&mut agent, user("Read the logs, part by part."), &mut events).await;
    prompt(&mut agent, user("One more part."), &mut events).await;
    finish("compaction",
           "the built-in DefaultCompaction with a tiny context budget (450 tokens, tool outputs cut to 6 lines, keep_first 1, keep_recent 2) over long tool outputs: what compaction leaves in the saved history",
           &agent, events, None, json!({"context_config": context_config}))
}

async fn limits() -> RunOutput {
    let replies = (1..=4)
        .map(|i| tools(vec![], None, vec![crate::call(["call_a", "call_b", "call_c", "call_d"][i - 1], "probe", &format!("{{\"turn\":{i}}}"))]))
        .collect();
    let mut limits = y::context::ExecutionLimits::default();
    limits.max_turns = 2;
    let mut agent = base_agent(replies).with_execution_limits(limits);
    let mut events = Vec::new();
    prompt(&mut agent, user("Keep calling tools."), &mut events).await;
    finish("limits", "ExecutionLimits max_turns 2 against a model that keeps calling tools: the loop's stop marker in the history",
           &agent, events, None, json!({}))
}

async fn loop_detection() -> RunOutput {
    let replies = (0..6)
        .map(|i| tools(vec![], None, vec![crate::call(["call_1", "call_2", "call_3", "call_4", "call_5", "call_6"][i], "probe", r#"{"same":true}"#)]))
        .collect();
    let mut agent = base_agent(replies);
    let mut events = Vec::new();
    prompt(&mut agent, user("Call the same tool forever."), &mut events).await;
    finish("loop-detection",
           "the default ExecutionLimits (3 consecutive identical tool calls) against a model repeating one call: the loop's nudge and stop",
           &agent, events, None, json!({}))
}

async fn steering() -> RunOutput {
    let replies = vec![
        tools(vec![], Some("Probing first."), vec![crate::call("call_probe_1", "probe", r#"{"n":1}"#)]),
        text("Switched to the screenshot plan."),
        text("Summary, as asked in the follow-up."),
    ];
    let mut agent = base_agent(replies);
    // Queued before the run: the loop takes steering messages after the tool turn and follow-up
    // messages when the run would otherwise end.
    agent.steer(AgentMessage::Llm(Message::user("Steering: use the screenshot instead.")));
    agent.follow_up(AgentMessage::Llm(Message::user("Follow-up: now summarize.")));
    let mut events = Vec::new();
    prompt(&mut agent, user("Investigate."), &mut events).await;
    finish("steering", "a steering message and a follow-up message queued with steer() / follow_up(), taken by the loop mid-run",
           &agent, events, None, json!({}))
}

pub async fn run_all(out: &Path) {
    let mut runs = vec![
        steering().await,
        compaction().await,
        limits().await,
        thinking_tools().await,
        provider_errors().await,
        retry().await,
        cancel().await,
        abort().await,
        refusal().await,
        extension().await,
        session().await,
    ];
    if compat::LOOP_DETECTION {
        runs.push(loop_detection().await);
    }
    for run in runs {
        crate::write_run(out, run);
    }
    compat::configs(out);
}


// ---------------------------------------------------------------------------------------------
// Generated compaction cases (`loops --compaction <crate-version>`, tests/test_compaction_interop.py).

/// A scripted reply from a case: `{"thinking": [..], "text": .., "calls": [[id, name, args], ..]}`.
#[allow(dead_code)] // yoagent 0.12 includes this driver too but runs no cases
fn case_reply(reply: &Value) -> Reply {
    let calls: Vec<Call> = reply["calls"].as_array().map(|c| c.iter().map(|call| {
        let id: &'static str = Box::leak(call[0].as_str().expect("call id").to_string().into_boxed_str());
        let name: &'static str = Box::leak(call[1].as_str().expect("call name").to_string().into_boxed_str());
        crate::call(id, name, call[2].as_str().expect("call args"))
    }).collect()).unwrap_or_default();
    let thinking = reply["thinking"].as_array().map(|t| t.iter().map(|x| (x.as_str().unwrap_or("").to_string(), None)).collect()).unwrap_or_default();
    let stop = if calls.is_empty() { Stop::Stop } else { Stop::ToolUse };
    Reply::Answer { thinking, text: reply["text"].as_str().map(Into::into), calls, stop, error: None }
}

/// One case: `{"mode": "loop", "config": <ContextConfig text>, "replies": [..], "prompts": [..]}`
/// runs the real Agent (one run per prompt) and answers `{"events": [..], "messages": ..}`;
/// `{"mode": "compact", "config": .., "messages": <saved history>}` answers the history
/// `context::compact_messages` returns, as `save_messages` would write it.
#[allow(dead_code)]
pub async fn compaction_case(case: &Value) -> Value {
    let config: y::context::ContextConfig =
        serde_json::from_str(case["config"].as_str().expect("config")).expect("ContextConfig");
    if case["mode"] == "compact" {
        let messages: Vec<AgentMessage> =
            serde_json::from_str(case["messages"].as_str().expect("messages")).expect("messages");
        let out = y::context::compact_messages(messages, &config);
        return json!({"messages": serde_json::to_string(&out).expect("messages")});
    }
    let replies = case["replies"].as_array().expect("replies").iter().map(case_reply).collect();
    let mut agent = base_agent(replies).with_context_config(config);
    let mut events = Vec::new();
    for p in case["prompts"].as_array().expect("prompts") {
        prompt(&mut agent, user(p.as_str().expect("prompt")), &mut events).await;
    }
    crate::take_history_around_runs(&mut json!({}));
    json!({"events": events, "messages": agent.save_messages().expect("save_messages")})
}
