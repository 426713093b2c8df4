//! Every table of the cost-benefit as CSV for Belgian Excel and as an XLSX workbook read back by
//! openpyxl, with the figures of the small programme computed by hand (tests/it/cost_benefit.rs);
//! a funder gets the money figures of a small cohort withheld, on the page, the API and the files.

use crate::cost_benefit::{ago, figures, programme, set};
use crate::support::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

pub(crate) fn scope(programme: &str) -> String {
    format!("programme_id={programme}&from={}&to={}", ago(1000), ago(0))
}

/// The hand-computed parameters of `a_small_programme_computed_by_hand_to_the_cent`.
pub(crate) async fn by_hand(app: &TestApp, admin: &Client) -> String {
    let programme = programme(app, admin).await;
    let values = json!({"hourly_cost": "50", "overhead_rate": "10", "direct_costs": "200", "benefits_per_month": "600",
                        "contributions_per_month": "400", "deadweight": "50", "drop_off": "50", "discount_rate": "10",
                        "horizon_years": "3"});
    let (status, settings) = set(app, admin, &programme, values).await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    programme
}

pub(crate) async fn get_bytes(app: &TestApp, client: &Client, path: &str) -> (StatusCode, Vec<u8>) {
    let response = client.get(app.url(path)).send().await.unwrap();
    (response.status(), response.bytes().await.unwrap().to_vec())
}

/// The row of a sheet whose first cell is `id`.
fn row<'a>(sheet: &'a Value, id: &str) -> &'a Vec<Value> {
    sheet
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[0] == id)
        .unwrap_or_else(|| panic!("no row {id} in {sheet}"))
        .as_array()
        .unwrap()
}

#[tokio::test]
async fn every_table_downloads_as_csv_and_xlsx() {
    let app = TestApp::spawn_without_caseload().await;
    let admin = app.api_as(ADMIN).await;
    let programme = by_hand(&app, &admin).await;
    let path = format!("/api/v1/exports/cost-benefit.xlsx?{}", scope(&programme));
    let (status, bytes) = get_bytes(&app, &admin, &path).await;
    assert_eq!(status, StatusCode::OK);
    let book = read_with_python("read_xlsx.py", &bytes);
    let names: Vec<&String> = book.as_object().unwrap().keys().collect();
    for sheet in ["results", "years", "scenarios", "tornado", "assumptions"] {
        assert!(book.get(sheet).is_some(), "no sheet {sheet} in {names:?}");
    }
    // Euros as numbers: NPV 1,812,171 − 75,000 cents; ratio 24.16; break-even 4,530.42.
    assert_eq!(row(&book["results"], "net_present_value")[2], json!(17_371.71));
    assert_eq!(row(&book["results"], "ratio")[2], json!(24.16));
    assert_eq!(row(&book["results"], "break_even_price")[2], json!(4_530.42));
    assert_eq!(row(&book["results"], "in_work:18")[2], json!(1));
    // Year 1: 24 person-months, € 12,000 → € 10,909.09 discounted.
    let years = book["years"].as_array().unwrap();
    assert_eq!(years[1], json!([1, 24, 12_000, 10_909.09]));
    assert_eq!(years.len(), 1 + 3, "a heading and the three years of the horizon");
    // Cautious, central, hopeful: the central one is the result itself, the others around it.
    let scenarios = book["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 4);
    assert_eq!(scenarios[2][1], json!(17_371.71));
    let npv = |i: usize| scenarios[i][1].as_f64().unwrap();
    assert!(npv(1) < npv(2) && npv(2) < npv(3), "{scenarios:?}");
    // The tornado moves the deadweight ±10 points around 50%.
    let deadweight = row(&book["tornado"], "deadweight");
    assert_eq!((deadweight[2].clone(), deadweight[4].clone()), (json!(40), json!(60)));
    // The assumptions with their sources.
    let assumed = row(&book["assumptions"], "deadweight");
    assert_eq!(
        (assumed[2].clone(), assumed[3].clone()),
        (json!(50), json!("Test: half"))
    );

    // One table as CSV for Belgian Excel, from the page's link.
    let browser = app.browser_as(ADMIN).await;
    let page = app
        .html(&browser, &format!("/cost-benefit?{}", scope(&programme)))
        .await;
    assert!(
        page.contains("/cost-benefit.csv?") && page.contains("table=years") && page.contains("/cost-benefit.xlsx?")
    );
    let (status, csv) = get_bytes(
        &app,
        &browser,
        &format!("/cost-benefit.csv?{}&table=years", scope(&programme)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with('\u{feff}'), "a byte order mark");
    assert!(csv.contains("\n1;24,00;12000,00;10909,09\n"), "{csv}");
    let (status, csv) = get_bytes(
        &app,
        &admin,
        &format!(
            "/api/v1/exports/cost-benefit.csv?{}&table=assumptions",
            scope(&programme)
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8(csv).unwrap().contains("deadweight;"));
    // A table that is not one is named; a coach gets none.
    let bad = format!("/api/v1/exports/cost-benefit.csv?{}&table=secrets", scope(&programme));
    let (status, problem) = app.get_json(&admin, &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "table", "invalid-choice"), "{problem}");
    let coach = app.api_as(COACH_LIMBURG).await;
    assert_eq!(get_bytes(&app, &coach, &path).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_funder_sees_the_money_of_a_small_cohort_withheld() {
    let app = TestApp::spawn_without_caseload().await;
    let admin = app.api_as(ADMIN).await;
    let programme = by_hand(&app, &admin).await;
    // The cohort is four people: under the threshold of five.
    let funder = app.api_as(FUNDER).await;
    let (status, r) = figures(&app, &funder, &programme).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["withheld"], true);
    for money in [
        "net_present_value",
        "present_value",
        "costs",
        "ratio",
        "break_even_price",
        "payback_months",
        "cost_per_participant",
    ] {
        assert_eq!(r[money], Value::Null, "{money} withheld");
    }
    assert_eq!(r["participants"], Value::Null);
    assert!(r["years"].as_array().unwrap().is_empty() && r["tornado"].as_array().unwrap().is_empty());
    assert!(
        r["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["net_present_value"].is_null())
    );
    // The administrator sees them.
    let (_, exact) = figures(&app, &admin, &programme).await;
    assert_eq!(exact["net_present_value"], 1_737_171);
    // The page says why and shows no amount; the workbook writes "hidden".
    let browser = app.browser_as(FUNDER).await;
    let page = app
        .html(&browser, &format!("/cost-benefit?{}", scope(&programme)))
        .await;
    let withheld = onramp_web::i18n::text(onramp_domain::identity::Language::Nl, "cb-withheld");
    assert!(page.contains(&withheld), "{page}");
    assert!(!page.contains("17.371,71") && !page.contains("17371,71"));
    let path = format!("/api/v1/exports/cost-benefit.xlsx?{}", scope(&programme));
    let book = read_with_python("read_xlsx.py", &get_bytes(&app, &funder, &path).await.1);
    let hidden = onramp_web::i18n::text(onramp_domain::identity::Language::Nl, "dashboard-hidden");
    assert_eq!(row(&book["results"], "net_present_value")[2], json!(hidden));
    assert_eq!(row(&book["results"], "participants")[2], json!(hidden));
    assert!(book["tornado"].as_array().unwrap().len() == 1, "the headings only");
}
