//! `onramp bench import-memory`: the serving process's memory while a large file is imported.
//!
//! The server runs as a child process, as in production, and the file goes through HTTP with a
//! coach's API token: a dry run first, then the real import. Its resident memory (Linux's
//! `VmRSS`) is sampled every 20 ms before, during and after, so the figures are the server's
//! alone, not the benchmark's (which builds the file).

use crate::bench::{ctx_of, import_file, user_of};
use anyhow::{Context, Result, bail, ensure};
use onramp_store::{Db, organisations};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const COACH: &str = "coach00000@onramp.generated";

pub async fn import_memory(db: &Db, database_url: &str, rows: usize, settle: Duration) -> Result<()> {
    let (secret, partner) = token_and_partner(db).await?;
    let addr = free_address()?;
    let mut server = Server::start(database_url, &addr)?;
    wait_until_up(&addr, &mut server.child).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = server.rss_kb()?;
    println!("server idle: {} MB resident", idle / 1024);

    // Names unique to this run, so that no row looks like someone registered before.
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as usize;
    let file = import_file(rows, run, &partner).into_bytes();
    println!("the file: {rows} rows, {:.1} MB", file.len() as f64 / 1e6);
    for (what, dry_run) in [("dry run", true), ("import", false)] {
        let sampler = Sampler::start(server.child.id());
        let started = Instant::now();
        let status = post_import(&addr, &secret, &file, dry_run).await?;
        let seconds = started.elapsed().as_secs_f64();
        let peak = sampler.stop();
        ensure!(
            status == if dry_run { 200 } else { 201 },
            "the {what} answered {status}"
        );
        println!("{what}: {seconds:.1} s, peak {} MB resident", peak / 1024);
    }
    tokio::time::sleep(settle).await;
    println!(
        "{} s after the import: {} MB resident",
        settle.as_secs(),
        server.rss_kb()? / 1024
    );
    Ok(())
}

/// A new API token of the benchmark's coach, and the partner where their trajectories run.
async fn token_and_partner(db: &Db) -> Result<(String, String)> {
    let user = user_of(db, COACH).await?;
    let partner = {
        let mut conn = db.conn().await?;
        let id = *user.organisations.first().context("the coach's partner")?;
        organisations::get(&mut conn, id).await?.context("the partner")?.name
    };
    let state = onramp_web::AppState {
        db: db.clone(),
        config: Arc::new(onramp_web::Config::default()),
    };
    let ctx = ctx_of(user);
    let (_, secret) = onramp_web::service::account::create_token(&state, &ctx, "bench import-memory")
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok((secret, partner))
}

fn free_address() -> Result<String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.to_string())
}

/// `onramp serve` in a child process, stopped when dropped.
struct Server {
    child: Child,
}

impl Server {
    fn start(database_url: &str, addr: &str) -> Result<Server> {
        let child = Command::new(std::env::current_exe()?)
            .args(["--database-url", database_url, "serve", "--addr", addr])
            .env("ONRAMP_LOG", "error")
            .stdout(Stdio::null())
            .spawn()
            .context("starting the server")?;
        Ok(Server { child })
    }

    fn rss_kb(&self) -> Result<u64> {
        rss_kb(self.child.id()).context("reading the server's memory (Linux /proc)")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The resident memory of a process, in KiB.
fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
    line.trim().trim_end_matches("kB").trim().parse().ok()
}

async fn wait_until_up(addr: &str, child: &mut Child) -> Result<()> {
    for _ in 0..600 {
        if let Some(status) = child.try_wait()? {
            bail!("the server stopped: {status}");
        }
        if let Ok(status) = request(addr, "GET /healthz HTTP/1.1", &[], b"").await
            && status == 200
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the server did not answer within a minute")
}

/// The highest resident memory of a process, sampled on a thread until stopped.
struct Sampler {
    running: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    thread: std::thread::JoinHandle<()>,
}

impl Sampler {
    fn start(pid: u32) -> Sampler {
        let running = Arc::new(AtomicBool::new(true));
        let peak = Arc::new(AtomicU64::new(0));
        let thread = {
            let (running, peak) = (running.clone(), peak.clone());
            std::thread::spawn(move || {
                while running.load(Ordering::Relaxed) {
                    if let Some(kb) = rss_kb(pid) {
                        peak.fetch_max(kb, Ordering::Relaxed);
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            })
        };
        Sampler { running, peak, thread }
    }

    fn stop(self) -> u64 {
        self.running.store(false, Ordering::Relaxed);
        let _ = self.thread.join();
        self.peak.load(Ordering::Relaxed)
    }
}

async fn post_import(addr: &str, secret: &str, file: &[u8], dry_run: bool) -> Result<u16> {
    let line = format!("POST /api/v1/imports/participants?dry_run={dry_run} HTTP/1.1");
    let headers = [
        format!("Authorization: Bearer {secret}"),
        "Content-Type: text/csv".to_owned(),
    ];
    request(addr, &line, &headers, file).await
}

/// One HTTP/1.1 request on its own connection; the answer's status code.
async fn request(addr: &str, line: &str, headers: &[String], body: &[u8]) -> Result<u16> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let mut head = format!(
        "{line}\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for header in headers {
        head.push_str(header);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    let status = String::from_utf8_lossy(&answer[..answer.len().min(12)]).into_owned();
    status
        .strip_prefix("HTTP/1.1 ")
        .and_then(|s| s.get(..3))
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("not an HTTP answer: {status:?}"))
}
