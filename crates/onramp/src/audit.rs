//! `onramp audit verify|checkpoint|seal`: the audit chain from the command line (docs/audit.md).

use anyhow::{Context, Result, bail};
use onramp_store::Db;
use onramp_store::audit::{self, Checkpoint};

/// Checks the whole chain (and, given one, that it still holds a checkpoint kept outside the
/// database), printing one line; whether it verified.
pub async fn check(db: &Db, against: Option<&Checkpoint>) -> Result<bool> {
    let report = audit::verify(db, against).await.context("cannot read the audit log")?;
    let unsealed = match report.unsealed {
        0 => String::new(),
        n => format!("; {n} newer entries not sealed yet"),
    };
    match &report.problem {
        None => {
            println!(
                "audit log: verified {} entries, head {}{unsealed}",
                report.checked, report.head.hash
            );
            Ok(true)
        }
        Some(problem) => {
            println!(
                "audit log: FAILED: {problem} ({} entries before it verified{unsealed})",
                report.checked
            );
            Ok(false)
        }
    }
}

/// `onramp audit verify [--against CHECKPOINT]`: fails naming the first entry changed, removed
/// or inserted.
pub async fn verify(db: &Db, against: Option<&str>) -> Result<()> {
    let against = against.map(read_checkpoint).transpose()?;
    if !check(db, against.as_ref()).await? {
        bail!("the audit log does not verify (above)");
    }
    Ok(())
}

/// `onramp audit checkpoint`: seals what is waiting, then prints the head as one JSON line.
pub async fn checkpoint(db: &Db) -> Result<()> {
    audit::seal(db).await.context("cannot seal the audit log")?;
    let head = audit::checkpoint(db).await?;
    println!("{}", serde_json::to_string(&head)?);
    Ok(())
}

/// `onramp audit seal`: gives every committed entry its place in the chain now.
pub async fn seal(db: &Db) -> Result<()> {
    let sealed = audit::seal(db).await.context("cannot seal the audit log")?;
    println!("audit log: sealed {sealed} entries");
    Ok(())
}

/// A checkpoint as `onramp audit checkpoint` printed it, or the file that holds it.
fn read_checkpoint(text: &str) -> Result<Checkpoint> {
    let json = if text.trim_start().starts_with('{') {
        text.to_owned()
    } else {
        std::fs::read_to_string(text).with_context(|| format!("cannot read the checkpoint {text}"))?
    };
    let checkpoint: Checkpoint =
        serde_json::from_str(json.trim()).context("a checkpoint is the JSON line `onramp audit checkpoint` prints")?;
    if checkpoint.head().is_none() {
        bail!("the checkpoint's hash is not 64 hexadecimal digits");
    }
    Ok(checkpoint)
}
