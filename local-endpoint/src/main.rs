//! `fuota-local`: runs the local IoT Wireless endpoint, and optionally serves the built console
//! (the HTTP layer: `fuota_local::server`).

use std::path::PathBuf;
use std::sync::Arc;

use fuota_local::{server, site, tasks, writes, Config, Endpoint};

const USAGE: &str = "fuota-local [--api ADDR] [--site DIR] [--site-addr ADDR] [--region R]... \
[--cors-origin ORIGIN]... [--clock-skew-seconds N] [--no-cors] [--no-expose-date] [--slow-seconds N] [--live-speed X] [--schedule-speed X] [--state FILE] [--ready-file PATH]
  --api ADDR             where the IoT Wireless endpoint listens (default 127.0.0.1:8081; port 0 picks one)
  --site DIR             also serve the built console from DIR (Trunk's dist/)
  --site-addr ADDR       where the console is served (default 127.0.0.1:8080)
  --region R             a region this endpoint serves (default us-east-1; repeat for more)
  --clock-skew-seconds N the server clock is N seconds ahead (negative: behind)
  --cors-origin ORIGIN   also answer CORS for pages from ORIGIN (scheme://host[:port]; repeat for more;
                         '*' for any origin). By default only the site's own origins may call the API:
                         http://127.0.0.1:PORT and http://localhost:PORT for the site's port (the bound
                         one with --site, else the one --site-addr names)
  --no-cors              answer no CORS preflight and expose no headers
  --no-expose-date       do not expose Date to scripts (skew must be learned from messages)
  --slow-seconds N       how long the fault-slow task waits (default 30)
  --live-speed X         run demo-live X times faster than its ~3-minute timeline (default 1)
  --schedule-speed X     a task scheduled here waits and runs X times faster than real time (default 12:
                         a start 35 minutes ahead comes in under 3 minutes)
  --state FILE           keep what the writes made here in FILE (tasks, multicast groups and their
                         devices, tags): loaded at start (a missing FILE starts empty, one that does
                         not parse stops the endpoint), saved after every write that changes them
                         (FILE.tmp, then renamed over FILE)
  --ready-file PATH      write the bound URLs as JSON to PATH once listening";

struct Args {
    api: String,
    site: Option<PathBuf>,
    site_addr: String,
    ready_file: Option<PathBuf>,
    state: Option<PathBuf>,
    cors_origins: Vec<String>,
    config: Config,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        api: "127.0.0.1:8081".into(),
        site: None,
        site_addr: "127.0.0.1:8080".into(),
        ready_file: None,
        state: None,
        cors_origins: Vec::new(),
        config: Config::default(),
    };
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
            "--cors-origin" => args.cors_origins.push(fuota_local::parse_origin(&value()?).map_err(|e| format!("--cors-origin: {e}"))?),
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
    // The runtime first: its sockets are bound in it. Two workers: this machine has two cores.
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_io().enable_time().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("fuota-local: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    let _entered = runtime.enter();
    let listen = |addr: &str| match server::bind(addr) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("cannot listen on {addr}: {e}");
            std::process::exit(1);
        }
    };
    let api = listen(&args.api);
    let api_addr = api.local_addr().map(|a| a.to_string()).unwrap_or_else(|_| args.api.clone());
    let api_url = format!("http://{api_addr}");
    let mut site_url = None;
    // The site's own origins may call the API (CORS): its port as bound, or, without --site, the
    // port --site-addr names (the console served elsewhere there, by `trunk serve` say).
    let mut site_port = site_port_of(&args.site_addr);
    if let Some(root) = args.site.clone() {
        let listener = listen(&args.site_addr);
        let site_addr = listener.local_addr().ok();
        site_port = site_addr.map(|a| a.port());
        site_url = Some(format!("http://{}", site_addr.map(|a| a.to_string()).unwrap_or_else(|| args.site_addr.clone())));
        let policy = std::fs::read_to_string(root.join("index.html")).ok().and_then(|html| site::policy_of(&html));
        let site = Arc::new(server::Site { root, policy });
        runtime.spawn(server::serve(listener, move |request| server::serve_site(Arc::clone(&site), request)));
    }
    let mut config = args.config;
    config.cors_origins = site_port.filter(|p| *p != 0).map(fuota_local::site_origins).unwrap_or_default();
    for origin in &args.cors_origins {
        if !config.cors_origins.contains(origin) {
            config.cors_origins.push(origin.clone());
        }
    }

    // The demo rollouts are written before the endpoint says it is ready: what stops them stops it.
    let endpoint = match Endpoint::with_store(config, created) {
        Ok(endpoint) => Arc::new(endpoint),
        Err(e) => {
            eprintln!("fuota-local: {e}");
            std::process::exit(1);
        }
    };
    let config = &endpoint.config;

    println!("IoT Wireless local endpoint: {api_url} (regions: {})", config.regions.join(", "));
    if config.cors {
        let origins = if config.cors_origins.is_empty() { "no origin".to_owned() } else { config.cors_origins.join(", ") };
        println!("  CORS for pages from: {origins} (more with --cors-origin)");
    } else {
        println!("  CORS: off (--no-cors)");
    }
    println!("  demo credentials (they open this endpoint only):");
    println!("    access key id:     {}", fuota_local::DEMO_ACCESS_KEY_ID);
    println!("    secret access key: {}", fuota_local::DEMO_SECRET_ACCESS_KEY);
    println!("    session token:     {}", fuota_local::DEMO_SESSION_TOKEN);
    println!("  sample tasks: demo-pending, demo-waiting, demo-in-session, demo-done, demo-delete-waiting, demo-unknown-status, demo-minimal");
    println!(
        "  campaign: demo-live (Pending to FuotaDone in about {:.0} s), demo-10k (10,000 devices), demo-busy; every task is listed by ListFuotaTasks",
        fuota_local::campaign::LIVE_DONE_AT / config.live_speed
    );
    println!("  rollouts: {} (wave 1 done, wave 2 scheduled), {} (wave 1 held by its gate)", fuota_local::rollouts::GOOD.id, fuota_local::rollouts::BAD.id);
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
        // Written whole beside it, then renamed into place (atomic within a directory): a reader
        // that waits for the file to exist never reads it empty or half-written.
        let mut partial = path.clone().into_os_string();
        partial.push(".partial");
        if let Err(e) = std::fs::write(&partial, ready.to_string()).and_then(|()| std::fs::rename(&partial, path)) {
            eprintln!("cannot write {}: {e}", path.display());
        }
    }
    if let Some(path) = &args.state {
        println!("  created tasks, groups and tags are kept in {}", path.display());
    }

    runtime.block_on(server::serve(api, move |request| server::serve_api(Arc::clone(&endpoint), request)));
}

/// The port of a `--site-addr` (`127.0.0.1:8080`, `[::1]:8080`, `localhost:8080`).
fn site_port_of(addr: &str) -> Option<u16> {
    addr.rsplit_once(':').and_then(|(_, port)| port.parse().ok())
}
