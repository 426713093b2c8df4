//! One change to one step of an action plan: add a step, change a step, or tick one off (done,
//! dropped), without sending the whole plan. The service makes a new version from the current
//! one with this change alone; the coach's plan page, the API and the participant's portal all
//! go through [`apply`].

use crate::FieldErrors;
use crate::participants::parse_optional_date;
use crate::plans::{ActionPlan, Goal, ITEM_MAX, Lever, MAX_ITEMS, Step, StepOwner, StepStatus, parse_levers};
use crate::validation::{optional_text, required_text};
use chrono::NaiveDate;

/// The raw fields of one step's change. `None` leaves a field as it is; a new step needs a
/// description and who does it, and is planned unless said otherwise.
#[derive(Debug, Clone, Default)]
pub struct StepEdit {
    /// Blank leaves the description as it is (a step keeps a text; remove it in the plan's editor).
    pub description: Option<String>,
    pub owner: Option<String>,
    /// A date, or blank for no date.
    pub due_on: Option<String>,
    pub status: Option<String>,
    pub levers: Option<Vec<String>>,
}

impl StepEdit {
    /// Ticks a step off: `done` or `dropped` (or back to `planned`, `in_progress`).
    pub fn status(status: &str) -> Self {
        StepEdit {
            status: Some(status.to_owned()),
            ..Default::default()
        }
    }
}

/// Which step a change is about.
#[derive(Debug, Clone)]
pub enum StepTarget {
    /// A new step under the goal `goal_id`, or, when that is blank, under a new goal titled
    /// `goal_title`.
    New { goal_id: String, goal_title: String },
    /// The step with this id.
    Existing(String),
}

/// The parsed fields of a change: `None` is "as it is".
struct Parsed {
    description: Option<String>,
    owner: Option<StepOwner>,
    due_on: Option<Option<NaiveDate>>,
    status: Option<StepStatus>,
    levers: Option<Vec<Lever>>,
}

/// A value given and not blank.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn parse(edit: &StepEdit, errors: &mut FieldErrors) -> Parsed {
    let description = edit
        .description
        .as_deref()
        .and_then(|d| errors.check("description", optional_text(d, ITEM_MAX)).flatten());
    let owner = given(&edit.owner).and_then(|o| errors.check("owner", StepOwner::parse(o)));
    let status = given(&edit.status).and_then(|s| errors.check("status", StepStatus::parse(s)));
    let due_on = edit
        .due_on
        .as_deref()
        .and_then(|d| errors.check("due_on", parse_optional_date(d)));
    let levers = edit
        .levers
        .as_ref()
        .map(|given| parse_levers(given, |code| errors.add("levers", code)));
    Parsed {
        description,
        owner,
        due_on,
        status,
        levers,
    }
}

/// Applies one change to `plan` and returns the id of the step it concerns. Every bad field is
/// named at once (`description`, `owner`, `due_on`, `status`, `levers`, `goal_id`, `goal_title`);
/// a step that is not in the plan is `step_id`: `invalid-reference`.
pub fn apply(
    plan: &mut ActionPlan,
    target: &StepTarget,
    edit: &StepEdit,
    fresh: &mut impl FnMut() -> String,
) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::new();
    let parsed = parse(edit, &mut errors);
    match target {
        StepTarget::Existing(id) => {
            let Some(step) = plan.step_mut(id) else {
                errors.add("step_id", "invalid-reference");
                return Err(errors);
            };
            if !errors.is_empty() {
                return Err(errors);
            }
            change(step, parsed);
            Ok(id.clone())
        }
        StepTarget::New { goal_id, goal_title } => {
            let goal = goal_for(plan, goal_id, goal_title, &mut errors);
            if parsed.description.is_none() && errors.for_field("description").is_none() {
                errors.add("description", "required");
            }
            if parsed.owner.is_none() && errors.for_field("owner").is_none() {
                errors.add("owner", "required");
            }
            let (Some(goal), Some(description), Some(owner)) = (goal, parsed.description.clone(), parsed.owner) else {
                return Err(errors);
            };
            let added = if matches!(goal, GoalAt::New(_)) { 2 } else { 1 };
            if plan.item_count() + added > MAX_ITEMS {
                errors.add("description", "too-many-items");
            }
            if !errors.is_empty() {
                return Err(errors);
            }
            let id = fresh();
            let step = Step {
                id: id.clone(),
                description,
                owner,
                due_on: parsed.due_on.flatten(),
                status: parsed.status.unwrap_or(StepStatus::Planned),
                levers: parsed.levers.unwrap_or_default(),
                canvas_item: None,
            };
            let index = match goal {
                GoalAt::Existing(index) => index,
                GoalAt::New(title) => {
                    plan.goals.push(Goal {
                        id: fresh(),
                        title,
                        steps: Vec::new(),
                    });
                    plan.goals.len() - 1
                }
            };
            plan.goals[index].steps.push(step);
            Ok(id)
        }
    }
}

enum GoalAt {
    Existing(usize),
    New(String),
}

fn goal_for(plan: &ActionPlan, goal_id: &str, goal_title: &str, errors: &mut FieldErrors) -> Option<GoalAt> {
    match goal_id.trim() {
        "" => errors
            .check("goal_title", required_text(goal_title, ITEM_MAX))
            .map(GoalAt::New),
        id => {
            let found = plan.goals.iter().position(|g| g.id == id).map(GoalAt::Existing);
            if found.is_none() {
                errors.add("goal_id", "invalid-reference");
            }
            found
        }
    }
}

fn change(step: &mut Step, parsed: Parsed) {
    if let Some(description) = parsed.description {
        step.description = description;
    }
    if let Some(owner) = parsed.owner {
        step.owner = owner;
    }
    if let Some(due_on) = parsed.due_on {
        step.due_on = due_on;
    }
    if let Some(status) = parsed.status {
        step.status = status;
    }
    if let Some(levers) = parsed.levers {
        step.levers = levers;
    }
}

/// Whether a step still to do is past its due date on `today` (the plan page says so in words).
pub fn is_overdue(step: &Step, today: NaiveDate) -> bool {
    step.status.is_open() && step.due_on.is_some_and(|d| d < today)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counter() -> impl FnMut() -> String {
        let mut n = 0;
        move || {
            n += 1;
            format!("n{n}")
        }
    }

    fn plan() -> ActionPlan {
        ActionPlan {
            goals: vec![Goal {
                id: "g1".into(),
                title: "Work again".into(),
                steps: vec![Step {
                    id: "s1".into(),
                    description: "Call the employer".into(),
                    owner: StepOwner::Participant,
                    due_on: "2026-03-01".parse().ok(),
                    status: StepStatus::Planned,
                    levers: vec![Lever::GrowthJob],
                    canvas_item: Some("c1".into()),
                }],
            }],
        }
    }

    #[test]
    fn ticking_a_step_off_changes_its_status_alone() {
        let mut changed = plan();
        let id = apply(
            &mut changed,
            &StepTarget::Existing("s1".into()),
            &StepEdit::status("done"),
            &mut counter(),
        )
        .unwrap();
        assert_eq!(id, "s1");
        let mut expected = plan();
        expected.goals[0].steps[0].status = StepStatus::Done;
        assert_eq!(changed, expected, "everything else, the canvas link too, as it was");
    }

    #[test]
    fn a_change_sets_what_it_names_and_a_blank_date_clears_the_date() {
        let mut changed = plan();
        let edit = StepEdit {
            description: Some("  ".into()),
            owner: Some("coach".into()),
            due_on: Some(String::new()),
            levers: Some(vec![]),
            ..Default::default()
        };
        apply(&mut changed, &StepTarget::Existing("s1".into()), &edit, &mut counter()).unwrap();
        let step = &changed.goals[0].steps[0];
        assert_eq!(
            step.description, "Call the employer",
            "a blank description is no change"
        );
        assert_eq!(
            (step.owner, step.due_on, step.levers.len()),
            (StepOwner::Coach, None, 0)
        );
    }

    #[test]
    fn a_new_step_needs_a_text_and_an_owner_and_a_goal() {
        let mut changed = plan();
        let target = StepTarget::New {
            goal_id: String::new(),
            goal_title: String::new(),
        };
        let errors = apply(&mut changed, &target, &StepEdit::default(), &mut counter()).unwrap_err();
        let named: Vec<(&str, &str)> = errors.0.iter().map(|e| (e.field.as_ref(), e.code)).collect();
        assert_eq!(
            named,
            [
                ("goal_title", "required"),
                ("description", "required"),
                ("owner", "required")
            ]
        );
        assert_eq!(changed, plan(), "nothing changed");
        let elsewhere = StepTarget::New {
            goal_id: "g9".into(),
            goal_title: String::new(),
        };
        let errors = apply(&mut changed, &elsewhere, &StepEdit::default(), &mut counter()).unwrap_err();
        assert_eq!(errors.0[0].code, "invalid-reference");
    }

    #[test]
    fn a_new_step_goes_under_its_goal_or_a_new_one() {
        let mut changed = plan();
        let edit = StepEdit {
            description: Some("Visit the kitchen".into()),
            owner: Some("coach".into()),
            due_on: Some("2026-04-01".into()),
            ..Default::default()
        };
        let under_g1 = StepTarget::New {
            goal_id: "g1".into(),
            goal_title: String::new(),
        };
        let mut fresh = counter();
        assert_eq!(apply(&mut changed, &under_g1, &edit, &mut fresh).unwrap(), "n1");
        assert_eq!(changed.goals[0].steps[1].status, StepStatus::Planned);
        let new_goal = StepTarget::New {
            goal_id: String::new(),
            goal_title: "Learn to drive".into(),
        };
        assert_eq!(apply(&mut changed, &new_goal, &edit, &mut fresh).unwrap(), "n2");
        assert_eq!(
            (changed.goals[1].id.as_str(), changed.goals[1].title.as_str()),
            ("n3", "Learn to drive")
        );
    }

    #[test]
    fn bad_fields_are_named_and_an_unknown_step_is_a_bad_reference() {
        let mut changed = plan();
        let edit = StepEdit {
            owner: Some("boss".into()),
            due_on: Some("soon".into()),
            status: Some("someday".into()),
            levers: Some(vec!["luck".into()]),
            ..Default::default()
        };
        let errors = apply(&mut changed, &StepTarget::Existing("s1".into()), &edit, &mut counter()).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["owner", "status", "due_on", "levers"]);
        assert_eq!(changed, plan());
        let errors = apply(
            &mut changed,
            &StepTarget::Existing("s9".into()),
            &StepEdit::status("done"),
            &mut counter(),
        )
        .unwrap_err();
        assert_eq!(
            (errors.0[0].field.as_ref(), errors.0[0].code),
            ("step_id", "invalid-reference")
        );
    }

    #[test]
    fn only_a_step_still_to_do_past_its_date_is_overdue() {
        let today: NaiveDate = "2026-03-02".parse().unwrap();
        let mut step = plan().goals[0].steps[0].clone();
        assert!(is_overdue(&step, today));
        assert!(
            !is_overdue(&step, "2026-03-01".parse().unwrap()),
            "due today is not overdue"
        );
        step.status = StepStatus::Done;
        assert!(!is_overdue(&step, today));
        step.status = StepStatus::InProgress;
        step.due_on = None;
        assert!(!is_overdue(&step, today));
    }
}
