//! Restore and save the crates' other serializable types through their real Rust types.
//!
//! Reads JSON lines `{"crate_version": "yoagent@0.26.6", "type": "ExecutionLimits", "doc": "..."}`
//! and answers one line each: `{"ok": true, "out": "..."}` or `{"ok": false, "error": "..."}`:
//! `serde_json::from_str::<T>(doc)` then the writer the crate uses for that type
//! (`serde_json::to_string`, or `to_string_pretty` for a phi-core `Session`, which
//! `save_session` writes with `to_writer_pretty`).
//!
//! Types: `CacheConfig`, `ToolExecutionStrategy`, `ContextConfig`, `ExecutionLimits`,
//! `AgentEvent` (yoagent >= 0.13, phi-core), `Session` (phi-core).

use serde_json::{json, Value};
use std::io::{self, BufRead, Write};

macro_rules! compact {
    ($ty:ty, $doc:expr) => {{
        match serde_json::from_str::<$ty>($doc) {
            Ok(v) => match serde_json::to_string(&v) {
                Ok(out) => json!({"ok": true, "out": out}),
                Err(e) => json!({"ok": false, "error": format!("serialize: {e}")}),
            },
            Err(e) => json!({"ok": false, "error": e.to_string()}),
        }
    }};
}

macro_rules! pretty {
    ($ty:ty, $doc:expr) => {{
        match serde_json::from_str::<$ty>($doc) {
            Ok(v) => match serde_json::to_string_pretty(&v) {
                Ok(out) => json!({"ok": true, "out": out}),
                Err(e) => json!({"ok": false, "error": format!("serialize: {e}")}),
            },
            Err(e) => json!({"ok": false, "error": e.to_string()}),
        }
    }};
}

macro_rules! yoagent_configs {
    ($k:ident, $ty:expr, $doc:expr) => {
        match $ty {
            "CacheConfig" => Some(compact!($k::types::CacheConfig, $doc)),
            "ToolExecutionStrategy" => Some(compact!($k::types::ToolExecutionStrategy, $doc)),
            "ContextConfig" => Some(compact!($k::context::ContextConfig, $doc)),
            "ExecutionLimits" => Some(compact!($k::context::ExecutionLimits, $doc)),
            _ => None,
        }
    };
}

macro_rules! phi_configs {
    ($k:ident, $ty:expr, $doc:expr) => {
        match $ty {
            "CacheConfig" => Some(compact!($k::types::usage::CacheConfig, $doc)),
            "ToolExecutionStrategy" => Some(compact!($k::types::tool::ToolExecutionStrategy, $doc)),
            "ContextConfig" => Some(compact!($k::context::ContextConfig, $doc)),
            "ExecutionLimits" => Some(compact!($k::context::ExecutionLimits, $doc)),
            "AgentEvent" => Some(compact!($k::types::event::AgentEvent, $doc)),
            "Session" => Some(pretty!($k::session::Session, $doc)),
            _ => None,
        }
    };
}

fn run(crate_version: &str, ty: &str, doc: &str) -> Value {
    let answer = match crate_version {
        "yoagent@0.4.0" => yoagent_configs!(yoagent_0_4, ty, doc),
        "yoagent@0.8.0" => yoagent_configs!(yoagent_0_8, ty, doc),
        "yoagent@0.12.0" => yoagent_configs!(yoagent_0_12, ty, doc),
        "yoagent@0.15.0" => match ty {
            "AgentEvent" => Some(compact!(yoagent_0_15::types::AgentEvent, doc)),
            _ => yoagent_configs!(yoagent_0_15, ty, doc),
        },
        "yoagent@0.17.0" => match ty {
            "AgentEvent" => Some(compact!(yoagent_0_17::types::AgentEvent, doc)),
            _ => yoagent_configs!(yoagent_0_17, ty, doc),
        },
        "yoagent@0.13.0" => match ty {
            "AgentEvent" => Some(compact!(yoagent_0_13::types::AgentEvent, doc)),
            _ => yoagent_configs!(yoagent_0_13, ty, doc),
        },
        "yoagent@0.18.1" => match ty {
            "AgentEvent" => Some(compact!(yoagent_0_18::types::AgentEvent, doc)),
            _ => yoagent_configs!(yoagent_0_18, ty, doc),
        },
        "yoagent@0.26.6" => match ty {
            "AgentEvent" => Some(compact!(yoagent_latest::types::AgentEvent, doc)),
            _ => yoagent_configs!(yoagent_latest, ty, doc),
        },
        "phi-core@0.7.0" => phi_configs!(phi_core_0_7, ty, doc),
        "phi-core@0.8.0" => phi_configs!(phi_core_0_8, ty, doc),
        "phi-core@0.10.0" => phi_configs!(phi_core_0_10, ty, doc),
        "phi-core@0.15.2" => phi_configs!(phi_core_latest, ty, doc),
        _ => None,
    };
    answer.unwrap_or_else(|| {
        json!({"ok": false, "error": format!("harness: no {ty} support for {crate_version}")})
    })
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
                let crate_version = req["crate_version"].as_str().unwrap_or("");
                let ty = req["type"].as_str().unwrap_or("");
                let doc = req["doc"].as_str().unwrap_or("");
                run(crate_version, ty, doc)
            }
            Err(e) => json!({"ok": false, "error": format!("harness: bad request: {e}")}),
        };
        writeln!(out, "{answer}").ok();
        out.flush().ok();
    }
}
