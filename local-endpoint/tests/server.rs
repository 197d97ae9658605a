//! `fuota-local` over real sockets: the site server under bursts of connections, and the API's
//! wire behaviour (the request as sent reaches the verifier, CORS by origin, chunked answers).
//!
//! The binary is the one cargo built for this test, or `FUOTA_LOCAL_BIN` (to try another build).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant, SystemTime};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// A running `fuota-local`, stopped when dropped.
struct Running {
    child: Child,
    api: String,
    site: Option<String>,
    dir: PathBuf,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fuota-local-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn start(name: &str, args: &[&str]) -> Running {
    let dir = scratch(name);
    let ready = dir.join("ready.json");
    let bin = std::env::var("FUOTA_LOCAL_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_fuota-local").to_owned());
    let child = Command::new(bin)
        .args(["--api", "127.0.0.1:0", "--ready-file"])
        .arg(&ready)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("fuota-local starts");
    let mut running = Running { child, api: String::new(), site: None, dir };
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(text) = std::fs::read_to_string(&ready) {
            if let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) {
                running.api = json["api"].as_str().unwrap().trim_start_matches("http://").to_owned();
                running.site = json["site"].as_str().map(|s| s.trim_start_matches("http://").to_owned());
                return running;
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("fuota-local wrote no ready file");
}

/// One HTTP/1.1 answer read off a connection: status, headers (lowercase names), body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Reads one answer (Content-Length or chunked) from `stream`, `buf` holding bytes already read.
fn read_answer(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<Answer> {
    fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<()> {
        let mut chunk = [0u8; 64 * 1024];
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "connection closed"));
        }
        buf.extend_from_slice(&chunk[..n]);
        Ok(())
    }
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        fill(stream, buf)?;
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers: Vec<(String, String)> = lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned())).collect();
    buf.drain(..head_end + 4);
    let length = headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse::<usize>().ok());
    let chunked = headers.iter().any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = if chunked {
        let mut body = Vec::new();
        loop {
            let line_end = loop {
                if let Some(at) = buf.windows(2).position(|w| w == b"\r\n") {
                    break at;
                }
                fill(stream, buf)?;
            };
            let size = usize::from_str_radix(String::from_utf8_lossy(&buf[..line_end]).trim(), 16).unwrap_or(0);
            while buf.len() < line_end + 2 + size + 2 {
                fill(stream, buf)?;
            }
            body.extend_from_slice(&buf[line_end + 2..line_end + 2 + size]);
            buf.drain(..line_end + 2 + size + 2);
            if size == 0 {
                break body;
            }
        }
    } else {
        let length = length.unwrap_or(0);
        while buf.len() < length {
            fill(stream, buf)?;
        }
        buf.drain(..length).collect()
    };
    Ok(Answer { status, headers, body })
}

fn connect(addr: &str) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    stream
}

/// A site of `n` files of different sizes (some over tiny_http's 32 KiB chunking threshold).
fn make_site(dir: &Path, n: usize) -> Vec<(String, Vec<u8>)> {
    let site = dir.join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("index.html"), "<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\"></head></html>").unwrap();
    let mut files = vec![("/".to_owned(), std::fs::read(site.join("index.html")).unwrap())];
    for i in 0..n {
        let bytes: Vec<u8> = (0..(i * 5_003 + 17)).map(|k| (k * 31 + i) as u8).collect();
        std::fs::write(site.join(format!("chunk_{i}.wasm")), &bytes).unwrap();
        files.push((format!("/chunk_{i}.wasm"), bytes));
    }
    files
}

/// Many connections opened at once, each asking for one file and kept open (as a browser keeps
/// them), on a server just started (tiny_http lost connections then: src/server.rs says why);
/// then pipelined requests. Every answer must come, byte-exact.
#[test]
fn a_burst_of_new_connections_is_answered_every_one() {
    let dir = scratch("burst-site");
    let files = Arc::new(make_site(&dir, 24));
    const CONNECTIONS: usize = 250;
    const ROUNDS: usize = 4;
    let mut failures = Vec::new();
    let mut site = String::new();
    let mut servers = Vec::new();
    for round in 0..ROUNDS {
        let running = start(&format!("burst-{round}"), &["--site", dir.join("site").to_str().unwrap(), "--site-addr", "127.0.0.1:0"]);
        site = running.site.clone().unwrap();
        let barrier = Arc::new(Barrier::new(CONNECTIONS));
        let threads: Vec<_> = (0..CONNECTIONS)
            .map(|k| {
                let (barrier, files, site) = (Arc::clone(&barrier), Arc::clone(&files), site.clone());
                std::thread::spawn(move || {
                    let (path, expected) = &files[(k + round) % files.len()];
                    barrier.wait();
                    let mut stream = connect(&site);
                    stream.write_all(format!("GET {path} HTTP/1.1\r\nHost: {site}\r\n\r\n").as_bytes()).unwrap();
                    let outcome = match read_answer(&mut stream, &mut Vec::new()) {
                        Ok(a) if a.status == 200 && &a.body == expected => Ok(()),
                        Ok(a) => Err(format!("{path}: status {}, {} bytes", a.status, a.body.len())),
                        Err(e) => Err(format!("{path}: {e}")),
                    };
                    (stream, outcome)
                })
            })
            .collect();
        let mut kept = Vec::new();
        for thread in threads {
            let (stream, outcome) = thread.join().unwrap();
            kept.push(stream);
            if let Err(e) = outcome {
                failures.push(format!("round {round}: {e}"));
            }
        }
        servers.push((running, kept));
    }
    // Pipelined: every request of a connection in one write, then the answers in order.
    for _ in 0..4 {
        let mut stream = connect(&site);
        let requests: String = files.iter().map(|(p, _)| format!("GET {p} HTTP/1.1\r\nHost: {site}\r\n\r\n")).collect();
        stream.write_all(requests.as_bytes()).unwrap();
        let mut buf = Vec::new();
        for (path, expected) in files.iter() {
            match read_answer(&mut stream, &mut buf) {
                Ok(a) if a.status == 200 && &a.body == expected => {}
                Ok(a) => failures.push(format!("pipelined {path}: status {}, {} bytes", a.status, a.body.len())),
                Err(e) => {
                    failures.push(format!("pipelined {path}: {e}"));
                    break;
                }
            }
        }
    }
    drop(servers);
    std::fs::remove_dir_all(&dir).ok();
    assert!(failures.is_empty(), "{} of {} requests failed: {:?}", failures.len(), ROUNDS * CONNECTIONS + 4 * files.len(), &failures[..failures.len().min(5)]);
}

/// The headers of a request without a body signed with the demo identity now.
fn signed(method: &str, host: &str, path: &str, query: &str) -> Vec<(String, String)> {
    signed_with_body(method, host, path, query, b"")
}

/// The headers of a request signed with the demo identity now (over the endpoint's own canonical
/// request, which botocore's known answers pin down in the unit tests).
fn signed_with_body(method: &str, host: &str, path: &str, query: &str, body: &[u8]) -> Vec<(String, String)> {
    let hmac = |key: &[u8], data: &str| {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(data.as_bytes());
        mac.finalize().into_bytes().to_vec()
    };
    let amz_date = fuota_local::sigv4::format_amz_date(SystemTime::now());
    let mut headers = vec![
        ("host".to_owned(), host.to_owned()),
        ("x-amz-date".to_owned(), amz_date.clone()),
        ("x-amz-security-token".to_owned(), fuota_local::DEMO_SESSION_TOKEN.to_owned()),
    ];
    let names = ["host", "x-amz-date", "x-amz-security-token"];
    let req = fuota_local::WireRequest { method, raw_path: path, raw_query: query, headers: &headers, body };
    let canonical = fuota_local::sigv4::canonical_request(&req, &names);
    let scope = format!("{}/us-east-1/iotwireless/aws4_request", &amz_date[..8]);
    let to_sign = format!("AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}", hex::encode(Sha256::digest(canonical.as_bytes())));
    let mut key = hmac(format!("AWS4{}", fuota_local::DEMO_SECRET_ACCESS_KEY).as_bytes(), &amz_date[..8]);
    for part in ["us-east-1", "iotwireless", "aws4_request"] {
        key = hmac(&key, part);
    }
    let signature = hex::encode(hmac(&key, &to_sign));
    headers.push((
        "authorization".to_owned(),
        format!("AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={}, Signature={signature}", fuota_local::DEMO_ACCESS_KEY_ID, names.join(";")),
    ));
    headers
}

/// Sends one request on a new connection and reads its answer.
fn exchange(addr: &str, method: &str, target: &str, headers: &[(String, String)]) -> std::io::Result<Answer> {
    let mut stream = connect(addr);
    let mut request = format!("{method} {target} HTTP/1.1\r\n");
    if !headers.iter().any(|(n, _)| n == "host") {
        request.push_str(&format!("host: {addr}\r\n"));
    }
    for (n, v) in headers {
        request.push_str(&format!("{n}: {v}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes())?;
    read_answer(&mut stream, &mut Vec::new())
}

#[test]
fn the_api_gets_the_request_as_sent_and_answers_cors_by_origin() {
    let dir = scratch("api-site");
    make_site(&dir, 1);
    let running = start("api", &["--site", dir.join("site").to_str().unwrap(), "--site-addr", "127.0.0.1:0", "--cors-origin", "http://portal.test:4000"]);
    let (api, site) = (running.api.clone(), running.site.clone().unwrap());
    let site_port = site.rsplit_once(':').unwrap().1;

    // The query exactly as sent, a trailing `&` included (botocore signs it as an empty pair),
    // and a percent-encoded slash in a label.
    let list = exchange(&api, "GET", "/fuota-tasks?maxResults=5&", &signed("GET", &api, "/fuota-tasks", "maxResults=5&")).unwrap();
    assert_eq!(list.status, 200, "{}", String::from_utf8_lossy(&list.body));
    let slash = exchange(&api, "GET", "/fuota-tasks/a%2Fb", &signed("GET", &api, "/fuota-tasks/a%2Fb", "")).unwrap();
    assert_eq!(slash.status, 404, "{}", String::from_utf8_lossy(&slash.body));
    assert!(String::from_utf8_lossy(&slash.body).contains("FuotaTask a/b"));
    // A dot segment is refused, not routed elsewhere.
    let dots = exchange(&api, "GET", "/fuota-tasks/x/../demo-done", &signed("GET", &api, "/fuota-tasks/x/../demo-done", "")).unwrap();
    assert_eq!(dots.status, 403);
    assert!(dots.header("x-amzn-errortype").unwrap().starts_with("InvalidSignatureException"));

    // A streamed answer has no length; the others have one.
    let huge = exchange(&api, "GET", "/fuota-tasks/fault-huge-chunked", &signed("GET", &api, "/fuota-tasks/fault-huge-chunked", "")).unwrap();
    assert_eq!(huge.header("transfer-encoding"), Some("chunked"));
    assert!(huge.header("content-length").is_none());
    assert!(huge.body.len() > 4 << 20);
    let task = exchange(&api, "GET", "/fuota-tasks/demo-done", &signed("GET", &api, "/fuota-tasks/demo-done", "")).unwrap();
    assert_eq!(task.header("content-length"), Some(task.body.len().to_string().as_str()));
    assert!(task.header("x-amzn-requestid").is_some());

    // CORS: the site's own origins and --cors-origin; no other.
    let preflight = |origin: &str| {
        let headers = vec![
            ("origin".to_owned(), origin.to_owned()),
            ("access-control-request-method".to_owned(), "DELETE".to_owned()),
            ("access-control-request-headers".to_owned(), "authorization,x-amz-date,x-amz-security-token".to_owned()),
        ];
        exchange(&api, "OPTIONS", "/fuota-tasks/demo-done", &headers).unwrap()
    };
    for origin in [format!("http://127.0.0.1:{site_port}"), format!("http://localhost:{site_port}"), "http://portal.test:4000".to_owned()] {
        let answer = preflight(&origin);
        assert_eq!((answer.status, answer.header("access-control-allow-origin")), (200, Some(origin.as_str())), "{origin}");
    }
    for origin in ["http://127.0.0.1:8080", "https://evil.example", &format!("http://{api}")] {
        let answer = preflight(origin);
        assert_eq!((answer.status, answer.header("access-control-allow-origin")), (403, None), "{origin}");
    }
    let mut from_elsewhere = signed("GET", &api, "/fuota-tasks/demo-done", "");
    from_elsewhere.push(("origin".to_owned(), "https://evil.example".to_owned()));
    assert_eq!(exchange(&api, "GET", "/fuota-tasks/demo-done", &from_elsewhere).unwrap().header("access-control-allow-origin"), None);

    // The site: its policy on pages, a 404 for what is not there or not a plain name.
    let page = exchange(&site, "GET", "/", &[]).unwrap();
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-security-policy"), Some("default-src 'self'; frame-ancestors 'none'"));
    assert_eq!(page.header("cache-control"), Some("no-cache"));
    assert_eq!(exchange(&site, "GET", "/index.html.", &[]).unwrap().status, 404);
    assert_eq!(exchange(&site, "GET", "/nothing.js", &[]).unwrap().status, 404);
}

#[test]
fn a_bad_cors_origin_stops_the_endpoint_with_a_message() {
    let bin = std::env::var("FUOTA_LOCAL_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_fuota-local").to_owned());
    let out = Command::new(bin).args(["--api", "127.0.0.1:0", "--cors-origin", "http://127.0.0.1:8080/"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--cors-origin"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// A lost answer is silence on an open connection, as before: closing it at once would make a
/// browser send the request again by itself (it does when a reused connection closes unanswered),
/// and the page would never see the loss.
#[test]
fn a_dropped_answer_leaves_the_connection_open_and_silent() {
    let running = start("drop", &[]);
    let api = running.api.clone();
    let body = br#"{"Name":"fault-drop-answer-wire","LoRaWAN":{"RfRegion":"EU868"},"FirmwareUpdateImage":"s3://b/k","FirmwareUpdateRole":"arn:aws:iam::123456789012:role/R","ClientRequestToken":"wire-token-1"}"#;
    let write = |stream: &mut TcpStream| {
        let mut request = format!("POST /fuota-tasks HTTP/1.1\r\ncontent-type: application/json\r\ncontent-length: {}\r\n", body.len());
        for (n, v) in signed_with_body("POST", &api, "/fuota-tasks", "", body) {
            request.push_str(&format!("{n}: {v}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
    };
    // On a connection already used once (a browser's keep-alive one).
    let mut stream = connect(&api);
    let mut request = "GET /fuota-tasks/demo-done HTTP/1.1\r\n".to_owned();
    for (n, v) in signed("GET", &api, "/fuota-tasks/demo-done", "") {
        request.push_str(&format!("{n}: {v}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    assert_eq!(read_answer(&mut stream, &mut Vec::new()).unwrap().status, 200);
    write(&mut stream);
    stream.set_read_timeout(Some(Duration::from_millis(1500))).unwrap();
    let mut byte = [0u8; 1];
    match stream.read(&mut byte) {
        Err(e) => assert!(matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut), "{e}"),
        Ok(n) => panic!("the lost answer arrived or the connection closed: read {n} bytes"),
    }
    // Sent again (same token): answered, the task made once.
    let mut again = connect(&api);
    write(&mut again);
    let answer = read_answer(&mut again, &mut Vec::new()).unwrap();
    assert_eq!(answer.status, 201, "{}", String::from_utf8_lossy(&answer.body));
}
