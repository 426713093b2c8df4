//! Interface text in Dutch, French and English (Project Fluent files under
//! `locales/`, built into the binary). No user-facing string is written in code
//! or templates: they name a message id and this module finds the text.

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};
use onramp_domain::identity::Language;
use std::borrow::Cow;
use std::collections::HashMap;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around arguments: they confuse screen readers' copy and paste.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static NL: LanguageIdentifier = langid!("nl");
static FR: LanguageIdentifier = langid!("fr");
static EN: LanguageIdentifier = langid!("en");

fn id(language: Language) -> &'static LanguageIdentifier {
    match language {
        Language::Nl => &NL,
        Language::Fr => &FR,
        Language::En => &EN,
    }
}

/// A calendar date as people in Belgium write it, whatever the language: the pages and the PDFs.
pub fn date(day: &chrono::NaiveDate) -> String {
    day.format("%d-%m-%Y").to_string()
}

/// A decimal number as `language` writes it, with `places` decimals: a comma in Dutch and French
/// (`1,5`), a point in English (`1.5`). Every page, and the CSV reports, write decimals with this.
pub fn decimal(language: Language, value: f64, places: usize) -> String {
    let text = format!("{value:.places$}");
    match language {
        Language::En => text,
        Language::Nl | Language::Fr => text.replace('.', ","),
    }
}

/// The text of message `key` in `language`.
pub fn text(language: Language, key: &str) -> String {
    LOCALES.lookup(id(language), key)
}

/// The text of message `key`, or `None` when there is no such message.
pub fn try_text(language: Language, key: &str) -> Option<String> {
    LOCALES.try_lookup(id(language), key)
}

/// The text of message `key` with named arguments.
pub fn text_with(language: Language, key: &str, args: &[(&'static str, &str)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(name, value)| (Cow::Borrowed(*name), FluentValue::from(value.to_string())))
        .collect();
    LOCALES.lookup_with_args(id(language), key, &args)
}

/// The message for a validation error code, e.g. `required` → `error-required`.
pub fn error_text(language: Language, code: &str) -> String {
    // A parser's `invalid-choice:a b c` is the code `invalid-choice`.
    let code = code.split(':').next().unwrap_or(code);
    text(language, &format!("error-{code}"))
}

/// The message of a field error, with what it names (the partner a coach must work at, …).
pub fn field_error_text(language: Language, error: &onramp_domain::FieldError) -> String {
    if error.args.is_empty() {
        return error_text(language, error.code);
    }
    let args: Vec<(&'static str, &str)> = error.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    text_with(language, &format!("error-{}", error.code), &args)
}

/// The category's title in `language`.
pub fn icf_title(category: &onramp_store::icf::Category, language: Language) -> String {
    match language {
        Language::Nl => category.title_nl.clone(),
        Language::Fr => category.title_fr.clone(),
        Language::En => category.title_en.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn message_ids(source: &str) -> BTreeSet<String> {
        source
            .lines()
            .filter(|line| line.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|line| line.split_once('=').map(|(id, _)| id.trim().to_owned()))
            .collect()
    }

    /// The ids of a language's files (the interface's and the portal's); an id in both is a mistake.
    fn all_ids(main: &str, portal: &str) -> BTreeSet<String> {
        let (main, portal) = (message_ids(main), message_ids(portal));
        let twice: Vec<&String> = main.intersection(&portal).collect();
        assert!(twice.is_empty(), "in main.ftl and portal.ftl: {twice:?}");
        main.union(&portal).cloned().collect()
    }

    /// Every message exists in all three languages, so no page falls back to English.
    #[test]
    fn every_language_has_every_message() {
        let en = all_ids(
            include_str!("../locales/en/main.ftl"),
            include_str!("../locales/en/portal.ftl"),
        );
        let nl = all_ids(
            include_str!("../locales/nl/main.ftl"),
            include_str!("../locales/nl/portal.ftl"),
        );
        let fr = all_ids(
            include_str!("../locales/fr/main.ftl"),
            include_str!("../locales/fr/portal.ftl"),
        );
        assert!(en.len() > 50, "the English file should hold the interface");
        assert_eq!(
            en.difference(&nl).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "missing in nl"
        );
        assert_eq!(
            en.difference(&fr).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "missing in fr"
        );
        assert_eq!(
            nl.difference(&en).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "only in nl"
        );
        assert_eq!(
            fr.difference(&en).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "only in fr"
        );
    }

    /// Every message a template or the code names exists.
    #[test]
    fn every_used_key_exists() {
        let mut used = BTreeSet::new();
        // Every template, read at test time, so a new page cannot be forgotten here.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut sources = Vec::new();
        for entry in std::fs::read_dir(dir).expect("the templates folder") {
            let path = entry.expect("a template").path();
            if path.extension().is_some_and(|e| e == "html") {
                sources.push(std::fs::read_to_string(&path).expect("a readable template"));
            }
        }
        assert!(sources.len() >= 30, "the scan reads the templates");
        for source in &sources {
            for call in [".t(\"", ".t1(\"", ".t2(\""] {
                for piece in source.split(call).skip(1) {
                    if let Some((key, _)) = piece.split_once('"') {
                        used.insert(key.to_owned());
                    }
                }
            }
        }
        assert!(
            used.contains("login-title") && used.contains("footer-signed-in-as"),
            "the scan finds keys"
        );
        // The languages have the same ids (test above), so checking English suffices.
        let known = all_ids(
            include_str!("../locales/en/main.ftl"),
            include_str!("../locales/en/portal.ftl"),
        );
        for key in &used {
            assert!(known.contains(key), "{key} is used but not translated");
        }
        for code in crate::error::KNOWN_ERROR_CODES {
            assert!(known.contains(&format!("error-{code}")), "error-{code} is missing");
        }
        let problems = [
            "unauthenticated",
            "bad-credentials",
            "forbidden",
            "cross-site-request",
            "not-found",
            "invalid",
            "throttled",
            "internal",
            "malformed-body",
            "malformed-query",
            "import-failed",
            "possible-duplicate",
        ];
        for code in problems {
            assert!(known.contains(&format!("problem-{code}")), "problem-{code} is missing");
        }
        for refusal in onramp_domain::refusal::Refusal::ALL {
            let key = format!("problem-{}", refusal.code());
            assert!(known.contains(&key), "{key} is missing");
        }
        for status in [400, 401, 403, 404, 422, 429, 500] {
            assert!(
                known.contains(&format!("page-error-{status}")),
                "page-error-{status} is missing"
            );
        }
        for role in onramp_domain::identity::Role::ALL {
            assert!(known.contains(&format!("role-{role}")), "role-{role} is missing");
        }
        for kind in onramp_domain::organisations::OrganisationKind::ALL {
            assert!(known.contains(&format!("kind-{kind}")), "kind-{kind} is missing");
        }
        // Coded values pages show with `p.label(prefix, value)`.
        fn codes<T: std::fmt::Display>(all: &[T]) -> Vec<String> {
            all.iter().map(|v| v.to_string()).collect()
        }
        use onramp_domain::{icf, outcomes};
        let labelled = [
            ("barrier", codes(outcomes::BarrierCode::ALL)),
            ("barrier-status", codes(outcomes::BarrierStatus::ALL)),
            ("outcome", codes(outcomes::OutcomeKind::ALL)),
            ("contract", codes(outcomes::Contract::ALL)),
            ("situation-exit", codes(outcomes::ExitSituation::ALL)),
            ("check-in-situation", codes(outcomes::CheckInSituation::ALL)),
            ("check-in-closed", codes(outcomes::CheckInClosure::ALL)),
            ("icf-moment", codes(icf::Moment::ALL)),
            ("icf-rater", codes(icf::Rater::ALL)),
            ("icf-component", codes(icf::Component::ALL)),
            ("competence", codes(icf::Competence::ALL)),
        ];
        for (prefix, values) in labelled {
            for value in values {
                assert!(
                    known.contains(&format!("{prefix}-{value}")),
                    "{prefix}-{value} is missing"
                );
            }
        }
        for component in icf::Component::ALL {
            for choice in icf::qualifier_choices(*component) {
                let key = format!("icf-qualifier-{}", choice.replace('+', "f"));
                assert!(known.contains(&key), "{key} is missing");
            }
        }
    }

    #[test]
    fn arguments_are_filled_in() {
        assert_eq!(
            text_with(Language::En, "home-welcome", &[("name", "An")]),
            "Welcome, An"
        );
    }
}
