//! `onramp retention run [--dry-run]`: the daily retention run once, from the command line
//! (docs/retention.md).

use anyhow::{Result, anyhow};
use onramp_store::Db;
use onramp_web::service::retention;

/// Anonymises the files past their retention date (not under a legal hold) and purges old
/// sign-in data; with `dry`, only says what it would do. Prints what it did.
pub async fn run(db: &Db, dry: bool) -> Result<()> {
    let today = onramp_store::today();
    let run = retention::run(db, today, dry)
        .await
        .map_err(|e| anyhow!("the retention run failed: {e:?}"))?;
    if run.skipped {
        println!("retention: another node is running it; nothing done");
        return Ok(());
    }
    let verb = if dry { "would anonymise" } else { "anonymised" };
    println!(
        "retention {today}: {verb} {} files past their date",
        run.anonymised.len()
    );
    for id in &run.anonymised {
        println!("  {id}");
    }
    println!(
        "retention: {} files past their date kept by a legal hold",
        run.held.len()
    );
    for id in &run.held {
        println!("  {id} (legal hold)");
    }
    if !dry {
        let p = &run.purged;
        println!(
            "retention: purged {} expired sessions, {} sign-in attempts, {} revoked tokens, {} revoked calendar feeds",
            p.sessions, p.sign_in_attempts, p.tokens, p.calendar_feeds
        );
    }
    Ok(())
}
