//! Built-in programme content in the reader's language. The seed programmes ship with English
//! names; their phases, modules, competences and descriptions are shown translated (locale
//! messages keyed by the built-in code: `phase-<code>`, `module-<code>`, `competence-<code>`,
//! `programme-description-<code>`) for as long as they carry the text they shipped with. Text an
//! administrator wrote is theirs, and is shown as written in every language.

use crate::i18n::try_text;
use onramp_domain::identity::Language;
use onramp_domain::programmes::Step;
use onramp_store::programmes::Programme;
use std::collections::HashMap;
use uuid::Uuid;

/// The translation of `key` when `stored` is still the shipped (English) text.
fn shipped_translation(language: Language, key: &str, stored: &str) -> Option<String> {
    let shipped = try_text(Language::En, key)?;
    if shipped == stored {
        try_text(language, key)
    } else {
        None
    }
}

/// The name of a programme step (`phase`, `module`, `competence`) in `language`: a built-in
/// programme's step that still carries its shipped name gets the translation; any other name is
/// shown as written.
pub fn step_name(language: Language, kind: &str, step: &Step, built_in: bool) -> String {
    let key = format!("{kind}-{}", step.code);
    built_in
        .then(|| shipped_translation(language, &key, &step.name))
        .flatten()
        .unwrap_or_else(|| step.name.clone())
}

/// A programme's description in `language`: a built-in programme's shipped description is
/// translated, any other is shown as written.
pub fn programme_description(language: Language, programme: &Programme) -> Option<String> {
    let description = programme.definition.description.as_ref()?;
    let key = format!("programme-description-{}", programme.definition.code);
    let translated = programme
        .built_in
        .then(|| shipped_translation(language, &key, description))
        .flatten();
    Some(translated.unwrap_or_else(|| description.clone()))
}

/// A programme shown in `language`: its shipped phases, modules, competences and description
/// translated, what an administrator changed as written. Only for display: edit forms and the
/// API's stored `name` keep the stored text.
pub fn localise_programme(language: Language, programme: &mut Programme) {
    if !programme.built_in {
        return;
    }
    programme.definition.description = programme_description(language, programme);
    let built_in = programme.built_in;
    let d = &mut programme.definition;
    for (kind, steps) in [
        ("phase", &mut d.phases),
        ("module", &mut d.modules),
        ("competence", &mut d.competences),
    ] {
        for step in steps.iter_mut() {
            step.name = step_name(language, kind, step, built_in);
        }
    }
}

/// The display names of every programme's phases and modules in one language, for answers that
/// carry a code (a trajectory's phase, a session's module) and say its name beside it.
pub struct StepNames {
    names: HashMap<(Uuid, &'static str, String), String>,
}

impl StepNames {
    pub fn new(language: Language, programmes: &[Programme]) -> Self {
        let mut names = HashMap::new();
        for g in programmes {
            for (kind, steps) in [("phase", &g.definition.phases), ("module", &g.definition.modules)] {
                for step in steps {
                    let name = step_name(language, kind, step, g.built_in);
                    names.insert((g.id, kind, step.code.clone()), name);
                }
            }
        }
        StepNames { names }
    }

    fn name(&self, programme_id: Uuid, kind: &'static str, code: &str) -> String {
        self.names
            .get(&(programme_id, kind, code.to_owned()))
            .cloned()
            // A code its programme no longer has (removed after use): said as stored.
            .unwrap_or_else(|| code.to_owned())
    }

    pub fn phase(&self, programme_id: Uuid, code: &str) -> String {
        self.name(programme_id, "phase", code)
    }

    pub fn module(&self, programme_id: Uuid, code: &str) -> String {
        self.name(programme_id, "module", code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use onramp_domain::programmes::{boost2work, we_go_to_work};

    fn shipped(definition: onramp_domain::programmes::ProgrammeInput) -> Programme {
        Programme {
            id: Uuid::nil(),
            built_in: true,
            definition,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        }
    }

    /// The English text of every built-in item is the shipped text, or its translation would
    /// never apply; and every other language has its own.
    #[test]
    fn built_in_items_are_translated_as_shipped() {
        for programme in [we_go_to_work(), boost2work()] {
            let steps = [("phase", &programme.phases), ("module", &programme.modules)]
                .into_iter()
                .chain([("competence", &programme.competences)])
                .flat_map(|(kind, steps)| steps.iter().map(move |s| (kind, s)));
            for (kind, step) in steps {
                let key = format!("{kind}-{}", step.code);
                assert_eq!(crate::i18n::text(Language::En, &key), step.name, "{key}");
            }
            let key = format!("programme-description-{}", programme.code);
            assert_eq!(try_text(Language::En, &key), programme.description, "{key}");
            for language in [Language::Nl, Language::Fr] {
                assert_ne!(try_text(language, &key), programme.description, "{key} translated");
            }
        }
    }

    #[test]
    fn a_renamed_item_keeps_its_own_name_in_every_language() {
        let mut renamed = shipped(we_go_to_work());
        renamed.definition.phases[7].name = "Nazorg (eigen naam)".into();
        renamed.definition.description = Some("Onze eigen beschrijving".into());
        for language in [Language::Nl, Language::Fr, Language::En] {
            let mut shown = renamed.clone();
            localise_programme(language, &mut shown);
            assert_eq!(shown.definition.phases[7].name, "Nazorg (eigen naam)");
            assert_eq!(shown.definition.description.as_deref(), Some("Onze eigen beschrijving"));
        }
        localise_programme(Language::Nl, &mut renamed);
        assert_eq!(
            renamed.definition.phases[6].name, "Opvolging",
            "the others are translated"
        );
        assert_eq!(renamed.definition.modules[0].name, "Module 1: infosessie");
        assert_eq!(renamed.definition.competences[1].name, "Omgaan met stress");
    }

    #[test]
    fn a_programme_of_ones_own_is_shown_as_written() {
        let mut own = shipped(we_go_to_work());
        own.built_in = false;
        let names = StepNames::new(Language::Fr, std::slice::from_ref(&own));
        assert_eq!(names.phase(own.id, "action_plan"), "Action plan");
        let names = StepNames::new(Language::Fr, &[shipped(we_go_to_work())]);
        assert_eq!(names.phase(Uuid::nil(), "action_plan"), "Plan d’action");
        assert_eq!(names.module(Uuid::nil(), "module_1"), "Module 1 : séance d’information");
    }
}
