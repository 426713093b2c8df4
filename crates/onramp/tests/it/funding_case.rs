//! The printed funding case: one PDF with the figures of the small programme computed by hand
//! (tests/it/cost_benefit.rs), read back by poppler's pdftotext in Dutch, French and English;
//! a funder gets a small cohort's money withheld; bad input and coaches refused.

use crate::cost_benefit_exports::{by_hand, get_bytes, scope};
use crate::plans::pdf_text;
use crate::support::*;
use chrono::Datelike;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_funding_case_prints_the_figures_in_each_language() {
    let app = TestApp::spawn_without_caseload().await;
    let admin = app.api_as(ADMIN).await;
    let programme = by_hand(&app, &admin).await;
    let path = |lang: &str| {
        format!(
            "/api/v1/cost-benefit/funding-case.pdf?{}&lang={lang}",
            scope(&programme)
        )
    };
    // NPV € 17,371.71, ratio 24.16, break-even price € 4,530.42, payback in month 1.
    let (status, bytes) = get_bytes(&app, &admin, &path("nl")).await;
    assert_eq!(status, StatusCode::OK);
    let nl = pdf_text(&bytes);
    for expected in [
        "Netto contante waarde € 17371,71",
        "brengt de samenleving 24,16 euro op",
        "tot € 4530,42 per deelnemer",
        "in maand 1 na uitstroom",
        "Bereik en resultaten",
        "Test: half",
        "Wat deze cijfers niet kunnen beweren",
        // A default source in the reader's language; the administrator's own ("Test: half") as written.
        "standaard geen",
    ] {
        assert!(nl.contains(expected), "{expected:?} missing from: {nl}");
    }
    assert!(!nl.contains("none by default"), "an English default source in: {nl}");
    let fr = pdf_text(&get_bytes(&app, &admin, &path("fr")).await.1);
    for expected in [
        "Valeur actuelle nette € 17371,71",
        "rapporte 24,16 euros",
        "jusqu'à € 4530,42 par participant",
        "Prudent",
        "aucune par défaut",
        "Test: half",
    ] {
        assert!(fr.contains(expected), "{expected:?} missing from: {fr}");
    }
    let en = pdf_text(&get_bytes(&app, &admin, &path("en")).await.1);
    assert!(en.contains("Net present value € 17371.71"), "{en}");
    // The sensitivity's table under its chart: the deadweight at 40% and 60%.
    assert!(en.contains("40.00") && en.contains("60.00"), "{en}");
    // The page links to it in the reader's language.
    let browser = app.browser_as(ADMIN).await;
    let page = app
        .html(&browser, &format!("/cost-benefit?{}", scope(&programme)))
        .await;
    assert!(
        page.contains("/cost-benefit/funding-case.pdf?") && page.contains("lang=nl"),
        "{page}"
    );
    let (status, bytes) = get_bytes(
        &app,
        &browser,
        &format!("/cost-benefit/funding-case.pdf?{}", scope(&programme)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        pdf_text(&bytes).contains("€ 17371,71"),
        "the reader's own language, Dutch"
    );
    // A language that is not one is named; a coach gets none.
    let (status, problem) = app.get_json(&admin, &path("de")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(field_errors(&problem).iter().any(|(f, _)| f == "lang"), "{problem}");
    let coach = app.api_as(COACH_LIMBURG).await;
    assert_eq!(get_bytes(&app, &coach, &path("nl")).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_funder_gets_the_funding_case_without_a_small_cohorts_money() {
    let app = TestApp::spawn_without_caseload().await;
    let admin = app.api_as(ADMIN).await;
    let programme = by_hand(&app, &admin).await;
    let funder = app.api_as(FUNDER).await;
    let path = format!("/api/v1/cost-benefit/funding-case.pdf?{}&lang=nl", scope(&programme));
    let (status, bytes) = get_bytes(&app, &funder, &path).await;
    assert_eq!(status, StatusCode::OK);
    let text = pdf_text(&bytes);
    let withheld = onramp_web::i18n::text(onramp_domain::identity::Language::Nl, "cb-withheld");
    assert!(text.contains(&withheld), "{text}");
    assert!(!text.contains("17371") && !text.contains("4530,42"), "{text}");
}

/// The printed case carries the monitoring report's evidence for the same programme and period:
/// the barriers noted most, with their shares, and the coordinators' recommendations.
#[tokio::test]
async fn the_funding_case_quotes_the_barriers_and_the_recommendations() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let programme = crate::participants::programme_id(&app, &admin, "we-go-to-work").await;
    let today = onramp_web::time::today();
    let from = (today - chrono::Months::new(24)).with_day(1).unwrap();
    let to = (today.with_day(1).unwrap() + chrono::Months::new(1)) - chrono::Days::new(1);
    let body = json!({"from": from.to_string(), "to": to.to_string(), "programme_id": programme,
                      "body": "Offer a joint pain module with the pain clinics."});
    let (status, r) = app
        .send_json(&admin, "POST", "/api/v1/monitoring/recommendations", body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let path = format!("/api/v1/cost-benefit/funding-case.pdf?programme_id={programme}&from={from}&to={to}&lang=en");
    let (status, bytes) = get_bytes(&app, &admin, &path).await;
    assert_eq!(status, StatusCode::OK);
    let text = pdf_text(&bytes);
    assert!(text.contains("What keeps people from work"), "{text}");
    assert!(text.contains("Share resolved"), "the barriers' table: {text}");
    assert!(text.contains("Offer a joint pain module"), "the recommendation: {text}");
}
