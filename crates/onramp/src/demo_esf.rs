//! The ESF+ characteristics of demo and generated participants: most live near the partner that
//! reached them, some in the countryside of the same province; a few prefer not to say, a few
//! characteristics are left unrecorded, so the report's list of missing data has something to show.

use onramp_domain::esf::{Answer, EsfProfile};
use onramp_domain::participants::Situation;

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
