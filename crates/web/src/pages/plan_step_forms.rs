//! The action plan's steps as the plan page shows them, each with its small forms (done, dropped,
//! change), and the form that adds a step. Sent to `plan_steps`, which makes one new version.

use super::form::Form;
use super::layout::Page;
use super::options::Options;
use crate::time::today;
use onramp_domain::plan_steps::is_overdue;
use onramp_domain::plans::{ActionPlan, Lever, Step, StepStatus};

/// One step, with its texts in the page's language and the form that changes it.
pub struct StepLine {
    pub id: String,
    pub description: String,
    pub owner: String,
    pub due_on: String,
    pub status: String,
    pub levers: String,
    pub from_canvas: bool,
    /// Still to do and past its due date: said in words beside the date.
    pub overdue: bool,
    /// Still to do (planned or in progress): it can be ticked off.
    pub open: bool,
    /// Proposed by the participant: it waits for the coach to accept or decline it.
    pub proposed: bool,
    /// The statuses its buttons set: done or dropped, or for a proposal planned (accept) or
    /// dropped (decline).
    pub quick_statuses: &'static [&'static str],
    /// The message prefix of those buttons' labels (`plan-step-mark`, `plan-step-answer`).
    pub quick_labels: &'static str,
    /// The change form: the step as it is, or what was typed after a failed change.
    pub form: Form,
    /// The change form failed: it opens with its errors.
    pub failed: bool,
}

impl StepLine {
    pub fn of(p: &Page, step: &Step, shared_now: bool) -> Self {
        let mut values = vec![
            ("description".to_owned(), step.description.clone()),
            ("owner".to_owned(), step.owner.as_str().to_owned()),
            (
                "due_on".to_owned(),
                step.due_on.map(|d| d.to_string()).unwrap_or_default(),
            ),
            ("status".to_owned(), step.status.as_str().to_owned()),
        ];
        values.extend(step.levers.iter().map(|l| ("levers".to_owned(), l.as_str().to_owned())));
        if shared_now {
            values.push(("shared".to_owned(), "on".to_owned()));
        }
        StepLine {
            id: step.id.clone(),
            description: step.description.clone(),
            owner: p.label("step-owner", step.owner),
            due_on: step.due_on.map(|d| p.date(&d)).unwrap_or_default(),
            status: p.label("step-status", step.status),
            levers: step
                .levers
                .iter()
                .map(|l| p.label("lever", l))
                .collect::<Vec<_>>()
                .join(", "),
            from_canvas: step.canvas_item.is_some(),
            overdue: is_overdue(step, today()),
            open: step.status.is_open(),
            proposed: step.status == StepStatus::Proposed,
            quick_statuses: if step.status == StepStatus::Proposed {
                &["planned", "dropped"]
            } else {
                &["done", "dropped"]
            },
            quick_labels: if step.status == StepStatus::Proposed {
                "plan-step-answer"
            } else {
                "plan-step-mark"
            },
            form: Form::with_values(values).prefixed(format!("step-{}", step.id)),
            failed: false,
        }
    }

    /// Shows a failed change: what the change form sent, or, after a "done" or "dropped" button,
    /// the step as it is with the error beside it.
    pub fn failed_with(&mut self, failed: &Form) {
        let full = failed.has("share_box", "1");
        let values = if full {
            failed.values().to_vec()
        } else {
            self.form.values().to_vec()
        };
        let mut form = Form::with_values(values).prefixed(format!("step-{}", self.id));
        form.errors = failed.errors.clone();
        self.form = form;
        self.failed = full;
    }
}

/// The form that adds a step (with its errors after a failed try).
pub struct AddStep {
    pub form: Form,
}

impl AddStep {
    /// The key of the add form among the forms of the page (no step id has an underscore).
    pub const KEY: &'static str = "new_step";

    pub fn new(shared_now: bool) -> Self {
        let values = if shared_now {
            vec![("shared".to_owned(), "on".to_owned())]
        } else {
            Vec::new()
        };
        AddStep {
            form: Form::with_values(values).prefixed(Self::KEY),
        }
    }

    pub fn failed(form: Form) -> Self {
        AddStep {
            form: form.prefixed(Self::KEY),
        }
    }
}

/// The goals of the plan, to choose the one a new step goes under.
pub fn goal_choices(plan: &ActionPlan) -> Options {
    plan.goals.iter().map(|g| (g.id.clone(), g.title.clone())).collect()
}

pub fn status_options(p: &Page) -> Options {
    StepStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), p.label("step-status", s)))
        .collect()
}

pub fn lever_options(p: &Page) -> Options {
    Lever::ALL
        .iter()
        .map(|l| (l.as_str().to_owned(), p.label("lever", l)))
        .collect()
}
