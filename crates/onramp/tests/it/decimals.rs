//! Decimals on pages: a comma in Dutch and French, a point in English (as the CSV reports write
//! them); a decimal typed with a comma on a Dutch form is read.

use crate::support::*;
use reqwest::{Client, StatusCode};

async fn page(app: &TestApp, client: &Client, path: &str, language: &str) -> String {
    let response = client
        .get(app.url(path))
        .header("accept-language", language)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap()
}

/// The text of the figures of a page: its number cells and its description values.
fn figures(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (open, close) in [("<td class=\"number\">", "</td>"), ("<dd>", "</dd>")] {
        for piece in html.split(open).skip(1) {
            let cell = piece.split(close).next().unwrap_or("");
            // Only the text, not the tags of links inside the cell.
            let mut text = String::new();
            let mut in_tag = false;
            for c in cell.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            out.push(text);
        }
    }
    out
}

/// Whether some figure holds a decimal written with `separator` (a digit, the separator, a digit).
fn has_decimal(figures: &[String], separator: char) -> bool {
    figures.iter().any(|f| {
        let chars: Vec<char> = f.chars().collect();
        chars
            .windows(3)
            .any(|w| w[0].is_ascii_digit() && w[1] == separator && w[2].is_ascii_digit())
    })
}

#[tokio::test]
async fn dutch_pages_write_decimals_with_a_comma_and_english_ones_with_a_point() {
    let app = TestApp::spawn().await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let gtb = app.organisation_id("GTB Vlaanderen").await;

    // A Dutch form takes the decimals with a comma.
    let dutch = app.browser_as(COORDINATOR_LIMBURG).await;
    let html = page(&app, &dutch, &format!("/organisations/{maasland}"), "nl").await;
    let form = [
        ("csrf", csrf_in(&html)),
        ("provider_id", gtb),
        ("starts_on", "2027-01-01".to_owned()),
        ("ends_on", "2027-12-31".to_owned()),
        ("reach_target", "180".to_owned()),
        ("steps_target_percent", "12,5".to_owned()),
        ("fte", "0,8".to_owned()),
        ("esf_percent", "80".to_owned()),
    ];
    let response = dutch
        .post(app.url(&format!("/organisations/{maasland}/agreements")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let agreement = response.headers()["location"].to_str().unwrap().to_owned();
    let agreement = agreement.split('?').next().unwrap().to_owned();

    let html = page(&app, &dutch, &agreement, "nl").await;
    assert!(
        html.contains("<dd>12,5%</dd>") && html.contains("<dd>0,80</dd>"),
        "{html}"
    );
    assert!(
        html.contains("value=\"12,5\"") && html.contains("value=\"0,80\""),
        "the edit form as it is typed"
    );
    let english = app.english_browser_as(ADMIN).await;
    let html = page(&app, &english, &agreement, "en").await;
    assert!(
        html.contains("<dd>12.5%</dd>") && html.contains("<dd>0.80</dd>"),
        "{html}"
    );
    assert!(html.contains("value=\"12.5\""));
    // The edit form posts back what it shows.
    let response = dutch
        .post(app.url(&agreement))
        .form(&[
            ("csrf", csrf_in(&page(&app, &dutch, &agreement, "nl").await)),
            ("provider_id", app.organisation_id("GTB Vlaanderen").await),
            ("starts_on", "2027-01-01".to_owned()),
            ("ends_on", "2027-12-31".to_owned()),
            ("reach_target", "180".to_owned()),
            ("steps_target_percent", "12,5".to_owned()),
            ("fte", "0,80".to_owned()),
            ("esf_percent", "80".to_owned()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // Hours (this year's demo agreement commits 350 hours at the first location, some used), the
    // dashboard's shares and the presence page's reach per FTE.
    let year = chrono::Datelike::year(&onramp_web::time::today());
    let hours = format!("/hours?organisation_id={maasland}&year={year}");
    for path in [hours.as_str(), "/dashboard", "/presence"] {
        let nl = figures(&page(&app, &dutch, path, "nl").await);
        assert!(has_decimal(&nl, ','), "{path}: {nl:?}");
        assert!(!has_decimal(&nl, '.'), "{path}: {nl:?}");
        let en = figures(&page(&app, &english, path, "en").await);
        assert!(has_decimal(&en, '.'), "{path}: {en:?}");
        assert!(!has_decimal(&en, ','), "{path}: {en:?}");
    }
    let nl = figures(&page(&app, &dutch, &hours, "nl").await);
    assert!(nl.iter().any(|f| f == "100,0"), "{nl:?}");
}
