//! `onramp bench requests`: the HTTP mix's requests, each over HTTP and as bare SQL.

use crate::cli::onramp;
use crate::support::*;

#[tokio::test]
async fn the_request_breakdown_sends_the_mix_and_prints_each_kind_with_its_bare_sql() {
    let test = TestDb::generated(400, 11).await;
    let (ok, out, err) = onramp(&test.url, &["bench", "requests", "--runs", "3"], "");
    assert!(ok, "{err}");
    for kind in [
        "caseload (50)",
        "caseload search (50)",
        "participant file",
        "region dashboard, year",
        "the mix, one of each",
    ] {
        let line = out
            .lines()
            .find(|l| l.starts_with(kind) && l.ends_with('x'))
            .unwrap_or_else(|| panic!("no line for {kind}: {out}"));
        let figures: Vec<f64> = line[kind.len()..]
            .split_whitespace()
            .map(|f| f.trim_end_matches('x').parse().expect("a figure"))
            .collect();
        assert_eq!(figures.len(), 3, "{line}");
        assert!(figures.iter().all(|f| *f > 0.0), "{line}");
        // HTTP's median, bare SQL's, and the one over the other.
        let ratio = figures[0] / figures[1];
        assert!((figures[2] - ratio).abs() < 0.02 * ratio + 0.01, "{line}");
    }
    // The files were read through the server, as a user reads them: each read audited.
    let reads = "SELECT COUNT(*) FROM audit_log WHERE action = 'participant.read'
                 AND actor_label = 'coordinator.limburg@onramp.generated'";
    assert_eq!(count(&test.db, reads).await, 3 * 6);
}

#[tokio::test]
async fn the_request_breakdown_asks_for_generated_data() {
    let test = TestDb::new().await;
    let (ok, _, err) = onramp(&test.url, &["bench", "requests", "--runs", "1"], "");
    assert!(!ok);
    assert!(err.contains("onramp generate"), "{err}");
}
