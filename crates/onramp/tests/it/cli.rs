//! The `onramp` command line, run as a user would.

use crate::support::*;
use std::io::Write;
use std::process::{Command, Stdio};

fn onramp(url: &str, args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_onramp"))
        .args(args)
        .env("ONRAMP_DATABASE_URL", url)
        .env("ONRAMP_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run onramp");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into(),
        String::from_utf8_lossy(&output.stderr).into(),
    )
}

#[tokio::test]
async fn help_and_version() {
    let (ok, out, _) = onramp("sqlite::memory:", &["--help"], "");
    assert!(ok && out.contains("serve") && out.contains("migrate") && out.contains("demo") && out.contains("user"));
    let (ok, out, _) = onramp("sqlite::memory:", &["--version"], "");
    assert!(ok && out.starts_with("onramp "));
}

#[tokio::test]
async fn the_command_line_sets_up_regions_organisations_locations_and_users() {
    let test_db = TestDb::new().await;
    let url = test_db.url.clone();
    let (ok, _, err) = onramp(&url, &["region", "add", "limburg", "Limburg"], "");
    assert!(ok, "{err}");
    let (ok, _, err) = onramp(&url, &["region", "add", "limburg", "Limburg"], "");
    assert!(!ok && err.contains("code: This is already in use."), "{err}");
    let (ok, _, err) = onramp(
        &url,
        &[
            "org",
            "add",
            "Pijnkliniek Genk",
            "--kind",
            "castle",
            "--region",
            "limburg",
        ],
        "",
    );
    assert!(!ok && err.contains("kind: Choose one of the options."), "{err}");
    let (ok, _, err) = onramp(
        &url,
        &[
            "org",
            "add",
            "Pijnkliniek Genk",
            "--kind",
            "pain_clinic",
            "--region",
            "limburg",
        ],
        "",
    );
    assert!(ok, "{err}");
    let (ok, _, err) = onramp(
        &url,
        &[
            "location",
            "add",
            "Campus Noord",
            "--org",
            "pijnkliniek genk",
            "--postcode",
            "3600",
        ],
        "",
    );
    assert!(ok, "{err}");
    let (ok, _, err) = onramp(
        &url,
        &[
            "user",
            "add",
            "coach@gtb.be",
            "--role",
            "coach",
            "--org",
            "Pijnkliniek Genk",
        ],
        "short\n",
    );
    assert!(!ok && err.contains("password"), "{err}");
    let (ok, out, err) = onramp(
        &url,
        &[
            "user",
            "add",
            "coach@gtb.be",
            "--role",
            "coach",
            "--org",
            "Pijnkliniek Genk",
        ],
        "a long enough password\n",
    );
    assert!(ok, "{err}");
    assert!(uuid::Uuid::parse_str(out.trim()).is_ok(), "prints the new id");
    let (ok, _, err) = onramp(
        &url,
        &["user", "add", "c@gtb.be", "--role", "coordinator"],
        "a long enough password\n",
    );
    assert!(!ok && err.contains("regions: This field is required."), "{err}");

    // The account signs in on a server over the same database.
    let mut conn = test_db.db.conn().await.unwrap();
    let (user, hash) = onramp_store::users::credentials(&mut conn, "coach@gtb.be")
        .await
        .unwrap()
        .unwrap();
    assert!(onramp_store::passwords::verify("a long enough password", &hash));
    assert_eq!(user.organisations.len(), 1);
    drop(conn);
    let mut conn = test_db.db.conn().await.unwrap();
    let filter = onramp_store::audit::Filter {
        actor: Some("cli".into()),
        ..Default::default()
    };
    let entries = onramp_store::audit::list(&mut conn, &filter, 100).await.unwrap();
    assert_eq!(
        entries.len(),
        4,
        "region, organisation, location and user creation audited as cli"
    );
}

#[tokio::test]
async fn demo_data_loads_once() {
    let test_db = TestDb::new().await;
    let (ok, out, err) = onramp(&test_db.url, &["demo"], "");
    assert!(ok && out.contains("demo data loaded"), "{err}");
    let (ok, out, _) = onramp(&test_db.url, &["demo"], "");
    assert!(ok && out.contains("already holds data"));
    let mut conn = test_db.db.conn().await.unwrap();
    assert_eq!(onramp_store::regions::list(&mut conn).await.unwrap().len(), 5);
    let everything = onramp_domain::policy::OrganisationScope {
        all: true,
        by_membership: false,
        by_region: false,
    };
    let organisations =
        onramp_store::organisations::list(&mut conn, everything, uuid::Uuid::nil(), &Default::default())
            .await
            .unwrap();
    let partners = organisations
        .iter()
        .filter(|o| o.kind != onramp_domain::organisations::OrganisationKind::Provider)
        .count();
    assert!((35..=45).contains(&partners), "about 35 partners, got {partners}");
    assert!(onramp_store::users::count(&mut conn).await.unwrap() >= 20);
}
