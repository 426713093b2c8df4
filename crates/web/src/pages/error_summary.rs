//! A page that failed a form's checks says so before anything else: its title starts with
//! "Error:", and each link of its error summary names the field it leads to. Field labels are
//! written by the forms' macros further down the page than the summary, so the summary's links are
//! completed once the whole page is rendered, from the labels (or fieldset legends) they point to.

use crate::i18n;
use onramp_domain::identity::Language;

const SUMMARY: &str = "class=\"error-summary\"";

/// The page with its title and error summary completed; unchanged without an error summary.
pub fn complete(html: String) -> String {
    let Some(start) = html.find(SUMMARY) else {
        return html;
    };
    let end = html[start..].find("</div>").map_or(html.len(), |e| start + e);
    let mut summary = html[start..end].to_owned();
    let mut from = 0;
    while let Some(at) = summary[from..].find("<a href=\"#").map(|a| from + a) {
        let id_start = at + "<a href=\"#".len();
        let Some(id_len) = summary[id_start..].find('"') else {
            break;
        };
        let id = summary[id_start..id_start + id_len].to_owned();
        let text_start = id_start + id_len + 2;
        from = text_start;
        if let Some(label) = label_of(&html, &id) {
            summary.insert_str(text_start, &format!("{label}: "));
            from += label.len() + 2;
        }
    }
    let html = format!("{}{}{}", &html[..start], summary, &html[end..]);
    prefix_title(html)
}

/// The text of the `<label for="id">`, or the `<legend>` of the fieldset with that id.
fn label_of(html: &str, id: &str) -> Option<String> {
    let label = format!("<label for=\"{id}\">");
    if let Some(at) = html.find(&label) {
        let text = &html[at + label.len()..];
        return text.find("</label>").map(|end| plain(&text[..end]));
    }
    let fieldset = html.find(&format!("id=\"{id}\""))?;
    let legend = html[fieldset..].find("<legend>")? + fieldset + "<legend>".len();
    html[legend..]
        .find("</legend>")
        .map(|end| plain(&html[legend..legend + end]))
}

/// Markup inside a label (a required mark, a hint) left out; the words kept.
fn plain(inner: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in inner.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn prefix_title(html: String) -> String {
    let lang = html
        .find("<html lang=\"")
        .and_then(|at| html.get(at + 12..at + 14))
        .and_then(|code| Language::parse(code).ok())
        .unwrap_or(Language::En);
    let prefix = i18n::text(lang, "title-error-prefix");
    html.replacen("<title>", &format!("<title>{prefix} "), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r##"<!doctype html>
<html lang="nl">
<head><title>Nieuwe deelnemer · onramp</title></head>
<body>
<div class="error-summary" role="alert" tabindex="-1"><h2>Fouten</h2><ul>
<li><a href="#f-first_name">Vul dit veld in.</a></li>
<li><a href="#f-programme_ids">Kies er minstens één.</a></li>
<li><a href="#f-hidden">Onbekend.</a></li>
</ul></div>
<label for="f-first_name">Voornaam <span class="required">(verplicht)</span></label>
<fieldset id="f-programme_ids"><legend>Programma’s</legend></fieldset>
</body></html>"##;

    #[test]
    fn each_link_names_its_field_and_the_title_says_error() {
        let html = complete(PAGE.to_owned());
        assert!(
            html.contains("<a href=\"#f-first_name\">Voornaam (verplicht): Vul dit veld in.</a>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"#f-programme_ids\">Programma’s: Kies er minstens één.</a>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"#f-hidden\">Onbekend.</a>"),
            "a field without a label keeps its message"
        );
        assert!(
            html.contains("<title>Fout: Nieuwe deelnemer · onramp</title>"),
            "{html}"
        );
    }

    #[test]
    fn a_page_without_errors_is_left_alone() {
        let page = "<html lang=\"en\"><head><title>Caseload · onramp</title></head></html>".to_owned();
        assert_eq!(complete(page.clone()), page);
    }
}
