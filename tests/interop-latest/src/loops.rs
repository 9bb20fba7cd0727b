//! `loops OUT_DIR`: runs each crate's REAL agent loop with a scripted streaming provider and real
//! tools, and writes what the crates themselves write (ground truth for fixtures/real/):
//!
//!   OUT_DIR/<crate>-<version>/<scenario>/messages.json   exactly what save_messages() returned
//!   OUT_DIR/<crate>-<version>/<scenario>/events.jsonl    every AgentEvent, serde_json::to_string,
//!                                                        one per line (where AgentEvent is Serialize)
//!   OUT_DIR/<crate>-<version>/<scenario>/session.jsonl   yoagent Session::to_jsonl() (session runs)
//!   OUT_DIR/<crate>-<version>/<scenario>/session.json    phi-core SessionRecorder + save_session()
//!   OUT_DIR/<crate>-<version>/<scenario>/meta.json       crate, version, serde_json, scenario,
//!                                                        description, restore_save (the bytes a
//!                                                        restore_messages() + save_messages() of
//!                                                        messages.json writes), ...
//!   OUT_DIR/<crate>-<version>/config/<Type>-<variant>.json   serde_json::to_string of config types
//!
//! The provider is the crate's own `StreamProvider` trait implemented over a script: it streams
//! deltas (thinking, text, tool-call argument text) and returns the assembled message the way the
//! crates' HTTP providers do (argument text is parsed with serde_json, like theirs). Nothing here
//! fakes the loop: tool execution, error and cancellation handling, message assembly, sessions and
//! serialization are the crates' code.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The serde_json this package resolves (Cargo.lock); recorded in every meta.json.
pub const SERDE_JSON: &str = "1.0.154";

/// Tool-call argument text as a provider streams it: nested objects, unicode, escapes, a 17-digit
/// float that serde_json's default parser rounds differently from a correct parse
/// (0.9808861679331449), u64 max, i64 min, 1e300, -0.0, an integer beyond u64, ...
pub const PROBE_ARGS: &str = concat!(
    r#"{"path":"/tmp/\u00fcber/na\u00efve \"quoted\" back\\slash","#,
    r#""nested":{"list":[1,-2,3.5,{"deep":[true,false,null]}],"empty":{},"emptyList":[]},"#,
    r#""text":"line1\nline2\ttab \u00e9 \ud83d\ude00 😀 \u0001 \u2028 end","#,
    r#""ratio":0.9808861679331449,"point3":0.30000000000000004,"#,
    r#""u64max":18446744073709551615,"i64min":-9223372036854775808,"#,
    r#""huge":1e300,"negzero":-0.0,"beyondU64":18446744073709551616,"#,
    r#""big":1.2345678901234567e20,"tiny":5e-324,"one":1.0,"exp":1E+2,"frac":1.5e-7}"#
);

/// Argument text a provider cut off mid-stream (not valid JSON).
pub const TRUNCATED_ARGS: &str = r#"{"path":"/tmp/partial","ratio":0.98088616"#;

/// A 1x1 transparent PNG, base64.
pub const PNG_1X1: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/// Why a scripted answer stopped.
#[derive(Clone, Debug)]
pub enum Stop {
    Stop,
    ToolUse,
    Length,
    Refusal,
    GuardRail,
    Error,
}

/// One tool call of a scripted answer; `args` is the raw argument text the provider streams.
#[derive(Clone, Debug)]
pub struct Call {
    pub id: &'static str,
    pub name: &'static str,
    pub args: String,
    pub metadata: Option<Value>,
}

pub fn call(id: &'static str, name: &'static str, args: &str) -> Call {
    Call { id, name, args: args.to_string(), metadata: None }
}

/// What the scripted provider does on one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Stream and return an assistant message.
    Answer {
        thinking: Vec<(String, Option<String>)>,
        text: Option<String>,
        calls: Vec<Call>,
        stop: Stop,
        error: Option<String>,
    },
    /// Fail the request (the provider returns `Err(ProviderError::..)`).
    Fail(Failure),
    /// Stream some text, then the user cancels (the run's token is cancelled) and the provider
    /// returns `Err(ProviderError::Cancelled)` as the crates' providers do.
    Cancel { partial: String },
    /// Stream some text, then wait until the run is cancelled from outside (`agent.abort()`),
    /// returning `Err(ProviderError::Cancelled)` like the crates' SSE providers.
    AwaitAbort { partial: String },
}

#[derive(Clone, Debug)]
pub enum Failure {
    Api(String),
    Network(String),
    RateLimited(u64),
}

pub fn text(t: &str) -> Reply {
    Reply::Answer { thinking: vec![], text: Some(t.into()), calls: vec![], stop: Stop::Stop, error: None }
}

pub fn tools(thinking: Vec<(String, Option<String>)>, t: Option<&str>, calls: Vec<Call>) -> Reply {
    Reply::Answer { thinking, text: t.map(Into::into), calls, stop: Stop::ToolUse, error: None }
}

/// Split a string into two streamed deltas (at a char boundary).
pub fn halves(s: &str) -> Vec<String> {
    let mut mid = s.len() / 2;
    while !s.is_char_boundary(mid) {
        mid += 1;
    }
    [&s[..mid], &s[mid..]].iter().filter(|p| !p.is_empty()).map(|p| p.to_string()).collect()
}

/// Custom/extension record data with Rust literals: held in memory correctly rounded, so a
/// restore (serde_json's default, not correctly rounded parse) can change the 17-digit float.
pub fn extension_data() -> Value {
    json!({
        "ratio": 0.9808861679331449_f64,
        "nested": {"u64max": u64::MAX, "i64min": i64::MIN, "huge": 1e300, "negzero": -0.0_f64,
                   "tiny": 5e-324_f64, "big": 1.2345678901234567e20_f64},
        "unicode": "\u{fc}ber \u{1F600} \"q\" \\ \n",
        "list": [1, 2.5, null, true]
    })
}

/// Everything one scenario run produced.
pub struct RunOutput {
    pub crate_name: &'static str,
    pub version: &'static str,
    pub scenario: &'static str,
    pub description: &'static str,
    pub messages: String,
    pub restore_save: Result<String, String>,
    pub events: Option<Vec<String>>,
    pub session_jsonl: Option<String>,
    pub session_json: Option<String>,
    pub extra: Value,
}

/// `save_messages()` before and after each prompt of the scenario being run: the history each
/// run started from, as the app held it, and the history the run left (before the app changes it
/// again). Taken into meta.json's `history_before_runs` / `history_after_runs` by each `finish`.
pub static HISTORY_AROUND_RUNS: std::sync::Mutex<(Vec<String>, Vec<String>)> =
    std::sync::Mutex::new((Vec::new(), Vec::new()));

pub fn record_history_before_run(saved: String) {
    HISTORY_AROUND_RUNS.lock().expect("history lock").0.push(saved);
}

pub fn record_history_after_run(saved: String) {
    HISTORY_AROUND_RUNS.lock().expect("history lock").1.push(saved);
}

/// Put the histories recorded around this scenario's runs into its `extra` (and forget them).
pub fn take_history_around_runs(extra: &mut Value) {
    let (before, after) = std::mem::take(&mut *HISTORY_AROUND_RUNS.lock().expect("history lock"));
    extra["history_before_runs"] = json!(before);
    extra["history_after_runs"] = json!(after);
}

pub fn write_run(out: &Path, run: RunOutput) {
    let dir = out.join(format!("{}-{}", run.crate_name, run.version)).join(run.scenario);
    std::fs::create_dir_all(&dir).expect("create scenario dir");
    std::fs::write(dir.join("messages.json"), &run.messages).expect("write messages.json");
    if let Some(events) = &run.events {
        let mut text = events.join("\n");
        text.push('\n');
        std::fs::write(dir.join("events.jsonl"), text).expect("write events.jsonl");
    }
    if let Some(s) = &run.session_jsonl {
        std::fs::write(dir.join("session.jsonl"), s).expect("write session.jsonl");
    }
    if let Some(s) = &run.session_json {
        std::fs::write(dir.join("session.json"), s).expect("write session.json");
    }
    let mut meta = json!({
        "crate": run.crate_name,
        "version": run.version,
        "serde_json": SERDE_JSON,
        "scenario": run.scenario,
        "description": run.description,
        "events_serializable": run.events.is_some(),
    });
    match run.restore_save {
        Ok(bytes) => meta["restore_save"] = Value::String(bytes),
        Err(e) => meta["restore_error"] = Value::String(e),
    }
    if let Value::Object(extra) = run.extra {
        for (k, v) in extra {
            meta[k] = v;
        }
    }
    // A session re-save identical to the file is recorded as such, not repeated.
    let session_text = run.session_jsonl.as_ref().or(run.session_json.as_ref());
    if let (Some(text), Some(again)) = (session_text, meta.get("session_restore_save").and_then(Value::as_str)) {
        let identical = text == again;
        meta["session_restore_identical"] = Value::Bool(identical);
        if identical {
            meta.as_object_mut().unwrap().remove("session_restore_save");
        }
    }
    let mut text = serde_json::to_string_pretty(&meta).expect("meta");
    text.push('\n');
    std::fs::write(dir.join("meta.json"), text).expect("write meta.json");
}

/// Write `config/<Type>-<variant>.json` with the crate's own `serde_json::to_string` bytes.
pub fn write_config(out: &Path, crate_name: &str, version: &str, ty: &str, variant: &str, bytes: String) {
    let dir = out.join(format!("{crate_name}-{version}")).join("config");
    std::fs::create_dir_all(&dir).expect("create config dir");
    std::fs::write(dir.join(format!("{ty}-{variant}.json")), bytes).expect("write config");
}

/// A non-default value of a config type: the default's serialization with `patch` applied to
/// the keys the default has, objects merged key by key (so one patch serves every revision),
/// read back by the crate's own Deserialize and written again by its Serialize.
pub fn patched<T: serde::Serialize + serde::de::DeserializeOwned>(default: &T, patch: &Value) -> T {
    let mut value = serde_json::to_value(default).expect("config to value");
    merge(&mut value, patch, true);
    serde_json::from_value(value).expect("patched config reads back")
}

/// Top level: only keys the revision has. Inside: merged, new keys (map entries) added.
fn merge(value: &mut Value, patch: &Value, top: bool) {
    if let (Value::Object(map), Value::Object(p)) = (value, patch) {
        for (k, v) in p {
            match map.get_mut(k) {
                Some(old @ Value::Object(_)) if v.is_object() => merge(old, v, false),
                Some(old) => *old = v.clone(),
                None if !top => {
                    map.insert(k.clone(), v.clone());
                }
                None => {}
            }
        }
    }
}

pub fn write_configs<C, S, X, L>(out: &Path, crate_name: &str, version: &str)
where
    C: serde::Serialize + serde::de::DeserializeOwned + Default,
    S: serde::Serialize + serde::de::DeserializeOwned + Default,
    X: serde::Serialize + serde::de::DeserializeOwned + Default,
    L: serde::Serialize + serde::de::DeserializeOwned + Default,
{
    let w = |ty: &str, variant: &str, bytes: String| write_config(out, crate_name, version, ty, variant, bytes);
    let cache = C::default();
    w("CacheConfig", "default", serde_json::to_string(&cache).unwrap());
    w("CacheConfig", "disabled", serde_json::to_string(&patched(&cache, &json!({"enabled": false, "strategy": "disabled"}))).unwrap());
    w("CacheConfig", "manual", serde_json::to_string(&patched(&cache, &json!({
        "strategy": {"manual": {"cache_system": true, "cache_tools": false, "cache_messages": true}},
        "session_key": "tenant-42/\u{fc}ber"}))).unwrap());
    let strategy = S::default();
    w("ToolExecutionStrategy", "default", serde_json::to_string(&strategy).unwrap());
    for (variant, v) in [("sequential", json!({"type": "sequential"})), ("parallel", json!({"type": "parallel"})),
                         ("batched", json!({"type": "batched", "size": 4}))] {
        let s: S = serde_json::from_value(v).expect("strategy");
        w("ToolExecutionStrategy", variant, serde_json::to_string(&s).unwrap());
    }
    let context = X::default();
    w("ContextConfig", "default", serde_json::to_string(&context).unwrap());
    w("ContextConfig", "custom", serde_json::to_string(&patched(&context, &json!({
        "max_context_tokens": 64000, "system_prompt_tokens": 1500, "keep_recent": 6, "keep_first": 1,
        "tool_output_max_lines": 80,
        "tool_output_max_lines_overrides": {"bash": 400, "read_file": 1200, "grep": 60},
        "compact_target_ratio": 0.85, "compact_headroom_turns": null,
        "truncate_tool_output_on_append": true,
        "compaction": {"compact_at_pct": 0.8, "keep_recent_turns": 4, "max_summary_tokens": 1500,
                       "focus_message": "keep the plan \u{2013} and the open questions"}}))).unwrap());
    let limits = L::default();
    w("ExecutionLimits", "default", serde_json::to_string(&limits).unwrap());
    w("ExecutionLimits", "custom", serde_json::to_string(&patched(&limits, &json!({
        "max_turns": 12, "max_total_tokens": 250000,
        "max_duration": {"secs": 90, "nanos": 500000000},
        "max_cost": 1.75, "max_consecutive_identical_tool_calls": 5}))).unwrap());
    w("ExecutionLimits", "unbounded", serde_json::to_string(&patched(&limits, &json!({
        "max_cost": null, "max_consecutive_identical_tool_calls": null}))).unwrap());
}

#[path = "loops/yoagent_26.rs"]
mod yoagent_26;
#[path = "loops/yoagent_18.rs"]
mod yoagent_18;
#[path = "loops/yoagent_12.rs"]
mod yoagent_12;
#[path = "loops/phi_core_15.rs"]
mod phi_core_15;
#[path = "loops/phi_core_8.rs"]
mod phi_core_8;

/// `loops --compaction CRATE-VERSION`: one JSON case per stdin line, one JSON answer per stdout
/// line (see `compaction_case` in loops/yoagent_common.rs).
async fn compaction_cases(version: &str) {
    use std::io::{BufRead, Write};
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout();
    for line in stdin.lock().lines() {
        let line = line.expect("stdin");
        if line.trim().is_empty() {
            continue;
        }
        let case: Value = serde_json::from_str(&line).expect("a JSON case");
        let answer = match version {
            "yoagent-0.26.6" => yoagent_26::compaction_case(&case).await,
            "yoagent-0.18.1" => yoagent_18::compaction_case(&case).await,
            other => json!({"error": format!("no compaction cases for {other}")}),
        };
        writeln!(stdout, "{}", serde_json::to_string(&answer).expect("answer")).expect("stdout");
        stdout.flush().expect("stdout");
    }
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("--compaction") {
        let version = std::env::args().nth(2).unwrap_or_default();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        runtime.block_on(compaction_cases(&version));
        return;
    }
    let out: PathBuf = match std::env::args_os().nth(1) {
        Some(dir) => dir.into(),
        None => {
            eprintln!("usage: loops OUT_DIR");
            std::process::exit(2);
        }
    };
    let only: Option<String> = std::env::args().nth(2);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        let want = |name: &str| only.as_deref().map_or(true, |o| o == name);
        if want("yoagent-0.26.6") {
            yoagent_26::run_all(&out).await;
        }
        if want("phi-core-0.15.2") {
            phi_core_15::run_all(&out).await;
        }
        if want("yoagent-0.18.1") {
            yoagent_18::run_all(&out).await;
        }
        if want("yoagent-0.12.0") {
            yoagent_12::run_all(&out).await;
        }
        if want("phi-core-0.8.0") {
            phi_core_8::run_all(&out).await;
        }
    });
}
