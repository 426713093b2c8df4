//! `onramp bench caseload`: fills a database with one large caseload and times
//! the queries a coach feels (first page, a deep page, a name search, opening a
//! file). Prints medians and p99 over many runs, never a single timing.

use anyhow::{Context, Result};
use chrono::{Days, NaiveDate};
use onramp_domain::identity::{Email, Language, Role};
use onramp_domain::participants::{Education, Gender, HealthCategory, ParticipantInput, Situation};
use onramp_domain::policy::Actor;
use onramp_domain::trajectories::ends_by;
use onramp_store::caseload::{self, Filter};
use onramp_store::trajectories::NewTrajectory;
use onramp_store::{Db, organisations, participants, programmes, trajectories, users};
use std::time::{Duration, Instant};
use uuid::Uuid;

pub(crate) const SURNAMES: &[&str] = &[
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "Dubois",
    "Lambert",
    "Dupont",
    "Vermeulen",
    "Aerts",
    "Hermans",
];
pub(crate) const FIRST: &[&str] = &[
    "An", "Bart", "Els", "Jan", "Lies", "Marc", "Nadia", "Rita", "Tom", "Wim", "Zoë", "Karim",
];

/// Fills `db` with `count` participants, each with one trajectory, all followed by one coach at one partner.
pub async fn fill(db: &Db, count: usize) -> Result<Actor> {
    let mut tx = db.begin().await?;
    let region = onramp_store::regions::create(
        &mut tx,
        &onramp_domain::regions::RegionInput::parse("bench", "Bench").map_err(|e| anyhow::anyhow!("{e:?}"))?,
    )
    .await?;
    let input = onramp_domain::organisations::OrganisationInput::parse(
        "Bench partner",
        "rehabilitation_hospital",
        &region.id.to_string(),
    )
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let partner = organisations::create(&mut tx, &input).await?;
    let hash = onramp_store::passwords::hash("bench password long enough")?;
    let coach = users::create(
        &mut tx,
        &users::UserInput {
            email: Email::parse("bench.coach@onramp.test").map_err(anyhow::Error::msg)?,
            display_name: "Bench Coach".into(),
            role: Role::Coach,
            language: Language::En,
            active: true,
            organisations: vec![partner.id],
            regions: vec![],
        },
        &hash,
    )
    .await?;
    tx.commit().await?;
    let programme = {
        let mut conn = db.conn().await?;
        programmes::find_by_code(&mut conn, "we-go-to-work")
            .await?
            .context("built-in programme")?
    };
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
    let started = Instant::now();
    for chunk in (0..count).collect::<Vec<_>>().chunks(5000) {
        let mut tx = db.begin().await?;
        for &n in chunk {
            let input = ParticipantInput {
                first_name: format!("{}{}", FIRST[n % FIRST.len()], n),
                last_name: SURNAMES[(n / 7) % SURNAMES.len()].into(),
                birth_date: NaiveDate::from_ymd_opt(1960 + (n % 45) as i32, 1 + (n % 12) as u32, 1 + (n % 28) as u32)
                    .expect("date"),
                national_register: None,
                email: None,
                phone: None,
                language: Language::Nl,
                gender: Gender::NotRecorded,
                education: Education::Unknown,
                health_category: HealthCategory::ChronicPain,
                incapacity_since: None,
                situation: Situation::Inactive,
                referrer: None,
                notes: None,
                esf: Default::default(),
            };
            let participant = participants::create(&mut tx, &input, partner.id, Some(coach.id)).await?;
            let start = today - Days::new((n % 700) as u64);
            let new = NewTrajectory {
                participant_id: participant.id,
                participant_name: input.name_search(),
                programme_id: programme.id,
                organisation_id: partner.id,
                region_id: Some(region.id),
                location_id: None,
                coach_id: Some(coach.id),
                started_on: start,
                ends_by: ends_by(start, 24),
                first_phase: "contact".into(),
            };
            trajectories::start(&mut tx, &new, Some(coach.id)).await?;
        }
        tx.commit().await?;
    }
    // After a bulk load the planner needs fresh statistics, as autovacuum would give it in time.
    db.analyze().await?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "generated {count} participants and trajectories in {seconds:.1} s ({:.0} rows/s)",
        count as f64 / seconds
    );
    Ok(Actor {
        user_id: coach.id,
        role: Role::Coach,
        organisations: vec![partner.id],
        regions: vec![],
    })
}

/// Opening the files of the first 200 people of the actor's caseload, one per run.
async fn participant_files(db: &Db, actor: &Actor, runs: usize) -> Result<()> {
    let ids: Vec<Uuid> = {
        let mut conn = db.conn().await?;
        caseload::page(&mut conn, actor, &Filter::default(), 200)
            .await?
            .iter()
            .map(|r| r.participant_id)
            .collect()
    };
    measure("participant file (policy + record + trajectories)", runs, |run| {
        participant_file(db, ids[run % ids.len().max(1)])
    })
    .await
}

/// What opening a participant file reads: the policy's facts, the record, trajectories and history.
async fn participant_file(db: &Db, id: Uuid) -> Result<usize> {
    let mut conn = db.conn().await?;
    let reference = participants::access_ref(&mut conn, id).await?.context("participant")?;
    let participant = participants::get(&mut conn, id).await?;
    let list = trajectories::list_for(&mut conn, id).await?;
    let events = trajectories::events_for(&mut conn, id).await?;
    Ok(reference.followed.len() + usize::from(participant.is_some()) + list.len() + events.len())
}

/// Median and 99th percentile of `runs` timings of `operation`, and its first run apart: on a
/// file larger than memory the first run reads cold pages, and with few runs it is the p99.
pub(crate) async fn measure<F, Fut>(name: &str, runs: usize, mut operation: F) -> Result<()>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = Result<usize>>,
{
    let mut timings: Vec<Duration> = Vec::with_capacity(runs);
    let mut rows = 0;
    for run in 0..runs {
        let started = Instant::now();
        rows = operation(run).await?;
        timings.push(started.elapsed());
    }
    let first = timings[0];
    timings.sort();
    let median = timings[timings.len() / 2];
    let p99 = timings[(timings.len() * 99 / 100).min(timings.len() - 1)];
    println!(
        "{name:<40} median {:>8.3} ms   p99 {:>8.3} ms   first {:>8.3} ms   ({rows} rows, {runs} runs)",
        ms(median),
        ms(p99),
        ms(first)
    );
    Ok(())
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub async fn caseload(db: &Db, count: usize, runs: usize) -> Result<()> {
    let actor = &fill(db, count).await?;
    println!("engine: {:?}", db.engine());
    let first = Filter::default();
    measure("caseload, first page (50)", runs, |_| {
        let filter = first.clone();
        async move {
            let mut conn = db.conn().await?;
            Ok(caseload::page(&mut conn, actor, &filter, 50).await?.len())
        }
    })
    .await?;
    // A cursor halfway down the list: keyset paging costs the same at any depth.
    let middle = {
        let mut conn = db.conn().await?;
        let mut filter = Filter::default();
        let mut seen = 0;
        while seen < count / 2 {
            let page = caseload::page(&mut conn, actor, &filter, 1000).await?;
            let Some(last) = page.last() else { break };
            filter.after = Some(last.cursor(filter.sort));
            seen += page.len();
        }
        filter
    };
    let mut conn = db.conn().await?;
    for line in caseload::plan(&mut conn, actor, &middle, 51).await? {
        println!("  plan: {line}");
    }
    drop(conn);
    measure("caseload, page halfway (50)", runs, |_| {
        let filter = middle.clone();
        async move {
            let mut conn = db.conn().await?;
            Ok(caseload::page(&mut conn, actor, &filter, 50).await?.len())
        }
    })
    .await?;
    measure("caseload, search by name (50)", runs, |run| {
        let filter = Filter {
            search: Some(format!("{}{}", FIRST[run % FIRST.len()], run * 37 % count.max(1))),
            ..Default::default()
        };
        async move {
            let mut conn = db.conn().await?;
            Ok(caseload::page(&mut conn, actor, &filter, 50).await?.len())
        }
    })
    .await?;
    participant_files(db, actor, runs).await?;
    list_audit(db, actor, runs).await?;
    list_audit_of_the_page(db, runs).await
}

/// The caseload's web page (its first page of 50, the check-ins due, the filter's choices,
/// rendered): without its list entry (never served), with the entry written beside the rest
/// (as served), and with the entry written before the rest (as until 2026-12-07). Interleaved.
async fn list_audit_of_the_page(db: &Db, runs: usize) -> Result<()> {
    use onramp_web::CaseloadListEntry as Entry;
    let state = onramp_web::AppState {
        db: db.clone(),
        config: std::sync::Arc::new(onramp_web::Config::default()),
    };
    let ctx = &ctx_of(user_of(db, "bench.coach@onramp.test").await?);
    let query = Default::default();
    let modes = [Entry::Omitted, Entry::Beside, Entry::First];
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); modes.len()];
    for _ in 0..runs {
        for (mode, into) in modes.iter().zip(times.iter_mut()) {
            let started = Instant::now();
            let page = onramp_web::caseload_page(&state, ctx, &query, *mode).await;
            into.push(started.elapsed());
            anyhow::ensure!(
                page.status().is_success(),
                "the caseload page answered {}",
                page.status()
            );
        }
    }
    let medians: Vec<Duration> = times.into_iter().map(median).collect();
    let adds = |with: Duration| (with.as_secs_f64() / medians[0].as_secs_f64() - 1.0) * 100.0;
    println!(
        "caseload web page, without its list entry     median {:>8.3} ms\n\
         caseload web page, the entry beside the rest   median {:>8.3} ms   the entry adds {:.1}% ({runs} runs)\n\
         caseload web page, the entry first (before)    median {:>8.3} ms   the entry adds {:.1}%",
        ms(medians[0]),
        ms(medians[1]),
        adds(medians[1]),
        ms(medians[2]),
        adds(medians[2])
    );
    Ok(())
}

/// What auditing a list view adds to the page it audits (docs/benchmarks.md): the caseload's
/// first page as the page reads it (50 rows and one more), alone; through the service, which also
/// writes the list's audit entry with its 50 people as one INSERT on its own; and read alone then
/// audited as before 2026-12-07, the INSERT in a transaction of its own (`BEGIN`, `COMMIT`).
/// Interleaved run by run, so all three see the same cache and the same machine.
async fn list_audit(db: &Db, actor: &Actor, runs: usize) -> Result<()> {
    use onramp_store::audit::{self, Event};
    let state = onramp_web::AppState {
        db: db.clone(),
        config: std::sync::Arc::new(onramp_web::Config::default()),
    };
    let ctx = &ctx_of(user_of(db, "bench.coach@onramp.test").await?);
    let purpose = onramp_domain::purposes::of_caseload(actor);
    let (mut alone, mut audited, mut in_tx) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let started = Instant::now();
        let mut conn = db.conn().await?;
        caseload::page(&mut conn, actor, &Filter::default(), 51).await?;
        drop(conn);
        alone.push(started.elapsed());

        let started = Instant::now();
        onramp_web::service::caseload::page(&state, ctx, &Filter::default(), 50)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        audited.push(started.elapsed());

        let started = Instant::now();
        let mut conn = db.conn().await?;
        let rows = caseload::page(&mut conn, actor, &Filter::default(), 51).await?;
        drop(conn);
        let shown = rows.iter().take(50).map(|r| r.participant_id).collect();
        let mut tx = db.begin().await?;
        audit::record(&mut tx, &ctx.who, Event::list("caseload.list", purpose, shown)).await?;
        tx.commit().await?;
        in_tx.push(started.elapsed());
    }
    let (alone, audited, in_tx) = (median(alone), median(audited), median(in_tx));
    let adds = |with: Duration| (with.as_secs_f64() / alone.as_secs_f64() - 1.0) * 100.0;
    println!(
        "caseload page (50), read only                  median {:>8.3} ms\n\
         caseload page (50), read and audited           median {:>8.3} ms   the audit adds {:.1}% ({runs} runs)\n\
         the same, the entry in a transaction (before)  median {:>8.3} ms   the audit adds {:.1}%",
        ms(alone),
        ms(audited),
        adds(audited),
        ms(in_tx),
        adds(in_tx)
    );
    Ok(())
}

/// The median of a run's timings.
pub(crate) fn median(mut timings: Vec<Duration>) -> Duration {
    timings.sort();
    timings[timings.len() / 2]
}

/// A generated account.
pub(crate) async fn user_of(db: &Db, email: &str) -> Result<users::User> {
    let mut conn = db.conn().await?;
    users::find_by_email(&mut conn, email)
        .await?
        .with_context(|| format!("{email}: run `onramp generate` on this database first"))
}

/// The actor of a generated account.
async fn actor_of(db: &Db, email: &str) -> Result<Actor> {
    Ok(user_of(db, email).await?.actor())
}

/// Up to `count` folded names of trajectories in the actor's first region, spread through it.
async fn region_names(db: &Db, actor: &Actor, count: usize) -> Result<Vec<String>> {
    let region = actor.regions.first().context("the coordinator's region")?;
    let mut conn = db.conn().await?;
    let names = trajectories::names_in_region(&mut conn, *region, count as i64).await?;
    anyhow::ensure!(!names.is_empty(), "no trajectories in the coordinator's region");
    Ok(names)
}

/// `onramp bench generated`: what users feel, on a database `onramp generate` filled. Adds nothing.
pub async fn generated(db: &Db, runs: usize, year: i32) -> Result<()> {
    use onramp_store::dashboard::{self, Scope};
    use onramp_web::service::dashboard::{Request, figures};
    println!("engine: {:?}", db.engine());
    let coach = actor_of(db, "coach00000@onramp.generated").await?;
    let coordinator = actor_of(db, "coordinator.limburg@onramp.generated").await?;
    for (who, actor) in [("coach", &coach), ("coordinator", &coordinator)] {
        // As the page asks: with each row's action-plan steps due counted.
        let today = onramp_web::time::today();
        let steps = Some(caseload::StepsDue {
            today,
            due_by: today + chrono::Days::new(7),
        });
        let first = &Filter {
            steps,
            ..Filter::default()
        };
        measure(&format!("caseload, first page (50), {who}"), runs, |_| async move {
            let mut conn = db.conn().await?;
            Ok(caseload::page(&mut conn, actor, first, 50).await?.len())
        })
        .await?;
        // The filters of issue 23: steps due within a week, no contact for 30 days, and no
        // contact for as long as each programme sets.
        let filters = [
            (
                "steps due",
                Filter {
                    steps,
                    steps_due: true,
                    ..Filter::default()
                },
            ),
            (
                "no contact for 30 days",
                Filter {
                    steps,
                    no_contact: Some(caseload::NoContact::Since(today - chrono::Days::new(30))),
                    ..Filter::default()
                },
            ),
            (
                "no contact by programme",
                Filter {
                    steps,
                    no_contact: Some(caseload::NoContact::ProgrammeSetting { today }),
                    ..Filter::default()
                },
            ),
        ];
        for (what, filter) in filters {
            let filter = &filter;
            measure(&format!("caseload, {what} (50), {who}"), runs, |_| async move {
                let mut conn = db.conn().await?;
                Ok(caseload::page(&mut conn, actor, filter, 50).await?.len())
            })
            .await?;
        }
        // The caseload's web page lists the check-ins falling due in 30 days above its first page.
        let until = onramp_web::time::today() + chrono::Days::new(30);
        measure(&format!("check-ins due in 30 days, {who}"), runs, |_| async move {
            let mut conn = db.conn().await?;
            Ok(onramp_store::check_ins::due(&mut conn, actor, until).await?.len())
        })
        .await?;
    }
    // The sessions page, eight weeks that ended a fortnight ago (the generator plans none ahead):
    // its first page and, after it, the second (a page is 100 sessions and one more, which tells
    // whether a next page follows).
    let from = onramp_web::time::today() - chrono::Days::new(70);
    let to = from + chrono::Days::new(56);
    for (who, actor) in [("coach", &coach), ("coordinator", &coordinator)] {
        let scope = onramp_domain::policy::session_scope(actor);
        let list = |after| async move {
            let mut conn = db.conn().await?;
            onramp_store::group_sessions::list(&mut conn, scope, actor.user_id, from, to, after, 101).await
        };
        measure(&format!("group sessions, eight weeks, {who}"), runs, |_| async move {
            Ok(list(None).await?.len())
        })
        .await?;
        let after = list(None)
            .await?
            .get(99)
            .map(onramp_store::group_sessions::GroupSession::cursor);
        if after.is_some() {
            measure(
                &format!("group sessions, eight weeks, {who}, second page"),
                runs,
                |_| async move { Ok(list(after).await?.len()) },
            )
            .await?;
        }
    }
    // A coach's calendar feed: the sessions they lead from 90 days back, as the feed reads them.
    let from = onramp_web::time::today() - chrono::Days::new(90);
    let coach_id = coach.user_id;
    measure("calendar feed, coach", runs, |_| async move {
        let mut conn = db.conn().await?;
        Ok(
            onramp_store::group_sessions::for_calendar(&mut conn, Some(coach_id), None, from)
                .await?
                .len(),
        )
    })
    .await?;
    // Searches as people type them: a common first name, a surname and a full name of someone in
    // the coordinator's region (most surnames are rare, as in Belgium).
    let names = region_names(db, &coordinator, runs).await?;
    let surname = |name: &String| name.split(' ').next().unwrap_or_default().to_owned();
    let text = |what: &str, run: usize| match what {
        "a first name" => FIRST[run % FIRST.len()].to_lowercase(),
        "a surname" => surname(&names[run % names.len()]),
        _ => names[run % names.len()].clone(),
    };
    for what in ["a first name", "a surname", "a full name"] {
        measure(&format!("caseload, search {what} (50), coordinator"), runs, |run| {
            let filter = Filter {
                search: Some(text(what, run)),
                ..Default::default()
            };
            let actor = &coordinator;
            async move {
                let mut conn = db.conn().await?;
                Ok(caseload::page(&mut conn, actor, &filter, 50).await?.len())
            }
        })
        .await?;
    }
    participant_files(db, &coach, runs).await?;
    let from = NaiveDate::from_ymd_opt(year, 1, 1).context("year")?;
    let to = NaiveDate::from_ymd_opt(year, 12, 31).context("year")?;
    let everything = Scope::period(from, to);
    // The scans below read every trajectory of the year: tens of seconds each at national size, and
    // there only to compare with, so three runs do.
    let scan_runs = runs.min(3);
    // The cohort query on its own, to compare with the engines alone (scripts/bench-engines),
    // and every figure counted from the records, against the kept counts the dashboard reads.
    measure(
        "dashboard cohort query alone, everything x year",
        scan_runs,
        |_| async move {
            let mut conn = db.conn().await?;
            Ok(dashboard::cohort(&mut conn, everything).await?.started as usize)
        },
    )
    .await?;
    measure(
        "dashboard recount from the records, everything x year",
        scan_runs,
        |_| async move {
            let mut conn = db.conn().await?;
            Ok(dashboard::recount(&mut conn, everything).await?.get("started") as usize)
        },
    )
    .await?;
    measure("dashboard kept counts alone, everything x year", runs, |_| async move {
        let mut conn = db.conn().await?;
        let all = dashboard::counts::Unit::All;
        Ok(dashboard::counts::tally(&mut conn, all, everything)
            .await?
            .get("started") as usize)
    })
    .await?;
    let state = onramp_web::AppState {
        db: db.clone(),
        config: std::sync::Arc::new(onramp_web::Config::default()),
    };
    let ctx = onramp_web::Ctx::system();
    let region = coordinator.regions.first().copied();
    let partner = coach.organisations.first().copied();
    // Mid-February to mid-May: day rows around the whole months.
    let spring = (
        NaiveDate::from_ymd_opt(year, 2, 15).context("year")?,
        NaiveDate::from_ymd_opt(year, 5, 14).context("year")?,
    );
    let location = match partner {
        Some(partner) => {
            let mut conn = db.conn().await?;
            onramp_store::locations::list_for_organisation(&mut conn, partner)
                .await?
                .first()
                .map(|l| l.id)
        }
        None => None,
    };
    let everywhere = (None, None, None, None);
    for (name, (from, to), (organisation_id, region_id, location_id, coach_id)) in [
        ("dashboard, a partner x year", (from, to), (partner, None, None, None)),
        ("dashboard, a location x year", (from, to), (None, None, location, None)),
        (
            "dashboard, a coach x year",
            (from, to),
            (None, None, None, Some(coach.user_id)),
        ),
        (
            "dashboard, a coach in a region x year",
            (from, to),
            (None, region, None, Some(coach.user_id)),
        ),
        (
            "dashboard, a coach at a partner x year",
            (from, to),
            (partner, None, None, Some(coach.user_id)),
        ),
        ("dashboard, a region x year", (from, to), (None, region, None, None)),
        (
            "dashboard, a region x 15 Feb-14 May",
            spring,
            (None, region, None, None),
        ),
        ("dashboard, everything x year", (from, to), everywhere),
    ] {
        let request = Request {
            from,
            to,
            organisation_id,
            region_id,
            programme_id: None,
            location_id,
            coach_id,
        };
        let (state, ctx) = (&state, &ctx);
        measure(name, runs, |_| async move {
            let dashboard = figures(state, ctx, request)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            Ok(dashboard.started as usize)
        })
        .await?;
    }
    monitoring(db, runs, year, region, &state, &ctx).await?;
    crate::bench_cost_benefit::run(db, &state, &ctx, region, year, runs).await
}

/// The monitoring report (issue 25) of a region and of everything over a year, from the kept
/// counts, and the barriers of the region's year counted from the records for comparison.
async fn monitoring(
    db: &Db,
    runs: usize,
    year: i32,
    region: Option<Uuid>,
    state: &onramp_web::AppState,
    ctx: &onramp_web::Ctx,
) -> Result<()> {
    use onramp_web::service::dashboard::Request as Scope;
    use onramp_web::service::monitoring::{Request, report};
    let from = NaiveDate::from_ymd_opt(year, 1, 1).context("year")?;
    let to = NaiveDate::from_ymd_opt(year, 12, 31).context("year")?;
    for (name, region_id) in [
        ("monitoring report, a region x year", region),
        ("monitoring report, everything x year", None),
    ] {
        let request = Request {
            scope: Scope {
                from,
                to,
                organisation_id: None,
                region_id,
                programme_id: None,
                location_id: None,
                coach_id: None,
            },
            health: None,
        };
        measure(name, runs, |_| async move {
            let r = report(state, ctx, request)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            Ok(r.barriers.len() + r.icf.len())
        })
        .await?;
    }
    // What the kept counts save: the region's barriers of the year by quarter, code and health
    // category, with days to resolve, read from the records.
    measure(
        "monitoring barriers recounted from the records, a region x year",
        runs,
        |_| async move {
            let mut conn = db.conn().await?;
            let scope = onramp_store::dashboard::Scope {
                region_id: region,
                ..onramp_store::dashboard::Scope::period(from, to)
            };
            let rows = onramp_store::monitoring::barriers_from_records(&mut conn, &scope).await?;
            Ok(rows.len())
        },
    )
    .await?;
    Ok(())
}

/// `onramp bench import`: ROWS new people, each with a trajectory at the coach's first partner,
/// imported through the exchange import as that coach, RUNS times (new names each run).
pub async fn import(db: &Db, rows: usize, runs: usize) -> Result<()> {
    let email = "coach00000@onramp.generated";
    let user = user_of(db, email).await?;
    let partner = {
        let mut conn = db.conn().await?;
        let id = *user.organisations.first().context("the coach's partner")?;
        organisations::get(&mut conn, id).await?.context("the partner")?.name
    };
    let state = onramp_web::AppState {
        db: db.clone(),
        config: std::sync::Arc::new(onramp_web::Config::default()),
    };
    let ctx = ctx_of(user);
    let mut rates = Vec::new();
    for run in 0..runs {
        let csv = axum::body::Bytes::from(import_file(rows, run, &partner));
        let started = Instant::now();
        let upload = onramp_web::exchange::read_uploads("text/csv", csv, onramp_web::exchange::Kind::Participants)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let report = onramp_web::service::exchange::import(&state, &ctx, upload, false)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let seconds = started.elapsed().as_secs_f64();
        anyhow::ensure!(report.committed, "the import was refused: {:?}", report.errors.first());
        println!(
            "run {}: {rows} rows in {seconds:.1} s, {:.0} rows/s",
            run + 1,
            rows as f64 / seconds
        );
        rates.push(rows as f64 / seconds);
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "import of {rows} rows: median {:.0} rows/s over {runs} runs",
        rates[rates.len() / 2]
    );
    Ok(())
}

/// A signed-in user's context, as a request would carry it.
pub(crate) fn ctx_of(user: onramp_store::users::User) -> onramp_web::Ctx {
    let mut ctx = onramp_web::Ctx::system();
    ctx.actor = user.actor();
    ctx.who = onramp_store::audit::Who {
        user_id: Some(user.id),
        label: user.email.clone(),
        role: Some(ctx.actor.role),
        organisations: ctx.actor.organisations.clone(),
        ..onramp_store::audit::Who::cli()
    };
    ctx.user = user;
    ctx
}

/// `onramp bench export`: the participants export of a coach's and of a coordinator's caseload.
pub async fn export(db: &Db, runs: usize) -> Result<()> {
    let state = onramp_web::AppState {
        db: db.clone(),
        config: std::sync::Arc::new(onramp_web::Config::default()),
    };
    for (who, email) in [
        ("coach", "coach00000@onramp.generated"),
        ("coordinator", "coordinator.limburg@onramp.generated"),
    ] {
        let ctx = ctx_of(user_of(db, email).await?);
        let mut rates = Vec::new();
        let mut rows = 0;
        for _ in 0..runs {
            let started = Instant::now();
            rows = onramp_web::service::exchange::export(&state, &ctx, onramp_web::exchange::Kind::Participants)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?
                .len();
            rates.push(rows as f64 / started.elapsed().as_secs_f64());
        }
        rates.sort_by(f64::total_cmp);
        println!(
            "export, {who}'s caseload: {rows} rows, median {:.0} rows/s over {runs} runs",
            rates[rates.len() / 2]
        );
    }
    Ok(())
}

/// `onramp bench research`: a study over every programme from 2000 to 2100, everyone given a
/// consent to research; the export written as a client would receive it, RUNS times.
pub async fn research(db: &Db, runs: usize) -> Result<()> {
    let mut tx = db.begin().await?;
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).context("date")?;
    let consented = onramp_store::research::consent_everyone(&mut tx, today).await?;
    let programme_ids: Vec<String> = programmes::list(&mut tx)
        .await?
        .iter()
        .map(|p| p.id.to_string())
        .collect();
    let input =
        onramp_domain::research::StudyInput::parse("Bench", "2000-01-01", "2100-12-31", "", &programme_ids, &[])
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let study = onramp_store::studies::create(&mut tx, &input, None).await?;
    tx.commit().await?;
    println!("research export: {consented} research consents added");
    let mut rates = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let prepared = onramp_web::service::research::plan(db, study.clone())
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let planned = started.elapsed();
        let (sender, mut receiver) = tokio::sync::mpsc::channel(4);
        let reader = tokio::spawn(async move {
            let mut bytes = 0;
            while let Some(Ok(piece)) = receiver.recv().await {
                bytes += Vec::len(&piece);
            }
            bytes
        });
        let written = onramp_web::service::research::write(db, &prepared, "2026-11-22T00:00:00Z", &sender)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        drop(sender);
        let bytes = reader.await?;
        let elapsed = started.elapsed();
        let rate = written.rows as f64 / elapsed.as_secs_f64();
        rates.push(rate);
        println!(
            "research export: {} people released ({} generalised, {} withheld), {} rows, {:.1} MB zipped, \
             {:.0} ms to select and check k, {:.2} s in all: {rate:.0} rows/s",
            prepared.released(),
            prepared.summary.generalised,
            prepared.summary.withheld,
            written.rows,
            bytes as f64 / 1e6,
            planned.as_secs_f64() * 1000.0,
            elapsed.as_secs_f64()
        );
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "research export: median {:.0} rows/s over {runs} runs",
        rates[rates.len() / 2]
    );
    Ok(())
}

/// A CSV file of `rows` new people (names unique to the run), each with a trajectory at `partner`.
pub(crate) fn import_file(rows: usize, run: usize, partner: &str) -> String {
    let mut csv = String::from(
        "first_name;last_name;birth_date;health_category;situation;incapacity_since;reached_at;programme;partner;started_on\n",
    );
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
    for n in 0..rows {
        let born = NaiveDate::from_ymd_opt(1965, 1, 1).expect("date") + Days::new((n % 12_000) as u64);
        let started = today - Days::new((n % 700) as u64);
        let since = started - Days::new(30 + (n % 300) as u64);
        csv.push_str(&format!(
            "{};Import{run}x{n};{born};chronic_pain;employed_on_sick_leave;{since};{partner};we-go-to-work;{partner};{started}\n",
            FIRST[n % FIRST.len()],
        ));
    }
    csv
}

/// The framework's ceiling: axum on the same runtime answering a constant, nothing else.
pub async fn ceiling(addr: std::net::SocketAddr) -> Result<()> {
    let app = axum::Router::new().fallback(|| async { "ok" });
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("bare axum on http://{addr}");
    axum::serve(listener, app).await?;
    Ok(())
}
