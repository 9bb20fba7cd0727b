//! Ground truth for the exchange formats: what each crate's own OpenAI-compatible and Anthropic
//! providers put on the wire for a restored history.
//!
//! Reads jobs from standard input, a JSON array of `{"crate": "yoagent@0.26.6", "api":
//! "openai"|"anthropic", "history": "<saved conversation text>"}`. Starts one HTTP server on
//! 127.0.0.1 (an ephemeral port), points the crate's provider at it through `base_url`, restores
//! the history, prompts once with `PROMPT`, and captures the first request body the provider
//! sends. The server answers with a minimal valid streaming reply, so no retry happens.
//! Writes a JSON array of `{"body": <request JSON> | null, "error": "..." | null}`.

use std::io::Read;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

const PROMPT: &str = "NEXT PROMPT";
const SYSTEM: &str = "SYSTEM PROMPT";

const OPENAI_REPLY: &str = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":null}]}\n\n\
data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n\
data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}\n\n\
data: [DONE]\n\n";

const ANTHROPIC_REPLY: &str = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n\
event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n\
event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"ok\"}}\n\n\
event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n\
event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":1}}\n\n\
event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

async fn serve(listener: TcpListener, bodies: mpsc::UnboundedSender<Value>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { return };
        let bodies = bodies.clone();
        tokio::spawn(async move {
            let _ = answer(stream, bodies).await;
        });
    }
}

async fn answer(mut stream: TcpStream, bodies: mpsc::UnboundedSender<Value>) -> std::io::Result<()> {
    let mut data = Vec::new();
    let mut buf = [0u8; 65536];
    let header_end = loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(pos) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..header_end]).to_string();
    let length = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case("content-length").then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    while data.len() < header_end + length {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buf[..n]);
    }
    let body: Value = serde_json::from_slice(&data[header_end..header_end + length]).unwrap_or(Value::Null);
    let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
    let _ = bodies.send(json!({"path": path, "body": body}));
    let reply = if path.ends_with("/messages") { ANTHROPIC_REPLY } else { OPENAI_REPLY };
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n{reply}"
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

macro_rules! yoagent_capture {
    ($name:ident, $krate:ident) => {
        async fn $name(api: &str, history: &str, port: u16) -> Result<(), String> {
            use $krate::provider::ModelConfig;
            use $krate::Agent;
            let mut config = match api {
                "openai" => ModelConfig::openai("gpt-4o", "GPT-4o"),
                _ => ModelConfig::anthropic("claude-sonnet-4-20250514", "Claude Sonnet 4"),
            };
            config.base_url = format!("http://127.0.0.1:{port}/v1");
            let mut agent = Agent::from_config(config)
                .with_api_key("test-key")
                .with_system_prompt(SYSTEM);
            agent.restore_messages(history).map_err(|e| format!("restore: {e}"))?;
            let mut rx = agent.prompt(PROMPT).await;
            while rx.recv().await.is_some() {}
            agent.finish().await;
            Ok(())
        }
    };
}

yoagent_capture!(yoagent_latest, yoagent_latest);
yoagent_capture!(yoagent_0_18, yoagent_0_18);
yoagent_capture!(yoagent_0_12, yoagent_0_12);

macro_rules! phi_core_capture {
    ($name:ident, $krate:ident) => {
        async fn $name(api: &str, history: &str, port: u16) -> Result<(), String> {
            use $krate::provider::ModelConfig;
            use $krate::Agent as _;
            let mut config = match api {
                "openai" => ModelConfig::openai("gpt-4o", "GPT-4o", "test-key"),
                _ => ModelConfig::anthropic("claude-sonnet-4-20250514", "Claude Sonnet 4", "test-key"),
            };
            config.base_url = match api {
                "openai" => format!("http://127.0.0.1:{port}/v1"),
                _ => format!("http://127.0.0.1:{port}"), // 0.15 appends /v1/messages itself
            };
            let mut agent = $krate::BasicAgent::new(config).with_system_prompt(SYSTEM);
            agent.restore_messages(history).map_err(|e| format!("restore: {e}"))?;
            let mut rx = agent.prompt(PROMPT).await;
            while rx.recv().await.is_some() {}
            Ok(())
        }
    };
}

phi_core_capture!(phi_core_latest, phi_core_latest);
phi_core_capture!(phi_core_0_8, phi_core_0_8);

async fn run_job(job: &Value, port: u16) -> Result<(), String> {
    let krate = job["crate"].as_str().unwrap_or("");
    let api = job["api"].as_str().unwrap_or("");
    let history = job["history"].as_str().unwrap_or("[]");
    match krate {
        "yoagent@0.26.6" => yoagent_latest(api, history, port).await,
        "yoagent@0.18.1" => yoagent_0_18(api, history, port).await,
        "yoagent@0.12.0" => yoagent_0_12(api, history, port).await,
        "phi-core@0.15.2" => phi_core_latest(api, history, port).await,
        // phi-core 0.8's Anthropic provider ignores base_url (it would call the real API)
        "phi-core@0.8.0" if api == "openai" => phi_core_0_8(api, history, port).await,
        other => Err(format!("unknown crate {other}")),
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).expect("stdin");
    let jobs: Vec<Value> = serde_json::from_str(&input).expect("a JSON array of jobs");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("address").port();
    let (tx, mut rx) = mpsc::unbounded_channel();
    tokio::spawn(serve(listener, tx));
    let mut results = Vec::new();
    for job in &jobs {
        while rx.try_recv().is_ok() {} // nothing left over from the job before
        let outcome = tokio::time::timeout(Duration::from_secs(60), run_job(job, port)).await;
        let captured = tokio::time::timeout(Duration::from_millis(200), rx.recv()).await;
        let (body, error) = match (outcome, captured) {
            (_, Ok(Some(request))) => (request, Value::Null),
            (Ok(Err(e)), _) => (Value::Null, json!(e)),
            (Err(_), _) => (Value::Null, json!("timed out")),
            (Ok(Ok(())), _) => (Value::Null, json!("no request reached the server")),
        };
        results.push(json!({"request": body, "error": error}));
    }
    println!("{}", serde_json::to_string(&results).expect("serialize"));
}
