//! `onramp bench durability`: what syncing each commit to disk costs SQLite's writes
//! (docs/benchmarks.md "Durable commits"). Concurrent writers each commit a change with its audit
//! entry, as a request does, in turns under `synchronous` NORMAL and FULL on the same database.

use anyhow::{Result, bail};
use onramp_store::audit;
use onramp_store::{Db, Durability, Engine, Settings};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Runs `rounds` turns of each setting, alternating so that a busy machine weighs on both alike.
pub async fn run(url: &str, writers: usize, seconds: u64, rounds: usize) -> Result<()> {
    let mut rates = [Vec::new(), Vec::new()];
    println!("| turn | synchronous | commits/s | p50 ms | p99 ms |\n|---|---|---|---|---|");
    for round in 0..rounds {
        for (slot, durability) in [Durability::Normal, Durability::Full].into_iter().enumerate() {
            let settings = Settings {
                durability,
                ..Settings::default()
            };
            let db = Db::connect_set(url, settings).await?;
            if db.engine() != Engine::Sqlite {
                bail!("the durability bench measures SQLite's setting: give a sqlite: URL");
            }
            let turn = turn(&db, writers, Duration::from_secs(seconds)).await?;
            db.close().await;
            println!(
                "| {} | {durability:?} | {:.0} | {:.2} | {:.2} |",
                round + 1,
                turn.rate,
                turn.p50,
                turn.p99
            );
            rates[slot].push(turn.rate);
        }
    }
    let (normal, full) = (median(&mut rates[0]), median(&mut rates[1]));
    println!(
        "medians: NORMAL {normal:.0} commits/s, FULL {full:.0} commits/s: FULL costs {:.1}% of the throughput",
        100.0 * (1.0 - full / normal)
    );
    Ok(())
}

struct Turn {
    rate: f64,
    p50: f64,
    p99: f64,
}

async fn turn(db: &Db, writers: usize, length: Duration) -> Result<Turn> {
    let started = Instant::now();
    let tasks: Vec<_> = (0..writers)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move { writer(db, started + length).await })
        })
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let rate = latencies.len() as f64 / elapsed;
    latencies.sort_by(f64::total_cmp);
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * q) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    Ok(Turn {
        rate,
        p50: at(0.5),
        p99: at(0.99),
    })
}

/// Commits until `until`: each transaction a participant's change with both images and a read's
/// entry, as an update request writes them; returns each commit's time in milliseconds.
async fn writer(db: Db, until: Instant) -> Result<Vec<f64>> {
    let who = crate::bench_audit::coach();
    let participant = Uuid::now_v7();
    let mut latencies = Vec::new();
    while Instant::now() < until {
        let began = Instant::now();
        let mut tx = db.begin().await?;
        audit::record(&mut tx, &who, crate::bench_audit::event(6, participant)).await?;
        audit::record(&mut tx, &who, crate::bench_audit::event(0, participant)).await?;
        tx.commit().await?;
        latencies.push(began.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(latencies)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}
