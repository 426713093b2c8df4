//! The ESF+ characteristics of demo and generated participants: most live near the partner that
//! reached them, some in the countryside of the same province; a few prefer not to say, a few
//! characteristics are left unrecorded, so the report's list of missing data has something to show.
//! The demo's ESF operation and research study are made here too.

use anyhow::{Result, anyhow};
use chrono::{Datelike, NaiveDate};
use onramp_domain::esf::{Answer, EsfProfile};
use onramp_domain::esf_indicators::{OperationFields, OperationInput};
use onramp_domain::participants::Situation;
use onramp_domain::research::StudyInput;
use onramp_store::{Tx, esf, programmes, studies};
use uuid::Uuid;

/// Rural postcodes of the reference table (DEGURBA 3), by province (the first digits' ranges).
const RURAL: &[(&str, &str)] = &[
    ("2", "2381"),
    ("2", "2460"),
    ("35", "3790"),
    ("38", "3890"),
    ("9", "9680"),
    ("9", "9570"),
    ("15", "1760"),
    ("34", "3470"),
    ("8", "8690"),
    ("8", "8950"),
];

/// A profile for someone reached at a place with postcode `near`; `below(n)` draws 0..n.
pub fn profile(situation: Situation, near: Option<&str>, below: &mut dyn FnMut(usize) -> usize) -> EsfProfile {
    let mut answer = |yes_in: usize| match below(100) {
        n if n < 3 => Answer::Declined,
        n if n < 6 => Answer::NotRecorded,
        n if n < 6 + yes_in => Answer::Yes,
        _ => Answer::No,
    };
    let disability = answer(40);
    let third_country_national = answer(6);
    let foreign_background = answer(18);
    let minority = answer(3);
    let homeless = answer(2);
    let postcode = near.map(|near| {
        let rural: Vec<&str> = RURAL
            .iter()
            .filter(|(prefix, _)| near.starts_with(prefix))
            .map(|(_, code)| *code)
            .collect();
        if !rural.is_empty() && below(4) == 0 {
            rural[below(rural.len())].to_owned()
        } else {
            near.to_owned()
        }
    });
    EsfProfile {
        unemployed_months: (situation == Situation::Unemployed && below(10) != 0).then(|| 1 + below(36) as i32),
        disability,
        third_country_national,
        foreign_background,
        minority,
        homeless,
        postcode,
    }
}

/// The demo's ESF operation and the university's evaluation study, over both built-in programmes
/// from the first of January three years back (before the oldest demo trajectory) to the end of
/// next year, so `/esf` and the researcher's `/studies` show full figures at once. Parsed as the
/// forms parse them, so the demo passes the same checks.
pub async fn operation_and_study(tx: &mut Tx, researcher: Uuid, today: NaiveDate) -> Result<()> {
    let mut programme_ids = Vec::new();
    for code in ["we-go-to-work", "boost2work"] {
        let programme = programmes::find_by_code(tx, code).await?.expect("built-in programme");
        programme_ids.push(programme.id.to_string());
    }
    let starts_on = NaiveDate::from_ymd_opt(today.year() - 3, 1, 1)
        .expect("a date")
        .to_string();
    let ends_on = NaiveDate::from_ymd_opt(today.year() + 1, 12, 31)
        .expect("a date")
        .to_string();
    let operation = OperationInput::parse(&OperationFields {
        number: "ESF-DEMO-0001".into(),
        title: "Duurzaam terug aan het werk na langdurige ziekte (demo)".into(),
        starts_on: starts_on.clone(),
        ends_on: ends_on.clone(),
        programme_ids: programme_ids.clone(),
        partner_ids: vec![],
        last_payment_on: String::new(),
    })
    .map_err(|e| anyhow!("the demo operation: {e:?}"))?;
    esf::create(tx, &operation).await?;
    let study = StudyInput::parse(
        "Evaluatie We Go To Work en Boost2work (UGent, demo)",
        &starts_on,
        &ends_on,
        "",
        &programme_ids,
        &[researcher.to_string()],
    )
    .map_err(|e| anyhow!("the demo study: {e:?}"))?;
    studies::create(tx, &study, None).await?;
    Ok(())
}
