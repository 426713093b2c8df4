//! `onramp bench requests`: where a request of the HTTP mix (`scripts/bench-http`) spends its
//! time. Each request of the mix is sent over loopback HTTP to the server running in this process,
//! and the SQL statements the same request runs are run again straight through the store, on one
//! connection, without HTTP, session check, policy, serialisation or audit. Interleaved run by run,
//! so both see the same cache; printed: the two medians and their ratio, per request and for the
//! mix as a whole.

use crate::bench::{median, ms};
use anyhow::{Context, Result, ensure};
use axum::body::Bytes;
use chrono::{Datelike, NaiveDate};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use onramp_store::caseload::{self, Filter};
use onramp_store::users::User;
use onramp_store::{
    Access, Db, check_ins, coaching, consents, dashboard, group_sessions, outcomes, participants, programmes, sessions,
    trajectories, users,
};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// The coordinator whose requests make the mix, as in `scripts/bench-http`.
const COORDINATOR: &str = "coordinator.limburg@onramp.generated";
const PASSWORD: &str = "onramp-demo-2026";

type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// One request of the mix: its path, and the SQL it runs.
#[derive(Debug, Clone)]
enum Request {
    Caseload,
    Search(&'static str),
    File(Uuid),
    Dashboard {
        region: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    },
}

impl Request {
    fn path(&self) -> String {
        match self {
            Request::Caseload => "/api/v1/caseload?limit=50".into(),
            Request::Search(q) => format!("/api/v1/caseload?limit=50&q={q}"),
            Request::File(id) => format!("/api/v1/participants/{id}"),
            Request::Dashboard { region, from, to } => {
                format!("/api/v1/dashboard?from={from}&to={to}&region_id={region}")
            }
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Request::Caseload => "caseload (50)",
            Request::Search(_) => "caseload search (50)",
            Request::File(_) => "participant file",
            Request::Dashboard { .. } => "region dashboard, year",
        }
    }
}

/// A server of this build, in this process, on a free loopback port, and a client signed in to it.
struct Served {
    client: HttpClient,
    base: String,
    cookie: String,
}

impl Served {
    async fn start(db: &Db) -> Result<(Served, serde_json::Value)> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let state = onramp_web::AppState {
            db: db.clone(),
            config: std::sync::Arc::new(onramp_web::Config::default()),
        };
        tokio::spawn(onramp_web::serve(listener, state));
        let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
        let body = serde_json::json!({"email": COORDINATOR, "password": PASSWORD}).to_string();
        let request = axum::http::Request::post(format!("{base}/api/v1/sessions"))
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body)))?;
        let response = client.request(request).await?;
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("onramp_session="))
            .and_then(|v| v.split(';').next())
            .map(str::to_owned);
        let status = response.status();
        let me: serde_json::Value = serde_json::from_slice(&response.into_body().collect().await?.to_bytes())?;
        let cookie = cookie
            .with_context(|| format!("{COORDINATOR} could not sign in ({status}): run `onramp generate` first"))?;
        Ok((Served { client, base, cookie }, me))
    }

    /// The body of a GET that must succeed.
    async fn get(&self, path: &str) -> Result<Bytes> {
        let request = axum::http::Request::get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .body(Full::new(Bytes::new()))?;
        let response = self.client.request(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        ensure!(status.is_success(), "{path} answered {status}");
        Ok(body)
    }

    /// The session's secret, as the server finds it by.
    fn token(&self) -> &str {
        self.cookie.trim_start_matches("onramp_session=")
    }
}

/// `onramp bench requests`: HTTP and bare SQL, request by request, on a generated database.
pub async fn requests(db: &Db, runs: usize) -> Result<()> {
    println!("engine: {:?}", db.engine());
    let (served, me) = Served::start(db).await?;
    let region: Uuid = me["regions"][0].as_str().context("the coordinator's region")?.parse()?;
    let first: serde_json::Value = serde_json::from_slice(&served.get("/api/v1/caseload?limit=20").await?)?;
    let files: Vec<Uuid> = first["rows"]
        .as_array()
        .context("caseload rows")?
        .iter()
        .take(6)
        .filter_map(|r| r["participant_id"].as_str()?.parse().ok())
        .collect();
    ensure!(
        files.len() == 6,
        "the coordinator's caseload holds fewer than six people"
    );
    let year = onramp_web::time::today().year();
    let mut mix = vec![Request::Caseload, Request::Search("jan")];
    mix.extend(files.into_iter().map(Request::File));
    mix.push(Request::Dashboard {
        region,
        from: NaiveDate::from_ymd_opt(year, 1, 1).context("year")?,
        to: NaiveDate::from_ymd_opt(year, 12, 31).context("year")?,
    });
    let mut http: Vec<Vec<Duration>> = vec![Vec::new(); mix.len()];
    let mut bare: Vec<Vec<Duration>> = vec![Vec::new(); mix.len()];
    let (mut http_total, mut bare_total) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let (mut h_run, mut b_run) = (Duration::ZERO, Duration::ZERO);
        for (i, request) in mix.iter().enumerate() {
            let started = Instant::now();
            served.get(&request.path()).await?;
            let h = started.elapsed();
            let started = Instant::now();
            bare_sql(db, served.token(), request).await?;
            let b = started.elapsed();
            http[i].push(h);
            bare[i].push(b);
            h_run += h;
            b_run += b;
        }
        http_total.push(h_run);
        bare_total.push(b_run);
    }
    println!(
        "{:<26} {:>12} {:>12} {:>7}",
        "request", "HTTP ms", "bare SQL ms", "ratio"
    );
    // One line per kind: the six files (next to one another in the mix) as one.
    let mut kinds: Vec<&str> = mix.iter().map(Request::kind).collect();
    kinds.dedup();
    for kind in kinds {
        let same = |all: &[Vec<Duration>]| -> Vec<Duration> {
            mix.iter()
                .zip(all)
                .filter(|(r, _)| r.kind() == kind)
                .flat_map(|(_, t)| t.iter().copied())
                .collect()
        };
        print_line(kind, median(same(&http)), median(same(&bare)));
    }
    print_line("the mix, one of each", median(http_total), median(bare_total));
    println!("({runs} runs; the mix sends the file request six times, once per person)");
    Ok(())
}

fn print_line(what: &str, http: Duration, bare: Duration) {
    println!(
        "{what:<26} {:>12.3} {:>12.3} {:>6.2}x",
        ms(http),
        ms(bare),
        http.as_secs_f64() / bare.as_secs_f64()
    );
}

/// The statements `request` runs, in the order the server runs them, on one connection.
async fn bare_sql(db: &Db, token: &str, request: &Request) -> Result<usize> {
    let mut conn = db.conn().await?;
    let user = identify(&mut conn, token).await?;
    let actor = user.actor();
    let rows = match request {
        Request::Caseload | Request::Search(_) => {
            let query = onramp_web::requests::caseload::CaseloadQuery {
                q: match request {
                    Request::Search(q) => Some((*q).to_owned()),
                    _ => None,
                },
                limit: Some(50),
                ..Default::default()
            };
            let filter: Filter = query
                .filter(onramp_web::time::today())
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let rows = caseload::page(&mut conn, &actor, &filter, 51).await?;
            rows.len() + programmes::list(&mut conn).await?.len()
        }
        Request::File(id) => file(&mut conn, *id).await?,
        Request::Dashboard { region, from, to } => {
            let scope = dashboard::Scope {
                region_id: Some(*region),
                ..dashboard::Scope::period(*from, *to)
            };
            let asked = onramp_web::service::dashboard::Request {
                from: *from,
                to: *to,
                organisation_id: None,
                region_id: Some(*region),
                programme_id: None,
                location_id: None,
                coach_id: None,
            };
            let (before, _) = onramp_web::service::dashboard_trend::previous_request(&asked);
            let previous = dashboard::Scope {
                region_id: Some(*region),
                ..dashboard::Scope::period(before.from, before.to)
            };
            let mut n = 0;
            for scope in [scope, previous] {
                n += dashboard::tally(&mut conn, scope).await?.0.len();
                n += dashboard::reached(&mut conn, scope).await? as usize;
                n += dashboard::agreements(&mut conn, scope).await?.0 as usize;
            }
            n
        }
    };
    Ok(rows)
}

/// The session check's statements: the session by its secret, then its user.
async fn identify(conn: &mut impl Access, token: &str) -> Result<User> {
    let session = sessions::find(conn, token).await?.context("session")?;
    users::get(conn, session.user_id).await?.context("user")
}

/// A participant's file as `service::participants::open` reads it, and the programmes' step names.
async fn file(conn: &mut impl Access, id: Uuid) -> Result<usize> {
    participants::access_ref(conn, id).await?.context("participant")?;
    let mut n = usize::from(participants::get(conn, id).await?.is_some());
    n += consents::list_for(conn, id).await?.len();
    n += usize::from(consents::participation_lapse(conn, id).await?.is_some());
    n += trajectories::list_for(conn, id).await?.len();
    n += trajectories::events_for(conn, id).await?.len();
    n += coaching::contacts_for(conn, id).await?.len();
    n += group_sessions::for_participant(conn, id).await?.len();
    n += outcomes::for_participant(conn, id).await?.len();
    n += outcomes::barriers_for(conn, id).await?.len();
    n += check_ins::for_participant(conn, id).await?.len();
    n += outcomes::added_barrier_codes(conn).await?.len();
    let consultations = coaching::consultations_for(conn, id).await?;
    let ids: Vec<Uuid> = consultations.iter().map(|k| k.id).collect();
    n += coaching::discussed_refs(conn, &ids).await?.len();
    n += programmes::list(conn).await?.len();
    Ok(n)
}
