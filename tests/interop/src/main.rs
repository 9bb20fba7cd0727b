//! Reads JSON lines `{"dialect": "yoagent@0.18.0", "doc": "...", "kind": "conversation"|"session"}`
//! and answers one line each: `{"ok": true, "out": "..."}` or `{"ok": false, "error": "..."}`,
//! doing exactly what `restore_messages()` then `save_messages()` do (for sessions:
//! `Session::from_jsonl()` then `to_jsonl()`).
//!
//! Compiled twice: by tests/interop (serde_json 1.0.146, yoagent 0.18.0) and as the
//! `conversation` bin of tests/interop-latest (serde_json 1.0.154, yoagent 0.18.1). A request
//! naming the 0.18.x release the other build has is refused; `{"kind": "versions"}` lists what
//! this build answers for and how its serde_json writes 1e16.

use serde_json::{json, Value};
use std::io::{self, BufRead, Write};

macro_rules! messages {
    ($ty:ty, $doc:expr) => {{
        match serde_json::from_str::<Vec<$ty>>($doc) {
            Ok(msgs) => match serde_json::to_string(&msgs) {
                Ok(out) => json!({"ok": true, "out": out}),
                Err(e) => json!({"ok": false, "error": e.to_string()}),
            },
            Err(e) => json!({"ok": false, "error": e.to_string()}),
        }
    }};
}

macro_rules! session {
    ($krate:ident, $doc:expr) => {{
        match $krate::session::Session::from_jsonl($doc) {
            Ok(s) => json!({"ok": true, "out": s.to_jsonl()}),
            Err(e) => json!({"ok": false, "error": e.to_string()}),
        }
    }};
}

/// The yoagent 0.18.x release this build links (the package name tells the two builds apart).
fn yoagent_0_18_version() -> &'static str {
    if env!("CARGO_PKG_NAME") == "interop-latest" {
        "yoagent@0.18.1"
    } else {
        "yoagent@0.18.0"
    }
}

const VERSIONS: [&str; 10] = [
    "yoagent@0.4.0",
    "yoagent@0.8.0",
    "yoagent@0.12.0",
    "yoagent@0.13.0",
    "yoagent@0.18.x",
    "yoagent@0.26.6",
    "phi-core@0.7.0",
    "phi-core@0.8.0",
    "phi-core@0.10.0",
    "phi-core@0.15.2",
];

fn canonical(dialect: &str) -> &str {
    if dialect == yoagent_0_18_version() {
        return "yoagent@0.18.x";
    }
    match dialect {
        "yoagent@0.4" => "yoagent@0.4.0",
        "yoagent@0.8" => "yoagent@0.8.0",
        "yoagent@0.9" => "yoagent@0.12.0",
        "yoagent@0.13" => "yoagent@0.18.x",
        "yoagent@0.22" | "yoagent@latest" => "yoagent@0.26.6",
        "phi-core@0.7" => "phi-core@0.7.0",
        "phi-core@0.8" => "phi-core@0.8.0",
        "phi-core@0.9" => "phi-core@0.10.0",
        "phi-core@latest" => "phi-core@0.15.2",
        other => other,
    }
}

fn run(dialect: &str, kind: &str, doc: &str) -> Value {
    if kind == "versions" {
        let names: Vec<&str> = VERSIONS
            .iter()
            .map(|v| if *v == "yoagent@0.18.x" { yoagent_0_18_version() } else { v })
            .collect();
        // How this build's serde_json writes 1e16: `1e16` (ryu, <= 1.0.146) or `1e+16` (zmij).
        let layout = serde_json::to_string(&1e16_f64).unwrap_or_default();
        return json!({"ok": true, "out": names, "float_layout": layout});
    }
    match (canonical(dialect), kind) {
        ("yoagent@0.4.0", "conversation") => messages!(yoagent_0_4::types::AgentMessage, doc),
        ("yoagent@0.8.0", "conversation") => messages!(yoagent_0_8::types::AgentMessage, doc),
        ("yoagent@0.12.0", "conversation") => messages!(yoagent_0_12::types::AgentMessage, doc),
        ("yoagent@0.13.0", "conversation") => messages!(yoagent_0_13::types::AgentMessage, doc),
        ("yoagent@0.18.x", "conversation") => messages!(yoagent_0_18::types::AgentMessage, doc),
        ("yoagent@0.26.6", "conversation") => messages!(yoagent_latest::types::AgentMessage, doc),
        ("phi-core@0.7.0", "conversation") => {
            messages!(phi_core_0_7::types::agent_message::AgentMessage, doc)
        }
        ("phi-core@0.8.0", "conversation") => {
            messages!(phi_core_0_8::types::agent_message::AgentMessage, doc)
        }
        ("phi-core@0.10.0", "conversation") => {
            messages!(phi_core_0_10::types::agent_message::AgentMessage, doc)
        }
        ("phi-core@0.15.2", "conversation") => {
            messages!(phi_core_latest::types::agent_message::AgentMessage, doc)
        }
        ("yoagent@0.12.0", "session") => session!(yoagent_0_12, doc),
        ("yoagent@0.13.0", "session") => session!(yoagent_0_13, doc),
        ("yoagent@0.18.x", "session") => session!(yoagent_0_18, doc),
        ("yoagent@0.26.6", "session") => session!(yoagent_latest, doc),
        (d, k) => json!({"ok": false, "error": format!("harness: no {k} support for {d}")}),
    }
}

fn main() {
    let stdin = io::stdin();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for line in stdin.lock().lines() {
        let line = match line {
            Ok(l) => l,
            Err(_) => break,
        };
        if line.trim().is_empty() {
            continue;
        }
        let answer = match serde_json::from_str::<Value>(&line) {
            Ok(req) => {
                let dialect = req["dialect"].as_str().unwrap_or("");
                let kind = req["kind"].as_str().unwrap_or("conversation");
                let doc = req["doc"].as_str().unwrap_or("");
                run(dialect, kind, doc)
            }
            Err(e) => json!({"ok": false, "error": format!("harness: bad request: {e}")}),
        };
        writeln!(out, "{answer}").ok();
        out.flush().ok();
    }
}
