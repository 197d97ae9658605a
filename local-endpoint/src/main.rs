//! `fuota-local`: runs the local IoT Wireless endpoint, and optionally serves the built console.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use fuota_local::{site, tasks, writes, Config, Endpoint, WireRequest};
use tiny_http::{Header, Request, Response, Server};

const USAGE: &str = "fuota-local [--api ADDR] [--site DIR] [--site-addr ADDR] [--region R]... \
[--clock-skew-seconds N] [--no-cors] [--no-expose-date] [--slow-seconds N] [--live-speed X] [--schedule-speed X] [--state FILE] [--ready-file PATH]
  --api ADDR             where the IoT Wireless endpoint listens (default 127.0.0.1:8081; port 0 picks one)
  --site DIR             also serve the built console from DIR (Trunk's dist/)
  --site-addr ADDR       where the console is served (default 127.0.0.1:8080)
  --region R             a region this endpoint serves (default us-east-1; repeat for more)
  --clock-skew-seconds N the server clock is N seconds ahead (negative: behind)
  --no-cors              answer no CORS preflight and expose no headers
  --no-expose-date       do not expose Date to scripts (skew must be learned from messages)
  --slow-seconds N       how long the fault-slow task waits (default 30)
  --live-speed X         run demo-live X times faster than its ~3-minute timeline (default 1)
  --schedule-speed X     a task scheduled here waits and runs X times faster than real time (default 12:
                         a start 35 minutes ahead comes in under 3 minutes)
  --state FILE           keep the tasks created here in FILE: loaded at start (a missing FILE starts
                         empty, one that does not parse stops the endpoint), saved after every write
                         that changes them (FILE.tmp, then renamed over FILE)
  --ready-file PATH      write the bound URLs as JSON to PATH once listening";

struct Args {
    api: String,
    site: Option<PathBuf>,
    site_addr: String,
    ready_file: Option<PathBuf>,
    state: Option<PathBuf>,
    config: Config,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args { api: "127.0.0.1:8081".into(), site: None, site_addr: "127.0.0.1:8080".into(), ready_file: None, state: None, config: Config::default() };
    let mut regions = Vec::new();
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--api" => args.api = value()?,
            "--site" => args.site = Some(PathBuf::from(value()?)),
            "--site-addr" => args.site_addr = value()?,
            "--region" => regions.push(value()?),
            "--clock-skew-seconds" => args.config.clock_skew_seconds = value()?.parse().map_err(|e| format!("--clock-skew-seconds: {e}"))?,
            "--slow-seconds" => args.config.slow_delay = std::time::Duration::from_secs(value()?.parse().map_err(|e| format!("--slow-seconds: {e}"))?),
            "--live-speed" => {
                args.config.live_speed = value()?.parse().ok().filter(|x: &f64| x.is_finite() && *x > 0.0).ok_or("--live-speed: a positive number")?
            }
            "--schedule-speed" => {
                args.config.schedule_speed = value()?.parse().ok().filter(|x: &f64| x.is_finite() && *x > 0.0).ok_or("--schedule-speed: a positive number")?
            }
            "--no-cors" => args.config.cors = false,
            "--no-expose-date" => args.config.expose_date = false,
            "--ready-file" => args.ready_file = Some(PathBuf::from(value()?)),
            "--state" => args.state = Some(PathBuf::from(value()?)),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    if !regions.is_empty() {
        args.config.regions = regions;
    }
    Ok(args)
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn serve_api(endpoint: &Endpoint, mut request: Request) {
    let url = request.url().to_owned();
    let (raw_path, raw_query) = url.split_once('?').unwrap_or((&url, ""));
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|h| (h.field.as_str().as_str().to_ascii_lowercase(), h.value.as_str().to_owned()))
        .collect();
    let mut body = Vec::new();
    let _ = request.as_reader().take(1 << 20).read_to_end(&mut body);
    let method = request.method().as_str().to_owned();
    let reply = endpoint.handle(&WireRequest { method: &method, raw_path, raw_query, headers: &headers, body: &body }, SystemTime::now());
    if let Some(delay) = reply.delay {
        std::thread::sleep(delay);
    }
    let status = reply.status;
    let headers: Vec<Header> = reply.headers.iter().filter_map(|(n, v)| header(n, v)).collect();
    if reply.dropped {
        // The connection closes with no answer at all: what a client sees when an answer is lost.
        eprintln!("{method} {url} -> (answer dropped)");
        drop(request.into_writer());
        return;
    }
    eprintln!("{method} {url} -> {status}");
    if reply.chunked {
        // No length: tiny_http sends it chunked.
        let body = std::io::Cursor::new(reply.body);
        let _ = request.respond(Response::new(tiny_http::StatusCode(status), headers, body, None, None));
    } else {
        let mut response = Response::from_data(reply.body).with_status_code(status);
        for h in headers {
            response.add_header(h);
        }
        let _ = request.respond(response);
    }
}

fn serve_site(root: &PathBuf, policy: Option<&str>, request: Request) {
    let response = match site::resolve(root, request.url()).and_then(|p| std::fs::read(&p).ok().map(|b| (p, b))) {
        Some((path, bytes)) => {
            let mut r = Response::from_data(bytes);
            if let Some(h) = policy.filter(|_| site::content_type(&path).starts_with("text/html")).and_then(|p| header("Content-Security-Policy", p)) {
                r.add_header(h);
            }
            if let Some(h) = header("Content-Type", site::content_type(&path)) {
                r.add_header(h);
            }
            if let Some(h) = header("Cache-Control", "no-cache") {
                r.add_header(h);
            }
            r
        }
        None => Response::from_data(b"not found".to_vec()).with_status_code(404),
    };
    let _ = request.respond(response);
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    // The saved tasks first: a state file that cannot be read stops the endpoint before it
    // listens or says it is ready.
    let created = match &args.state {
        Some(path) => match writes::Store::open(path, args.config.schedule_speed) {
            Ok(store) => store,
            Err(e) => {
                eprintln!("fuota-local: {e}");
                std::process::exit(1);
            }
        },
        None => writes::Store::new(args.config.schedule_speed),
    };
    let api = match Server::http(&args.api) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("cannot listen on {}: {e}", args.api);
            std::process::exit(1);
        }
    };
    let api_url = format!("http://{}", api.server_addr());
    let mut site_url = None;
    if let Some(root) = args.site.clone() {
        let site = match Server::http(&args.site_addr) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("cannot listen on {}: {e}", args.site_addr);
                std::process::exit(1);
            }
        };
        site_url = Some(format!("http://{}", site.server_addr()));
        let policy = std::fs::read_to_string(root.join("index.html")).ok().and_then(|html| site::policy_of(&html));
        std::thread::spawn(move || {
            for request in site.incoming_requests() {
                let (root, policy) = (root.clone(), policy.clone());
                std::thread::spawn(move || serve_site(&root, policy.as_deref(), request));
            }
        });
    }

    println!("IoT Wireless local endpoint: {api_url} (regions: {})", args.config.regions.join(", "));
    println!("  demo credentials (they open this endpoint only):");
    println!("    access key id:     {}", fuota_local::DEMO_ACCESS_KEY_ID);
    println!("    secret access key: {}", fuota_local::DEMO_SECRET_ACCESS_KEY);
    println!("    session token:     {}", fuota_local::DEMO_SESSION_TOKEN);
    println!("  sample tasks: demo-pending, demo-waiting, demo-in-session, demo-done, demo-delete-waiting, demo-unknown-status, demo-minimal");
    println!("  campaign: demo-live (Pending to FuotaDone in about {:.0} s), demo-10k (10,000 devices), demo-busy; every task is listed by ListFuotaTasks",
        fuota_local::campaign::LIVE_DONE_AT / args.config.live_speed);
    println!("  fault ids: {}", tasks::FAULT_IDS.iter().map(|(id, what)| format!("{id} ({what})")).collect::<Vec<_>>().join(", "));
    if let Some(site) = &site_url {
        // `?demo` alone uses the console's built-in demo endpoint; another one in the link is
        // confirmed once in the page (a linked endpoint is never used without the user's word).
        if api_url == "http://127.0.0.1:8081" {
            println!("Console: {site}/?demo");
        } else {
            println!("Console: {site}/?demo&endpoint={api_url}  (confirm the endpoint once in the page)");
        }
    }
    if let Some(path) = &args.ready_file {
        let ready = serde_json::json!({"api": api_url, "site": site_url});
        if let Err(e) = std::fs::write(path, ready.to_string()) {
            eprintln!("cannot write {}: {e}", path.display());
        }
    }
    if let Some(path) = &args.state {
        println!("  created tasks are kept in {}", path.display());
    }
    let endpoint = Arc::new(Endpoint::with_store(args.config, created));
    for request in api.incoming_requests() {
        let endpoint = Arc::clone(&endpoint);
        std::thread::spawn(move || serve_api(&endpoint, request));
    }
}
