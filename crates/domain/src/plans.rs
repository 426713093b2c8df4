//! The documents a participant and their coach work on together, per trajectory: the work
//! (recovery) action plan, the recovery plan in the WRAP structure, and the personal business
//! model canvas. Each is kept whole in every version, so any version can be shown or compared.
//!
//! Items carry stable ids (goals, steps, canvas items), so that a comparison follows an item
//! through edits and a canvas item stays linked to the step made from it.

use crate::FieldErrors;
use crate::identity::string_enum;
use crate::participants::parse_optional_date;
use crate::validation::{optional_multiline, optional_text, required_text};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

string_enum! {
    /// Which document.
    PlanKind {
        Action = "action",
        Recovery = "recovery",
        Canvas = "canvas",
    }
}

string_enum! {
    /// Who carries out a step.
    StepOwner {
        Participant = "participant",
        Coach = "coach",
        CarePartner = "care_partner",
        Employer = "employer",
    }
}

string_enum! {
    StepStatus {
        /// Proposed by the participant in the portal, waiting for the coach to accept (planned)
        /// or decline (dropped).
        Proposed = "proposed",
        Planned = "planned",
        InProgress = "in_progress",
        Done = "done",
        Dropped = "dropped",
    }
}

impl StepStatus {
    /// Still to do: planned or in progress (not done, not dropped).
    pub fn is_open(self) -> bool {
        matches!(self, StepStatus::Planned | StepStatus::InProgress)
    }
}

string_enum! {
    /// The seeds' levers towards sustainable work that a step can use.
    Lever {
        ReasonableAdjustment = "reasonable_adjustment",
        LearningOpportunity = "learning_opportunity",
        GrowthJob = "growth_job",
        JobCrafting = "job_crafting",
    }
}

string_enum! {
    /// The parts of a Wellness Recovery Action Plan, in its order.
    WrapSection {
        WellnessToolbox = "wellness_toolbox",
        WhenWell = "when_well",
        EveryDay = "every_day",
        Reminders = "reminders",
        Triggers = "triggers",
        TriggerPlan = "trigger_plan",
        EarlyWarningSigns = "early_warning_signs",
        EarlyWarningPlan = "early_warning_plan",
        BreakingDown = "breaking_down",
        BreakingDownPlan = "breaking_down_plan",
        CrisisSupporters = "crisis_supporters",
        CrisisNotInvolved = "crisis_not_involved",
        CrisisHelps = "crisis_helps",
        PostCrisis = "post_crisis",
    }
}

string_enum! {
    /// The nine blocks of a personal business model canvas (Boost2work).
    CanvasBlock {
        WhoIHelp = "who_i_help",
        HowIHelp = "how_i_help",
        Channels = "channels",
        Interaction = "interaction",
        WhatIGet = "what_i_get",
        WhoIAm = "who_i_am",
        WhatIDo = "what_i_do",
        WhoHelpsMe = "who_helps_me",
        WhatIGive = "what_i_give",
    }
}

/// A step still to do counts as falling due on the caseload this many days before its due date
/// (and as overdue after it).
pub const STEP_DUE_WITHIN_DAYS: u64 = 7;

/// Longest text of a goal, step or canvas item, and of a recovery-plan section.
pub const ITEM_MAX: usize = 500;
const SECTION_MAX: usize = 4000;
/// A plan this large is no longer a plan a person can follow.
pub const MAX_ITEMS: usize = 200;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionPlan {
    pub goals: Vec<Goal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub id: String,
    pub title: String,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub id: String,
    pub description: String,
    pub owner: StepOwner,
    pub due_on: Option<NaiveDate>,
    pub status: StepStatus,
    pub levers: Vec<Lever>,
    /// The canvas item this step was made from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canvas_item: Option<String>,
}

impl ActionPlan {
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.goals.iter().flat_map(|g| &g.steps).find(|s| s.id == id)
    }

    pub fn step_mut(&mut self, id: &str) -> Option<&mut Step> {
        self.goals.iter_mut().flat_map(|g| &mut g.steps).find(|s| s.id == id)
    }

    /// Goals and steps together: what [`MAX_ITEMS`] bounds.
    pub fn item_count(&self) -> usize {
        self.goals.len() + self.goals.iter().map(|g| g.steps.len()).sum::<usize>()
    }

    /// Whether a step the participant proposed waits for an answer.
    pub fn has_proposals(&self) -> bool {
        self.goals
            .iter()
            .flat_map(|g| &g.steps)
            .any(|s| s.status == StepStatus::Proposed)
    }

    /// The steps still to do (planned or in progress) that have a due date, as (step id, due
    /// date): what the caseload counts as falling due.
    pub fn open_steps_due(&self) -> Vec<(&str, NaiveDate)> {
        self.goals
            .iter()
            .flat_map(|g| &g.steps)
            .filter(|s| s.status.is_open())
            .filter_map(|s| Some((s.id.as_str(), s.due_on?)))
            .collect()
    }
}

/// The WRAP sections, each free text (one thing per line).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryPlan {
    pub sections: BTreeMap<WrapSection, String>,
}

impl RecoveryPlan {
    /// The things a section lists, one per line, without list marks or blank lines.
    pub fn lines(&self, section: WrapSection) -> Vec<&str> {
        self.sections
            .get(&section)
            .map(|text| {
                text.lines()
                    .map(|l| l.trim().trim_start_matches(['-', '*', '•']).trim())
                    .filter(|l| !l.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Canvas {
    pub items: Vec<CanvasItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CanvasItem {
    pub id: String,
    pub block: CanvasBlock,
    pub text: String,
    /// The action-plan step made from this item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
}

/// One version of any of the three documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PlanContent {
    Action(ActionPlan),
    Recovery(RecoveryPlan),
    Canvas(Canvas),
}

impl PlanContent {
    pub fn kind(&self) -> PlanKind {
        match self {
            PlanContent::Action(_) => PlanKind::Action,
            PlanContent::Recovery(_) => PlanKind::Recovery,
            PlanContent::Canvas(_) => PlanKind::Canvas,
        }
    }

    pub fn empty(kind: PlanKind) -> Self {
        match kind {
            PlanKind::Action => PlanContent::Action(ActionPlan::default()),
            PlanKind::Recovery => PlanContent::Recovery(RecoveryPlan::default()),
            PlanKind::Canvas => PlanContent::Canvas(Canvas::default()),
        }
    }
}

/// The raw fields of an action plan, as a form or the API sends them. Blank rows (no text, no
/// date) are left out, so a form can always offer empty rows to add to.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ActionPlanFields {
    pub goals: Vec<GoalFields>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GoalFields {
    pub id: String,
    pub title: String,
    pub steps: Vec<StepFields>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StepFields {
    pub id: String,
    pub description: String,
    pub owner: String,
    pub due_on: String,
    pub status: String,
    pub levers: Vec<String>,
    pub canvas_item: String,
}

impl StepFields {
    fn is_blank(&self) -> bool {
        self.description.trim().is_empty() && self.due_on.trim().is_empty()
    }
}

/// Keeps an item's id, or gives a new item a fresh one. Ids are short and only unique
/// within their document, so the caller supplies the generator.
fn item_id(input: &str, taken: &mut Vec<String>, fresh: &mut impl FnMut() -> String) -> Result<String, &'static str> {
    let input = input.trim();
    let id = if input.is_empty() {
        fresh()
    } else if input.len() > 40 || !input.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err("invalid-id");
    } else {
        input.to_owned()
    };
    if taken.contains(&id) {
        return Err("duplicate-id");
    }
    taken.push(id.clone());
    Ok(id)
}

impl ActionPlanFields {
    /// Parses the plan; every problem is named by its place (`goals[1].steps[0].due_on`).
    pub fn parse(&self, fresh: &mut impl FnMut() -> String) -> Result<ActionPlan, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut taken = Vec::new();
        let mut goals = Vec::new();
        for (g, goal) in self.goals.iter().enumerate() {
            let steps_given: Vec<(usize, &StepFields)> =
                goal.steps.iter().enumerate().filter(|(_, s)| !s.is_blank()).collect();
            if goal.title.trim().is_empty() && steps_given.is_empty() {
                continue;
            }
            let at = |field: &str| format!("goals[{g}].{field}");
            let title = required_text(&goal.title, ITEM_MAX).map_err(|code| errors.add_named(at("title"), code));
            let id = item_id(&goal.id, &mut taken, fresh).map_err(|code| errors.add_named(at("id"), code));
            let mut steps = Vec::new();
            for (s, step) in steps_given {
                let at = |field: &str| format!("goals[{g}].steps[{s}].{field}");
                if let Some(step) = parse_step(step, &mut taken, fresh, &mut |field, code| {
                    errors.add_named(at(field), code)
                }) {
                    steps.push(step);
                }
            }
            if let (Ok(id), Ok(title)) = (id, title) {
                goals.push(Goal { id, title, steps });
            }
        }
        if taken.len() > MAX_ITEMS {
            errors.add("goals", "too-many-items");
        }
        errors.finish(|| ActionPlan { goals })
    }
}

fn parse_step(
    step: &StepFields,
    taken: &mut Vec<String>,
    fresh: &mut impl FnMut() -> String,
    error: &mut impl FnMut(&str, &'static str),
) -> Option<Step> {
    fn kept<T>(parsed: Result<T, &'static str>, field: &str, error: &mut impl FnMut(&str, &'static str)) -> Option<T> {
        parsed.map_err(|code| error(field, code)).ok()
    }
    let description = kept(required_text(&step.description, ITEM_MAX), "description", error);
    let owner = kept(StepOwner::parse(&step.owner), "owner", error);
    let status = match step.status.trim() {
        "" => Some(StepStatus::Planned),
        given => kept(StepStatus::parse(given), "status", error),
    };
    let due_on = kept(parse_optional_date(&step.due_on), "due_on", error);
    let levers = parse_levers(&step.levers, |code| error("levers", code));
    let id = kept(item_id(&step.id, taken, fresh), "id", error);
    let canvas_item = kept(optional_text(&step.canvas_item, 40), "canvas_item", error);
    Some(Step {
        id: id?,
        description: description?,
        owner: owner?,
        due_on: due_on?,
        status: status?,
        levers,
        canvas_item: canvas_item?,
    })
}

/// The levers a step uses, once each; blanks are left out and each unknown one is an error.
pub fn parse_levers(given: &[String], mut error: impl FnMut(&'static str)) -> Vec<Lever> {
    let mut levers = Vec::new();
    for lever in given.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        match Lever::parse(lever) {
            Ok(lever) if !levers.contains(&lever) => levers.push(lever),
            Ok(_) => {}
            Err(code) => error(code),
        }
    }
    levers
}

/// Parses the WRAP sections (`sections.<section>`); unknown sections are refused by name.
pub fn parse_recovery_plan(fields: &BTreeMap<String, String>) -> Result<RecoveryPlan, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut sections = BTreeMap::new();
    for (name, text) in fields {
        let field = format!("sections.{name}");
        match (WrapSection::parse(name), optional_multiline(text, SECTION_MAX)) {
            (Err(_), _) => errors.add_named(field, "invalid-choice"),
            (Ok(_), Err(code)) => errors.add_named(field, code),
            (Ok(section), Ok(Some(text))) => {
                sections.insert(section, text);
            }
            (Ok(_), Ok(None)) => {}
        }
    }
    errors.finish(|| RecoveryPlan { sections })
}

/// The raw fields of one canvas item; an item without text is left out.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CanvasItemFields {
    pub id: String,
    pub block: String,
    pub text: String,
}

/// Parses the canvas, keeping each existing item's link to its step (from `before`).
pub fn parse_canvas(
    items: &[CanvasItemFields],
    before: &Canvas,
    fresh: &mut impl FnMut() -> String,
) -> Result<Canvas, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut taken = Vec::new();
    let mut parsed = Vec::new();
    for (n, item) in items.iter().enumerate().filter(|(_, i)| !i.text.trim().is_empty()) {
        let at = |field: &str| format!("items[{n}].{field}");
        let block = CanvasBlock::parse(&item.block).map_err(|code| errors.add_named(at("block"), code));
        let text = required_text(&item.text, ITEM_MAX).map_err(|code| errors.add_named(at("text"), code));
        let id = item_id(&item.id, &mut taken, fresh).map_err(|code| errors.add_named(at("id"), code));
        if let (Ok(block), Ok(text), Ok(id)) = (block, text, id) {
            let step = before.items.iter().find(|i| i.id == id).and_then(|i| i.step.clone());
            parsed.push(CanvasItem { id, block, text, step });
        }
    }
    if parsed.len() > MAX_ITEMS {
        errors.add("items", "too-many-items");
    }
    errors.finish(|| Canvas { items: parsed })
}

/// One thing a document holds (a goal, a step, a section, a canvas item), flattened for comparing.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    key: String,
    what: &'static str,
    label: String,
    /// The goal a step sits under (by id: renaming the goal does not move its steps).
    parent: Option<String>,
    fields: Vec<(&'static str, String)>,
}

fn entries(content: &PlanContent) -> Vec<Entry> {
    match content {
        PlanContent::Action(plan) => plan
            .goals
            .iter()
            .flat_map(|goal| {
                let head = Entry {
                    key: goal.id.clone(),
                    what: "goal",
                    label: goal.title.clone(),
                    parent: None,
                    fields: vec![("title", goal.title.clone())],
                };
                std::iter::once(head).chain(goal.steps.iter().map(|step| Entry {
                    key: step.id.clone(),
                    what: "step",
                    label: step.description.clone(),
                    parent: Some(goal.id.clone()),
                    fields: vec![
                        ("description", step.description.clone()),
                        ("goal", goal.title.clone()),
                        ("owner", step.owner.as_str().to_owned()),
                        ("due_on", step.due_on.map(|d| d.to_string()).unwrap_or_default()),
                        ("status", step.status.as_str().to_owned()),
                        (
                            "levers",
                            step.levers.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(", "),
                        ),
                    ],
                }))
            })
            .collect(),
        PlanContent::Recovery(plan) => WrapSection::ALL
            .iter()
            .map(|section| Entry {
                key: section.as_str().to_owned(),
                what: "section",
                label: section.as_str().to_owned(),
                parent: None,
                fields: vec![("text", plan.sections.get(section).cloned().unwrap_or_default())],
            })
            .collect(),
        PlanContent::Canvas(canvas) => canvas
            .items
            .iter()
            .map(|item| Entry {
                key: item.id.clone(),
                what: "item",
                label: item.text.clone(),
                parent: None,
                fields: vec![("block", item.block.as_str().to_owned()), ("text", item.text.clone())],
            })
            .collect(),
    }
}

string_enum! {
    ChangeKind {
        Added = "added",
        Removed = "removed",
        Changed = "changed",
    }
}

/// One field's value before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub before: String,
    pub after: String,
}

/// How one goal, step, section or item differs between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub change: ChangeKind,
    /// `goal`, `step`, `section` or `item`.
    pub what: &'static str,
    /// The item's text (as in the later version when it is still there).
    pub label: String,
    pub fields: Vec<FieldChange>,
}

/// What changed from `before` to `after`, in the order of `after` with removed items last.
/// A section that was empty and stays empty is no difference.
pub fn compare(before: &PlanContent, after: &PlanContent) -> Vec<Difference> {
    let old = entries(before);
    let new = entries(after);
    let mut differences = Vec::new();
    for entry in &new {
        match old.iter().find(|o| o.key == entry.key) {
            None if entry.fields.iter().all(|(_, v)| v.is_empty()) => {}
            None => differences.push(Difference {
                change: ChangeKind::Added,
                what: entry.what,
                label: entry.label.clone(),
                fields: field_changes(&[], &entry.fields),
            }),
            Some(previous) => {
                let mut fields = field_changes(&previous.fields, &entry.fields);
                if previous.parent == entry.parent {
                    fields.retain(|f| f.field != "goal");
                }
                if !fields.is_empty() {
                    // A recovery-plan section is always there; filling or clearing it adds or removes.
                    let empty = |e: &Entry| e.fields.iter().all(|(_, v)| v.is_empty());
                    let empty_now = empty(entry);
                    let change = match (empty(previous), empty_now) {
                        (true, _) => ChangeKind::Added,
                        (_, true) => ChangeKind::Removed,
                        _ => ChangeKind::Changed,
                    };
                    differences.push(Difference {
                        change,
                        what: entry.what,
                        label: if empty_now {
                            previous.label.clone()
                        } else {
                            entry.label.clone()
                        },
                        fields,
                    });
                }
            }
        }
    }
    for entry in old.iter().filter(|o| !new.iter().any(|n| n.key == o.key)) {
        differences.push(Difference {
            change: ChangeKind::Removed,
            what: entry.what,
            label: entry.label.clone(),
            fields: field_changes(&entry.fields, &[]),
        });
    }
    differences
}

fn field_changes(before: &[(&'static str, String)], after: &[(&'static str, String)]) -> Vec<FieldChange> {
    let value = |list: &[(&'static str, String)], field: &str| {
        list.iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut names: Vec<&'static str> = after.iter().map(|(f, _)| *f).collect();
    names.extend(
        before
            .iter()
            .map(|(f, _)| *f)
            .filter(|f| !after.iter().any(|(a, _)| a == f)),
    );
    names
        .into_iter()
        .map(|field| FieldChange {
            field,
            before: value(before, field),
            after: value(after, field),
        })
        .filter(|c| c.before != c.after)
        .collect()
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

    fn step(description: &str, due_on: &str) -> StepFields {
        StepFields {
            description: description.into(),
            owner: "participant".into(),
            due_on: due_on.into(),
            ..Default::default()
        }
    }

    #[test]
    fn blank_rows_are_left_out_and_new_items_get_ids() {
        let fields = ActionPlanFields {
            goals: vec![
                GoalFields {
                    title: "Back to my old job".into(),
                    steps: vec![step("Talk to the occupational physician", "2026-12-01"), step("", "")],
                    ..Default::default()
                },
                GoalFields::default(),
            ],
        };
        let plan = fields.parse(&mut counter()).unwrap();
        assert_eq!(plan.goals.len(), 1);
        assert_eq!(plan.goals[0].id, "n1");
        assert_eq!(plan.goals[0].steps.len(), 1);
        assert_eq!(plan.goals[0].steps[0].status, StepStatus::Planned);
        assert_eq!(plan.goals[0].steps[0].id, "n2");
    }

    #[test]
    fn every_bad_field_is_named_by_its_place() {
        let mut bad = step("Ask for an adjusted workplace", "1 December");
        bad.owner = "boss".into();
        bad.levers = vec!["growth_job".into(), "luck".into()];
        let fields = ActionPlanFields {
            goals: vec![GoalFields {
                steps: vec![step("fine", ""), bad],
                ..Default::default()
            }],
        };
        let errors = fields.parse(&mut counter()).unwrap_err();
        let named: Vec<(String, &str)> = errors.0.iter().map(|e| (e.field.to_string(), e.code)).collect();
        let expected = [
            ("goals[0].title", "required"),
            ("goals[0].steps[1].owner", "invalid-choice"),
            ("goals[0].steps[1].due_on", "invalid-date"),
            ("goals[0].steps[1].levers", "invalid-choice"),
        ];
        assert_eq!(named, expected.map(|(f, c)| (f.to_owned(), c)).to_vec());
    }

    #[test]
    fn a_duplicated_or_malformed_id_is_refused() {
        let mut first = step("one", "");
        first.id = "s1".into();
        let mut second = step("two", "");
        second.id = "s1".into();
        let mut third = step("three", "");
        third.id = "<script>".into();
        let fields = ActionPlanFields {
            goals: vec![GoalFields {
                title: "Goal".into(),
                steps: vec![first, second, third],
                ..Default::default()
            }],
        };
        let errors = fields.parse(&mut counter()).unwrap_err();
        assert_eq!(errors.for_field("goals[0].steps[1].id").unwrap().code, "duplicate-id");
        assert_eq!(errors.for_field("goals[0].steps[2].id").unwrap().code, "invalid-id");
    }

    fn plan(steps: Vec<Step>) -> PlanContent {
        PlanContent::Action(ActionPlan {
            goals: vec![Goal {
                id: "g1".into(),
                title: "Work again".into(),
                steps,
            }],
        })
    }

    fn made(id: &str, description: &str, status: StepStatus) -> Step {
        Step {
            id: id.into(),
            description: description.into(),
            owner: StepOwner::Participant,
            due_on: None,
            status,
            levers: vec![],
            canvas_item: None,
        }
    }

    #[test]
    fn only_steps_still_to_do_with_a_date_fall_due() {
        let on = |d: &str| Some(d.parse::<NaiveDate>().unwrap());
        let dated = |id: &str, due: &str, status| Step {
            due_on: on(due),
            ..made(id, id, status)
        };
        let PlanContent::Action(plan) = plan(vec![
            dated("s1", "2026-03-01", StepStatus::Planned),
            dated("s2", "2026-03-02", StepStatus::InProgress),
            dated("s3", "2026-03-03", StepStatus::Done),
            dated("s4", "2026-03-04", StepStatus::Dropped),
            made("s5", "No date", StepStatus::Planned),
        ]) else {
            unreachable!()
        };
        assert_eq!(
            plan.open_steps_due(),
            vec![("s1", on("2026-03-01").unwrap()), ("s2", on("2026-03-02").unwrap())]
        );
    }

    #[test]
    fn compare_follows_items_by_id() {
        let before = plan(vec![
            made("s1", "Call the employer", StepStatus::Planned),
            made("s2", "Visit the workplace", StepStatus::Planned),
        ]);
        let after = plan(vec![
            made("s1", "Call the employer", StepStatus::Done),
            made("s3", "Try two mornings a week", StepStatus::Planned),
        ]);
        let differences = compare(&before, &after);
        let summary: Vec<(ChangeKind, &str, &str)> = differences
            .iter()
            .map(|d| (d.change, d.what, d.label.as_str()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (ChangeKind::Changed, "step", "Call the employer"),
                (ChangeKind::Added, "step", "Try two mornings a week"),
                (ChangeKind::Removed, "step", "Visit the workplace"),
            ]
        );
        assert_eq!(
            differences[0].fields,
            vec![FieldChange {
                field: "status",
                before: "planned".into(),
                after: "done".into()
            }]
        );
        assert!(compare(&after, &after).is_empty());
    }

    #[test]
    fn renaming_a_goal_is_one_change_not_a_change_of_each_step() {
        let before = plan(vec![made("s1", "Call the employer", StepStatus::Planned)]);
        let mut after = before.clone();
        if let PlanContent::Action(plan) = &mut after {
            plan.goals[0].title = "Work again, four days a week".into();
        }
        let differences = compare(&before, &after);
        assert_eq!(differences.len(), 1, "{differences:?}");
        assert_eq!((differences[0].what, differences[0].fields[0].field), ("goal", "title"));
    }

    #[test]
    fn recovery_sections_compare_by_text_and_unknown_sections_are_refused() {
        let mut fields = BTreeMap::new();
        fields.insert("triggers".to_owned(), "Noise\nDeadlines".to_owned());
        fields.insert("when_well".to_owned(), "  ".to_owned());
        let plan = parse_recovery_plan(&fields).unwrap();
        assert_eq!(plan.sections.len(), 1);
        let differences = compare(
            &PlanContent::Recovery(RecoveryPlan::default()),
            &PlanContent::Recovery(plan),
        );
        assert_eq!(differences.len(), 1);
        assert_eq!(differences[0].change, ChangeKind::Added);
        assert_eq!(differences[0].label, "triggers");
        fields.insert("horoscope".to_owned(), "x".to_owned());
        let errors = parse_recovery_plan(&fields).unwrap_err();
        assert_eq!(errors.for_field("sections.horoscope").unwrap().code, "invalid-choice");
    }

    #[test]
    fn canvas_items_keep_their_step_link_through_edits() {
        let before = Canvas {
            items: vec![CanvasItem {
                id: "c1".into(),
                block: CanvasBlock::WhatIDo,
                text: "Cook for groups".into(),
                step: Some("s9".into()),
            }],
        };
        let items = vec![
            CanvasItemFields {
                id: "c1".into(),
                block: "what_i_do".into(),
                text: "Cook for large groups".into(),
            },
            CanvasItemFields {
                block: "who_helps_me".into(),
                text: "My sister".into(),
                ..Default::default()
            },
            CanvasItemFields {
                block: "channels".into(),
                ..Default::default()
            },
        ];
        let canvas = parse_canvas(&items, &before, &mut counter()).unwrap();
        assert_eq!(canvas.items.len(), 2);
        assert_eq!(canvas.items[0].step.as_deref(), Some("s9"));
        assert_eq!(canvas.items[1].step, None);
        let bad = vec![CanvasItemFields {
            block: "dreams".into(),
            text: "x".into(),
            ..Default::default()
        }];
        let errors = parse_canvas(&bad, &before, &mut counter()).unwrap_err();
        assert_eq!(errors.for_field("items[0].block").unwrap().code, "invalid-choice");
    }
}
