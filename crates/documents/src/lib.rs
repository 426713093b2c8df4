//! Typesets onramp's printable documents (the action plan, the recovery plan, the personal canvas,
//! the ICF profile) as PDF with Typst.
//!
//! The caller hands over a [`Document`] whose every text is already in the reader's language; one
//! Typst template lays out any document. The data reaches Typst as JSON and is placed as text, never
//! evaluated as markup, so nothing a user typed can change the layout. Typst's PDF is tagged, so
//! screen readers can follow headings, lists and tables.

use serde::Serialize;
use std::sync::LazyLock;
use typst::foundations::{Dict, IntoValue};
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;

static TEMPLATE: &str = include_str!("templates/document.typ");

/// Parsing the fonts is the slow part of building the engine; it is done once per process.
static ENGINE: LazyLock<TypstEngine<typst_as_lib::TypstTemplateMainFile>> = LazyLock::new(|| {
    TypstEngine::builder()
        .main_file(TEMPLATE)
        .fonts(typst_assets::fonts())
        .build()
});

/// A document: a title, lines that say whose and which it is, and sections.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Document {
    /// BCP 47 language of the text (`nl`, `fr`, `en`), for hyphenation and screen readers.
    pub lang: String,
    pub title: String,
    /// Lines under the title: participant, programme, version and date.
    pub about: Vec<String>,
    /// A line in the footer of every page (e.g. "Confidential: shared with the participant's consent").
    pub footer: String,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Section {
    pub heading: String,
    /// A guiding question or short explanation, set in italics.
    pub intro: Option<String>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Paragraph {
        text: String,
    },
    List {
        items: Vec<String>,
    },
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// Horizontal bars around a centre line (a tornado chart), drawn as shapes: each bar runs
    /// from `from` to `to`, fractions of the width; the same figures belong in a table beside it.
    Bars {
        caption: String,
        centre: f64,
        bars: Vec<Bar>,
    },
}

/// One bar of [`Block::Bars`].
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    pub label: String,
    pub from: f64,
    pub to: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("typesetting failed: {0}")]
    Typeset(String),
    #[error("PDF export failed: {0}")]
    Pdf(String),
}

/// Typesets the document as PDF. CPU-bound: call it off the async threads.
pub fn pdf(document: &Document) -> Result<Vec<u8>, Error> {
    let data = serde_json::to_string(document).expect("a document serialises");
    let mut inputs = Dict::new();
    inputs.insert("data".into(), data.into_value());
    let compiled: PagedDocument = ENGINE
        .compile_with_input(inputs)
        .output
        .map_err(|e| Error::Typeset(format!("{e:?}")))?;
    typst_pdf::pdf(&compiled, &typst_pdf::PdfOptions::default()).map_err(|e| Error::Pdf(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typesets_every_kind_of_block_and_keeps_markup_characters_as_text() {
        let document = Document {
            lang: "fr".into(),
            title: "Plan d'action".into(),
            about: vec!["Élise Dubois".into()],
            footer: "Confidentiel".into(),
            sections: vec![Section {
                heading: "Objectif".into(),
                intro: Some("Que voulez-vous ?".into()),
                blocks: vec![
                    Block::Paragraph {
                        text: "#set page(width: 1pt) *not bold* $x$".into(),
                    },
                    Block::List {
                        items: vec!["un".into(), "deux".into()],
                    },
                    Block::Table {
                        header: vec!["A".into(), "B".into()],
                        rows: vec![vec!["1".into(), "2".into()]],
                    },
                    Block::Bars {
                        caption: "Sensibilité".into(),
                        centre: 0.5,
                        bars: vec![Bar {
                            label: "*taux*".into(),
                            from: 0.2,
                            to: 0.9,
                        }],
                    },
                ],
            }],
        };
        let bytes = pdf(&document).expect("typesets");
        assert!(bytes.starts_with(b"%PDF-"));
    }
}
