//! The worklist on the home page (a coach's, care team's or peer expert's items; a coordinator's
//! numbers and targets) and one kind in full at `/worklist?kind=…`.

use super::layout::Page;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::service::dashboard_trend;
use crate::service::worklist::{WorkItem, Worklist};
use crate::state::AppState;
use chrono::Datelike;
use onramp_domain::worklist::Kind;

/// Items of each kind on the home page; the rest is on the kind's own list.
pub const HOME_LIMIT: i64 = 10;
/// Items on a kind's own list.
pub const LIST_LIMIT: i64 = 200;

/// One line of the list, its texts ready in the page's language.
pub struct Line {
    pub link: String,
    /// The link's text: who or what, so that it makes sense read alone.
    pub text: String,
    /// When, and in what way ("due 05-03-2026", "no contact since …").
    pub when: String,
    /// A warning said in words (overdue, today, past the maximum), empty when none.
    pub flag: String,
}

/// The work of one kind.
pub struct Group {
    pub kind: &'static str,
    pub title: String,
    pub count: i64,
    pub lines: Vec<Line>,
    /// The link to the whole list, when this shows part of it.
    pub more: Option<String>,
}

pub fn groups(p: &Page, list: &Worklist) -> Vec<Group> {
    list.counts
        .iter()
        .filter_map(|c| {
            let kind = Kind::parse(&c.kind).ok()?;
            let lines: Vec<Line> = list
                .items
                .iter()
                .filter(|i| i.kind == c.kind)
                .map(|i| line(p, kind, i))
                .collect();
            let shown = i64::try_from(lines.len()).unwrap_or(i64::MAX);
            // Counts are of people (or plans, sessions); steps are listed one by one.
            let partial = shown < c.count || (kind == Kind::Step && shown >= HOME_LIMIT);
            Some(Group {
                kind: kind.as_str(),
                title: p.label("worklist-kind", kind),
                count: c.count,
                more: (partial && !list.counted).then(|| c.link.clone()),
                lines,
            })
        })
        .collect()
}

fn line(p: &Page, kind: Kind, item: &WorkItem) -> Line {
    let name = item.participant_name.clone().unwrap_or_default();
    let detail = item.detail.clone().unwrap_or_default();
    let date = p.date(&item.due_on);
    let text = match kind {
        Kind::Session | Kind::Attendance => detail,
        Kind::Step if !detail.is_empty() => {
            let owner = item
                .owner
                .as_deref()
                .map(|o| p.label("step-owner", o))
                .unwrap_or_default();
            p.t2("worklist-step", "name", &name, "step", format!("{detail} ({owner})"))
        }
        Kind::Comment | Kind::Proposal => p.t2(
            &format!("worklist-{kind}"),
            "name",
            &name,
            "plan",
            p.label("plan-kind", &detail),
        ),
        _ => name,
    };
    let flag = match (kind, item.overdue) {
        (Kind::Session, true) => p.t("worklist-today"),
        (Kind::Ending, true) => p.t("worklist-past-maximum"),
        (Kind::NoContact | Kind::Comment | Kind::Proposal | Kind::Session, _) | (_, false) => String::new(),
        (_, true) => p.t("worklist-overdue"),
    };
    Line {
        link: item.link.clone(),
        text,
        when: p.t1(&format!("worklist-when-{kind}"), "date", date),
        flag,
    }
}

/// A figure of a region against its target, in words.
pub struct Target {
    pub region: String,
    pub figure: String,
    pub value: String,
    pub target: String,
    /// "below target" when it is, empty otherwise.
    pub below: String,
}

/// The coordinator's regions' figures this year against the agreements' targets: the share of
/// those contacted who took a step (against `steps_target_percent`), and the people reached
/// (against the year's `reach_target`, pro rata for the days gone).
pub async fn targets(state: &AppState, ctx: &Ctx, p: &Page) -> Result<Vec<Target>, AppError> {
    let today = crate::time::today();
    let from = today.with_ordinal(1).unwrap_or(today);
    let regions = crate::service::regions::list(state, ctx).await?;
    let mut targets = Vec::new();
    for region in regions.iter().filter(|r| ctx.actor.regions.contains(&r.id)) {
        let request = crate::service::dashboard::Request {
            from,
            to: today,
            organisation_id: None,
            region_id: Some(region.id),
            programme_id: None,
            location_id: None,
            coach_id: None,
        };
        let d = crate::service::dashboard::figures(state, ctx, request).await?;
        let below = |is_below: bool| {
            if is_below {
                p.t("worklist-below-target")
            } else {
                String::new()
            }
        };
        // The dashboard's own targets (`dashboard_trend::target`), pro rata for the days gone.
        if let Some(target) = dashboard_trend::target(&d, "took_step_percent_of_contacted") {
            let value = d.took_step_percent_of_contacted;
            targets.push(Target {
                region: region.name.clone(),
                figure: p.t("dashboard-steps-contacted"),
                value: value.map_or("—".to_owned(), |v| p.percent(v)),
                target: p.percent(target),
                below: below(value.is_some_and(|v| v < target)),
            });
        }
        if let Some(due) = dashboard_trend::target(&d, "contacted") {
            targets.push(Target {
                region: region.name.clone(),
                figure: p.t("dashboard-contacted"),
                value: d.contacted.to_string(),
                target: p.t2("worklist-reach-target", "due", due, "year", d.reach_target),
                below: below((d.contacted as f64) < due),
            });
        }
    }
    Ok(targets)
}
