//! Command-line interface. Every command works on the database named by
//! `--database-url` or `ONRAMP_DATABASE_URL` (default: `sqlite:onramp.sqlite3`).

use anyhow::{Context, Result, anyhow};
use clap::{Args, Parser, Subcommand};
use onramp_domain::FieldErrors;
use onramp_domain::organisations::{LocationInput, OrganisationInput};
use onramp_domain::regions::RegionInput;
use onramp_store::{Db, Durability, Settings};
use onramp_web::error::AppError;
use onramp_web::service::users::{UserFields, parse as parse_user};
use onramp_web::{AppState, Config, Ctx, service};
use std::io::BufRead;
use std::net::SocketAddr;
use std::sync::Arc;

pub const DEFAULT_DATABASE_URL: &str = "sqlite:onramp.sqlite3";

#[derive(Debug, Parser)]
#[command(
    name = "onramp",
    version,
    about = "Outreach return-to-work programmes: caseload, sessions, plans and impact"
)]
pub struct Cli {
    /// sqlite:PATH (created on first use) or postgres://USER@HOST/DB
    #[arg(long, env = "ONRAMP_DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,
    /// SQLite only: the page cache of each reading connection, in MiB (up to eight of them).
    #[arg(long, env = "ONRAMP_SQLITE_READER_CACHE_MIB", global = true,
          default_value_t = onramp_store::DEFAULT_READER_CACHE_MIB,
          value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub sqlite_reader_cache_mib: u32,
    /// SQLite only: `full` syncs each commit to disk before acknowledging it; `normal` may lose
    /// the last commits on a power cut (docs/operations.md "Durability").
    #[arg(long, env = "ONRAMP_SQLITE_SYNCHRONOUS", global = true, value_enum, default_value_t = Synchronous::Full)]
    pub sqlite_synchronous: Synchronous,
    /// Log as JSON lines (for log collectors) instead of text.
    #[arg(long, env = "ONRAMP_LOG_JSON", global = true)]
    pub log_json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application and the API (applies migrations first).
    Serve(ServeArgs),
    /// Apply the database migrations.
    Migrate,
    /// Write a consistent copy of the database to PATH while the server runs: a SQLite file, or a
    /// pg_dump archive (custom format; needs pg_dump of the server's major version or later).
    /// Never overwrites a file. See docs/operations.md.
    Backup { path: std::path::PathBuf },
    /// Bring a backup back into an empty database (a new SQLite file, or an empty PostgreSQL
    /// database; needs pg_restore), then check it: integrity, migrations, audit log. A database
    /// that holds anything is refused.
    Restore { path: std::path::PathBuf },
    /// Fill an empty database with realistic synthetic demo data.
    Demo,
    /// The tamper-evident audit log: verify its chain, print its head, seal it (docs/audit.md).
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Retention: anonymise the files past their date (docs/retention.md).
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Answer a participant's data-protection rights (docs/access-export.md).
    #[command(subcommand)]
    Participant(ParticipantCommand),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage organisations.
    #[command(subcommand, name = "org")]
    Organisation(OrganisationCommand),
    /// Manage regions.
    #[command(subcommand)]
    Region(RegionCommand),
    /// Manage locations of organisations.
    #[command(subcommand)]
    Location(LocationCommand),
    /// Benchmarks on generated data.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Fills an empty database with generated data for the benchmarks: `provider` (60 000
    /// participants, about 2 million activities), `national` (2.5 million and 75 million) or a
    /// number of participants. The same seed gives the same data.
    Generate {
        #[arg(long, default_value = "provider")]
        scale: String,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// The last day of the generated years (YYYY-MM-DD).
        #[arg(long, default_value = "2026-11-22")]
        until: String,
        /// Completes a load that stopped after its rows were in (its indexes, counts and
        /// statistics), instead of generating.
        #[arg(long)]
        finish: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// One caseload of N participants (in an empty database: it adds them): first page, a deep
    /// page, name search, opening a file.
    Caseload {
        #[arg(long, default_value_t = 100_000)]
        participants: usize,
        #[arg(long, default_value_t = 200)]
        runs: usize,
    },
    /// A bare web server that answers every request with a constant: the framework's ceiling that
    /// `scripts/bench-http` compares onramp's throughput with.
    Ceiling {
        #[arg(long, default_value = "127.0.0.1:8099")]
        addr: SocketAddr,
    },
    /// On a database `onramp generate` filled: imports ROWS new people with a trajectory each,
    /// as a coach through the exchange import (a CSV file), RUNS times; prints rows per second.
    /// It adds them for good.
    Import {
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// On a database `onramp generate` filled: serves onramp in a child process and imports ROWS
    /// new people through the API (a dry run, then for good), printing the server's resident
    /// memory when idle, at its peak during each, and SETTLE seconds after. It adds them for good.
    ImportMemory {
        #[arg(long, default_value_t = 200_000)]
        rows: usize,
        #[arg(long, default_value_t = 10)]
        settle: u64,
    },
    /// On a database `onramp generate` filled: the participants export (CSV rows, each person an
    /// audited read) of a coach's and of a regional coordinator's whole caseload, RUNS times each;
    /// prints rows per second. It adds the export's audit entries.
    Export {
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// On a database `onramp generate` filled: the research export of a study over every programme
    /// and year, everyone given a consent to research first (for good); RUNS times, written to
    /// nowhere; prints rows per second.
    Research {
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// On a database `onramp generate` filled: the ESF+ indicator report of one operation over
    /// every programme and year, counted on each request; fills the ESF intake fields first and
    /// adds the operation (for good). RUNS times; prints medians.
    Esf {
        #[arg(long, default_value_t = 10)]
        runs: usize,
    },
    /// The audit chain: adds audit entries as the application writes them until the log holds
    /// ENTRIES (for good), seals them, then verifies the whole chain RUNS times; prints entries
    /// per second (medians).
    Audit {
        #[arg(long, default_value_t = 1_000_000)]
        entries: i64,
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Where the HTTP mix's requests spend their time (`scripts/bench-http`'s mix, as the generated
    /// coordinator of Limburg): each sent over loopback HTTP to a server in this process, then its
    /// SQL run bare through the store, RUNS times; prints both medians and their ratio.
    Requests {
        #[arg(long, default_value_t = 200)]
        runs: usize,
    },
    /// The cost of durable commits on SQLite: WRITERS tasks each commit a change with its audit
    /// entry for SECONDS, in turns with `synchronous` NORMAL and FULL (ROUNDS of each); prints
    /// commits per second and latencies of each turn, and the medians' ratio.
    Durability {
        #[arg(long, default_value_t = 16)]
        writers: usize,
        #[arg(long, default_value_t = 5)]
        seconds: u64,
        #[arg(long, default_value_t = 3)]
        rounds: usize,
    },
    /// On a database `onramp generate` filled: caseloads, search, a participant file, and the
    /// dashboard and the cost-benefit for a region and for everything over a year.
    Generated {
        #[arg(long, default_value_t = 50)]
        runs: usize,
        #[arg(long, default_value_t = 2026)]
        year: i32,
    },
}

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Do once what the server does daily: anonymise the files past their retention date, except
    /// those under a legal hold, and purge old sessions, sign-in attempts and revoked tokens.
    Run {
        /// Only print what would be done.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the whole chain; fails naming the first entry changed, removed or inserted.
    Verify {
        /// A checkpoint kept outside the database (the JSON line, or a file holding it): the
        /// chain must still hold it, which also finds the last entries removed.
        #[arg(long)]
        against: Option<String>,
    },
    /// Seal what waits, then print the head of the chain (count, hash, time) as one JSON line,
    /// to be kept outside the database.
    Checkpoint,
    /// Give every committed entry its place in the chain now (the server does it every second).
    Seal,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "ONRAMP_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Load the demo data first when the database is empty.
    #[arg(long)]
    pub demo: bool,
    /// Mark cookies Secure (set when serving over TLS, directly or behind a proxy).
    #[arg(long, env = "ONRAMP_COOKIE_SECURE")]
    pub cookie_secure: bool,
    /// A network (CIDR, e.g. 10.0.0.0/8 or 127.0.0.1/32) of the reverse proxies in front of
    /// onramp; repeat it for several. Only requests from these may name the client with
    /// X-Forwarded-For and the scheme with X-Forwarded-Proto; without it both are ignored.
    #[arg(long = "trusted-proxy", env = "ONRAMP_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Serve GET /metrics (Prometheus) to requests bearing this token (Authorization: Bearer);
    /// without it there is no /metrics.
    #[arg(long, env = "ONRAMP_METRICS_TOKEN")]
    pub metrics_token: Option<String>,
    /// Staff who can read participant data must set up two-factor sign-in (docs/security.md).
    #[arg(long, env = "ONRAMP_REQUIRE_TWO_FACTOR")]
    pub require_two_factor: bool,
    /// The address users reach onramp at (https://onramp.example.org), for links in e-mail such as
    /// password reset; never taken from a request's Host header.
    #[arg(long, env = "ONRAMP_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The video meeting service online group sessions link to (e.g. your own Jitsi Meet).
    #[arg(long, env = "ONRAMP_MEETING_URL", default_value = onramp_web::DEFAULT_MEETING_URL)]
    pub meeting_url: String,
    /// The SMTP server for session invitations, e.g. smtp://mail.example.org:587?tls=required
    /// (smtps://USER:PASSWORD@HOST for implicit TLS). Without it, onramp sends no e-mail.
    #[arg(long, env = "ONRAMP_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of onramp's e-mail.
    #[arg(long, env = "ONRAMP_MAIL_FROM", default_value = "onramp <noreply@onramp.invalid>")]
    pub mail_from: String,
    /// Funders see counts of fewer people than this hidden, with the figures that would reveal
    /// them (docs/dashboard.md); 1 hides nothing.
    #[arg(long, env = "ONRAMP_SMALL_CELL_THRESHOLD", default_value_t = onramp_domain::disclosure::DEFAULT_THRESHOLD,
          value_parser = clap::value_parser!(i64).range(1..=100))]
    pub small_cell_threshold: i64,
    /// Seconds a client has to send a request's headers (and to start its next request on a
    /// kept-alive connection) before the connection is closed.
    #[arg(long, env = "ONRAMP_HEADER_READ_TIMEOUT", value_name = "SECONDS", default_value_t = onramp_web::DEFAULT_HEADER_READ_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_read_timeout: u64,
    #[command(flatten)]
    pub sso: crate::sso_args::SsoArgs,
}

#[derive(Debug, Subcommand)]
pub enum ParticipantCommand {
    /// Write everything held about the participant ID to a ZIP (participant.json and
    /// participant.pdf), for an access or portability request; audited as the command line's.
    /// Never overwrites a file.
    AccessExport {
        id: uuid::Uuid,
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from the first line of standard input.
    Add {
        email: String,
        /// administrator, coordinator, coach, care_team, peer_expert or funder
        #[arg(long)]
        role: String,
        /// Organisation (id or exact name); repeat for several.
        #[arg(long = "org")]
        organisations: Vec<String>,
        /// Region (code, e.g. limburg); repeat for several. Coordinators need one.
        #[arg(long = "region")]
        regions: Vec<String>,
        /// Display name (default: the part of the e-mail before @).
        #[arg(long)]
        name: Option<String>,
        /// Interface language: nl, fr or en.
        #[arg(long, default_value = "nl")]
        language: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrganisationCommand {
    /// Create an organisation.
    Add {
        name: String,
        /// provider, rehabilitation_hospital, pain_clinic, university_clinic, welfare_centre,
        /// activity_centre, occupational_health_service, sickness_fund, public_employment_service, other
        #[arg(long)]
        kind: String,
        /// Region code (required for care partners).
        #[arg(long)]
        region: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RegionCommand {
    /// Create a region.
    Add { code: String, name: String },
}

#[derive(Debug, Subcommand)]
pub enum LocationCommand {
    /// Add a location to an organisation.
    Add {
        name: String,
        /// Organisation id or exact name.
        #[arg(long = "org")]
        organisation: String,
        #[arg(long, default_value = "")]
        address: String,
        #[arg(long, default_value = "")]
        postcode: String,
        #[arg(long, default_value = "")]
        city: String,
    },
}

/// Logs to standard error, filtered by `ONRAMP_LOG` (default: info, and sqlx's warnings). For
/// `generate`, whose bulk inserts of thousands of values routinely take over a second, the default
/// leaves out sqlx's slow-statement warnings: each printed the whole statement.
pub fn init_tracing(cli: &Cli) {
    let default = match cli.command {
        Command::Generate { .. } => "info,sqlx=error",
        _ => "info,sqlx=warn",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("ONRAMP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let json = cli.log_json;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// The values of `--sqlite-synchronous`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Synchronous {
    Full,
    Normal,
}

impl Cli {
    pub fn settings(&self) -> Settings {
        let durability = match self.sqlite_synchronous {
            Synchronous::Full => Durability::Full,
            Synchronous::Normal => Durability::Normal,
        };
        Settings {
            reader_cache_mib: self.sqlite_reader_cache_mib,
            durability,
        }
    }
}

async fn open(url: &str, settings: Settings) -> Result<Db> {
    let db = Db::connect_set(url, settings)
        .await
        .with_context(|| format!("cannot open the database {}", onramp_store::error::redact_url(url)))?;
    db.migrate().await.context("cannot apply the migrations")?;
    Ok(db)
}

pub async fn run(cli: Cli) -> Result<()> {
    // A backup leaves the database as it is; a restore needs it empty: neither migrates first.
    let (url, cache) = (&cli.database_url, cli.settings());
    match &cli.command {
        Command::Backup { path } => return crate::backup::backup(url, cache, path).await,
        Command::Restore { path } => return crate::backup::restore(url, cache, path).await,
        // Its tables lack their indexes: nothing may count over them before they are built.
        Command::Generate { finish: true, .. } => {
            let db = Db::connect_set(url, cache).await?;
            db.migrate_schema().await?;
            return crate::generate::finish_stopped(&db).await;
        }
        _ => {}
    }
    let db = open(&cli.database_url, cache).await?;
    let state = AppState {
        db: db.clone(),
        config: Arc::new(Config::default()),
    };
    let result = match cli.command {
        Command::Serve(args) => serve(db.clone(), args).await,
        Command::Bench(BenchCommand::Caseload { participants, runs }) => {
            crate::bench::caseload(&db, participants, runs.max(1)).await
        }
        Command::Bench(BenchCommand::Generated { runs, year }) => crate::bench::generated(&db, runs.max(1), year).await,
        Command::Bench(BenchCommand::Import { rows, runs }) => crate::bench::import(&db, rows, runs.max(1)).await,
        Command::Bench(BenchCommand::ImportMemory { rows, settle }) => {
            let settle = std::time::Duration::from_secs(settle);
            crate::bench_memory::import_memory(&db, &cli.database_url, rows, settle).await
        }
        Command::Bench(BenchCommand::Export { runs }) => crate::bench::export(&db, runs.max(1)).await,
        Command::Bench(BenchCommand::Research { runs }) => crate::bench::research(&db, runs.max(1)).await,
        Command::Bench(BenchCommand::Esf { runs }) => crate::bench_esf::esf(&db, runs.max(1)).await,
        Command::Bench(BenchCommand::Ceiling { addr }) => crate::bench::ceiling(addr).await,
        Command::Bench(BenchCommand::Durability {
            writers,
            seconds,
            rounds,
        }) => crate::bench_durability::run(url, writers.max(1), seconds.max(1), rounds.max(1)).await,
        Command::Bench(BenchCommand::Requests { runs }) => crate::bench_requests::requests(&db, runs.max(1)).await,
        Command::Bench(BenchCommand::Audit { entries, runs }) => {
            crate::bench_audit::verify(&db, entries, runs.max(1)).await
        }
        Command::Audit(AuditCommand::Verify { against }) => crate::audit::verify(&db, against.as_deref()).await,
        Command::Audit(AuditCommand::Checkpoint) => crate::audit::checkpoint(&db).await,
        Command::Audit(AuditCommand::Seal) => crate::audit::seal(&db).await,
        Command::Retention(RetentionCommand::Run { dry_run }) => crate::retention::run(&db, dry_run).await,
        Command::Generate { finish: true, .. } => unreachable!("finished above, before the counts"),
        Command::Generate {
            scale,
            seed,
            until,
            finish: false,
        } => {
            let scale = crate::generate::Scale::named(&scale)?;
            let until = chrono::NaiveDate::parse_from_str(&until, "%Y-%m-%d").context("--until is YYYY-MM-DD")?;
            let report = crate::generate::generate(&db, scale, seed, until).await?;
            println!(
                "generated {} participants and {} activities: {} rows in {:.1} s ({:.0} rows/s)",
                report.participants,
                report.activities,
                report.rows,
                report.seconds,
                report.rows as f64 / report.seconds
            );
            Ok(())
        }
        Command::Backup { .. } | Command::Restore { .. } => unreachable!("handled before the database is opened"),
        Command::Migrate => {
            println!(
                "migrations applied to {}",
                onramp_store::error::redact_url(&cli.database_url)
            );
            Ok(())
        }
        Command::Demo => {
            if crate::demo::fill(&db).await? {
                println!(
                    "demo data loaded; sign in as {} with password {}",
                    crate::demo::ADMIN,
                    crate::demo::PASSWORD
                );
            } else {
                println!("the database already holds data; demo data not loaded");
            }
            Ok(())
        }
        Command::Participant(ParticipantCommand::AccessExport { id, out }) => access_export(&state, id, &out).await,
        Command::User(UserCommand::Add {
            email,
            role,
            organisations,
            regions,
            name,
            language,
        }) => add_user(&state, email, role, organisations, regions, name, language).await,
        Command::Organisation(OrganisationCommand::Add { name, kind, region }) => {
            let region_id = match region {
                Some(code) => region_id(&db, &code).await?.to_string(),
                None => String::new(),
            };
            let input = OrganisationInput::parse(&name, &kind, &region_id).map_err(explain)?;
            let organisation = service::organisations::create(&state, &Ctx::system(), input)
                .await
                .map_err(explain_app)?;
            println!("{}", organisation.id);
            Ok(())
        }
        Command::Region(RegionCommand::Add { code, name }) => {
            let input = RegionInput::parse(&code, &name).map_err(explain)?;
            let region = service::regions::create(&state, &Ctx::system(), input)
                .await
                .map_err(explain_app)?;
            println!("{}", region.id);
            Ok(())
        }
        Command::Location(LocationCommand::Add {
            name,
            organisation,
            address,
            postcode,
            city,
        }) => {
            let organisation_id = organisation_id(&db, &organisation).await?;
            let input = LocationInput::parse(&name, &address, &postcode, &city).map_err(explain)?;
            let ctx = Ctx::system();
            let location = service::organisations::add_location(&state, &ctx, organisation_id, input)
                .await
                .map_err(explain_app)?;
            println!("{}", location.id);
            Ok(())
        }
    };
    db.close().await;
    result
}

/// `onramp participant access-export`: the ZIP a data-subject request is answered with.
async fn access_export(state: &AppState, id: uuid::Uuid, out: &std::path::Path) -> Result<()> {
    if out.exists() {
        return Err(anyhow!("{} exists already; choose another file", out.display()));
    }
    let (_, bytes) = service::access_export::export(state, &Ctx::system(), id)
        .await
        .map_err(explain_app)?;
    std::fs::write(out, bytes).with_context(|| format!("cannot write {}", out.display()))?;
    println!("{}", out.display());
    Ok(())
}

async fn serve(db: Db, args: ServeArgs) -> Result<()> {
    if args.demo && crate::demo::fill(&db).await? {
        tracing::info!(account = crate::demo::ADMIN, "demo data loaded");
    }
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    tracing::info!(addr = %args.addr, "onramp is serving on http://{}", args.addr);
    let public_url = onramp_web::state::public_url(args.public_url.as_deref()).map_err(anyhow::Error::msg)?;
    let (sso, password_sign_in) = args.sso.providers(public_url.as_deref())?;
    crate::sso_args::warm_up(&sso);
    let state = AppState {
        db,
        config: Arc::new(Config {
            cookie_secure: args.cookie_secure,
            meeting_base_url: args.meeting_url,
            small_cell_threshold: args.small_cell_threshold,
            mailer: match &args.smtp_url {
                Some(url) => Some(onramp_web::mail::Mailer::new(url, &args.mail_from).map_err(anyhow::Error::msg)?),
                None => None,
            },
            header_read_timeout: std::time::Duration::from_secs(args.header_read_timeout),
            trusted_proxies: args.trusted_proxies,
            metrics_token: args.metrics_token.filter(|t| !t.is_empty()),
            sso,
            password_sign_in,
            require_two_factor: args.require_two_factor,
            public_url,
        }),
    };
    onramp_web::serve(listener, state)
        .await
        .context("the server stopped with an error")
}

async fn add_user(
    state: &AppState,
    email: String,
    role: String,
    organisations: Vec<String>,
    regions: Vec<String>,
    name: Option<String>,
    language: String,
) -> Result<()> {
    let mut organisation_ids = Vec::new();
    for organisation in &organisations {
        organisation_ids.push(organisation_id(&state.db, organisation).await?.to_string());
    }
    let mut region_ids = Vec::new();
    for region in &regions {
        region_ids.push(region_id(&state.db, region).await?.to_string());
    }
    let display_name = name.unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_owned());
    let fields = UserFields {
        email,
        display_name,
        role,
        language,
        active: true,
        organisations: organisation_ids,
        regions: region_ids,
    };
    let input = parse_user(&fields).map_err(explain)?;
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .context("cannot read the password from standard input")?;
    let password = password.trim_end_matches(['\n', '\r']);
    let user = service::users::create(state, &Ctx::system(), input, password)
        .await
        .map_err(explain_app)?;
    println!("{}", user.id);
    Ok(())
}

async fn organisation_id(db: &Db, id_or_name: &str) -> Result<uuid::Uuid> {
    let mut conn = db.conn().await?;
    onramp_store::organisations::find(&mut conn, id_or_name)
        .await?
        .map(|o| o.id)
        .ok_or_else(|| anyhow!("no organisation with id or name {id_or_name:?}"))
}

async fn region_id(db: &Db, code: &str) -> Result<uuid::Uuid> {
    let mut conn = db.conn().await?;
    onramp_store::regions::find_by_code(&mut conn, code)
        .await?
        .map(|r| r.id)
        .ok_or_else(|| anyhow!("no region with code {code:?}"))
}

/// Field errors as lines a person can act on.
fn explain(errors: FieldErrors) -> anyhow::Error {
    let lines: Vec<String> = errors
        .0
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e.field,
                onramp_web::i18n::error_text(onramp_domain::identity::Language::En, e.code)
            )
        })
        .collect();
    anyhow!("invalid input\n  {}", lines.join("\n  "))
}

fn explain_app(error: AppError) -> anyhow::Error {
    match error {
        AppError::Invalid(errors) => explain(errors),
        other => anyhow!(
            "{}",
            onramp_web::i18n::text(
                onramp_domain::identity::Language::En,
                &format!("problem-{}", other.code())
            )
        ),
    }
}
