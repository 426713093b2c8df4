//! iCalendar for group sessions: the private feeds and the invitations sent by e-mail.
//! An event says when, where and the meeting link; never who takes part.

use crate::i18n;
use crate::state::AppState;
use icalendar::{Calendar, Component, EventLike};
use onramp_domain::identity::Language;
use onramp_store::group_sessions::GroupSession;

/// The online room of a session, under the deployment's meeting service; `None` for a session
/// without a room.
pub fn meeting_url(meeting_base_url: &str, session: &GroupSession) -> Option<String> {
    let room = session.room.as_deref()?;
    Some(format!("{}/onramp-{room}", meeting_base_url.trim_end_matches('/')))
}

/// One session as a calendar event.
pub fn session_event(meeting_base_url: &str, lang: Language, s: &GroupSession) -> icalendar::Event {
    let online = i18n::text(lang, "session-online");
    let place = match (&s.location_name, s.online) {
        (Some(location), false) => format!("{} · {location}", s.organisation_name),
        (Some(location), true) => format!("{} · {location} / {online}", s.organisation_name),
        (None, _) => online,
    };
    let mut event = icalendar::Event::new();
    event
        .uid(&format!("{}@onramp", s.id))
        .summary(&format!("{} ({}/{})", s.title, s.position, s.series_size))
        .starts(s.starts_at)
        .ends(s.starts_at + chrono::Duration::minutes(i64::from(s.minutes)))
        .location(&place);
    if let Some(url) = meeting_url(meeting_base_url, s) {
        event.description(&url).url(&url);
    }
    event.done()
}

/// A feed of sessions under a name, as iCalendar text.
pub fn feed(meeting_base_url: &str, name: &str, lang: Language, sessions: &[GroupSession]) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name);
    for session in sessions {
        calendar.push(session_event(meeting_base_url, lang, session));
    }
    calendar.done().to_string()
}

/// An invitation to one session (`METHOD:REQUEST`), to attach to an e-mail.
pub fn invitation(meeting_base_url: &str, lang: Language, session: &GroupSession) -> String {
    let mut calendar = Calendar::new();
    calendar.append_property(icalendar::Property::new("METHOD", "REQUEST"));
    calendar.push(session_event(meeting_base_url, lang, session));
    calendar.done().to_string()
}

/// The address a feed's secret opens, on the host the request came to.
pub fn feed_url(state: &AppState, headers: &axum::http::HeaderMap, secret: &str) -> String {
    format!("{}/calendar/{secret}.ics", site_url(state, headers))
}

/// The address of this site as the request reached it (scheme and host), for links that leave
/// it: calendar feeds, the portal's invitations.
pub fn site_url(state: &AppState, headers: &axum::http::HeaderMap) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:8080");
    let scheme = if state.config.cookie_secure { "https" } else { "http" };
    format!("{scheme}://{host}")
}
