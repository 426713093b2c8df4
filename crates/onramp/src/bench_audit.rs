//! `onramp bench audit`: how fast the audit chain is verified (and sealed), over a log of
//! entries written as the application writes them (docs/audit.md).

use anyhow::{Context, Result, bail};
use onramp_domain::identity::Role;
use onramp_domain::purposes::Purpose;
use onramp_store::Db;
use onramp_store::audit::{self, Event, Who};
use std::time::Instant;
use uuid::Uuid;

/// Entries written per transaction while the log is filled.
const BATCH: usize = 10_000;

/// The application's mix: mostly reads of a file (no images) and list views of twenty people,
/// then changes with both images of a participant's record, a few sign-ins. The images are as
/// long as a participant's record.
pub(crate) fn event(n: usize, participant: Uuid) -> Event<'static> {
    match n % 10 {
        0..=4 => {
            Event::read("participant.read", "participant", participant, Purpose::FollowUp).for_participant(participant)
        }
        5 => Event::list(
            "caseload.list",
            Purpose::FollowUp,
            (0..20).map(|_| Uuid::now_v7()).collect(),
        ),
        6 | 7 => {
            let record = |phone: &str| {
                serde_json::json!({
                    "id": participant, "first_name": "Nadia", "last_name": format!("Peeters{n}"),
                    "birth_date": "1981-04-12", "gender": "female", "email": format!("nadia.peeters{n}@example.be"),
                    "phone": phone, "postcode": "3600", "health_category": "chronic_pain",
                    "situation": "inactive", "education": "secondary", "language": "nl",
                    "notes": "Wil opnieuw aan de slag in de zorg, liefst halftijds; heeft een afspraak bij de adviserend arts.",
                })
            };
            Event::new("participant.update", "participant", participant)
                .for_participant(participant)
                .before(&record("0470 12 34 56"))
                .after(&record("0470 65 43 21"))
        }
        8 => Event::new("contact.create", "contact", Uuid::now_v7())
            .for_participant(participant)
            .after(&serde_json::json!({"kind": "individual", "minutes": 45, "note": "Gesprek over de eerste stap."})),
        _ => Event::new("login.success", "user", Uuid::now_v7()),
    }
}

/// The coach the benches' entries are written as.
pub(crate) fn coach() -> Who {
    Who {
        user_id: Some(Uuid::now_v7()),
        label: "sofie.maes@gtb.demo".into(),
        address: Some("192.0.2.10".into()),
        request_id: None,
        role: Some(Role::Coach),
        organisations: vec![Uuid::now_v7()],
    }
}

/// Fills the log up to `entries`, seals it, and verifies it `runs` times.
pub async fn verify(db: &Db, entries: i64, runs: usize) -> Result<()> {
    let held = audit::entries(db).await?;
    let to_add = usize::try_from(entries - held).unwrap_or(0);
    if to_add > 0 {
        let started = Instant::now();
        let who = coach();
        let mut written = 0;
        while written < to_add {
            let n = BATCH.min(to_add - written);
            let events: Vec<_> = (written..written + n).map(|i| event(i, Uuid::now_v7())).collect();
            let mut tx = db.begin_bulk().await?;
            audit::record_many(&mut tx, &who, events).await?;
            tx.commit().await?;
            written += n;
        }
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "wrote {to_add} audit entries in {seconds:.1} s ({:.0} entries/s)",
            to_add as f64 / seconds
        );
    }
    let started = Instant::now();
    let sealed = audit::seal(db).await.context("sealing")?;
    let seconds = started.elapsed().as_secs_f64();
    if sealed > 0 {
        println!(
            "sealed {sealed} entries in {seconds:.1} s ({:.0} entries/s)",
            sealed as f64 / seconds
        );
    }
    // Each run verifies twice, interleaved: in ranges walked at once (as `onramp audit verify`
    // does) and in one walk from the start (as before 2026-12-07).
    let ranges = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(8);
    let (mut rates, mut single) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        for (parts, into) in [(ranges, &mut rates), (1, &mut single)] {
            let started = Instant::now();
            let report = audit::sealing::verify_in(db, None, parts).await?;
            let seconds = started.elapsed().as_secs_f64();
            if let Some(problem) = report.problem {
                bail!("the chain does not verify: {problem}");
            }
            into.push(report.checked as f64 / seconds);
            println!("verified {} entries in {seconds:.2} s ({parts} ranges)", report.checked);
        }
    }
    for (what, rates) in [
        (format!("{ranges} ranges at once"), &mut rates),
        ("one walk".into(), &mut single),
    ] {
        rates.sort_by(f64::total_cmp);
        println!(
            "audit verify, {what}: median {:.0} entries/s (slowest {:.0}, fastest {:.0}) over {runs} runs",
            rates[rates.len() / 2],
            rates[0],
            rates[rates.len() - 1]
        );
    }
    Ok(())
}
