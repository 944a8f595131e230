//! The response plan: the targets a case is held to (a high-risk report handed to the police
//! within 15 minutes, the risk reviewed every 24 hours) and the tasks made from templates when a
//! case opens or changes. Data, like the indicator catalogue: a default ships in
//! `catalogue/response.toml`, and an organisation may give its own.
//!
//! [`missed`] tells which deadlines a case has missed at a given time, from the case's events
//! alone; the store raises each once. [`templates`] tells which tasks a case gets when it opens
//! or its status changes. Pure: the time is passed in.

use std::collections::HashSet;

use homeward_domain::case::{Case, CaseEvent, CaseEventKind, Category, RiskLevel, Status};
use homeward_domain::escalation::{Missed, Subject};
use serde::Deserialize;
use time::{Duration, OffsetDateTime};

/// The plan that ships with Homeward.
pub const DEFAULT: &str = include_str!("../catalogue/response.toml");

/// A text in the interface's languages.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Words {
    pub en: String,
    pub el: String,
}

impl Words {
    /// The text in `lang`, English for any language the plan has no words in.
    pub fn get(&self, lang: &str) -> &str {
        if lang == "el" { &self.el } else { &self.en }
    }
}

/// What meets a target, among what the case's events record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetBy {
    /// The case was handed over to a police unit (`handed_to_police`).
    PoliceHandover,
    /// A contact recorded after the report (`contact_added` after the case was opened): a call
    /// back, a visit. The report's own contact does not count.
    Contact,
    /// A person assessed or reviewed the risk level (`risk_assessed`, the same level again too).
    RiskAssessed,
    /// The case was assigned to someone (at opening or later).
    Assigned,
}

/// When a target's clock starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockFrom {
    /// When the case was opened in Homeward.
    Report,
    /// When the child was last seen.
    LastSeen,
}

/// A risk level a target or template applies to; `unassessed` is a case nobody assessed yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskFilter {
    High,
    Medium,
    Low,
    VeryLow,
    Unassessed,
}

impl RiskFilter {
    fn matches(self, level: Option<RiskLevel>) -> bool {
        match self {
            RiskFilter::High => level == Some(RiskLevel::High),
            RiskFilter::Medium => level == Some(RiskLevel::Medium),
            RiskFilter::Low => level == Some(RiskLevel::Low),
            RiskFilter::VeryLow => level == Some(RiskLevel::VeryLow),
            RiskFilter::Unassessed => level.is_none(),
        }
    }
}

/// Which cases a target or template is for: none listed means all.
fn applies(levels: &[RiskFilter], categories: &[Category], case: &Case) -> bool {
    (levels.is_empty() || levels.iter().any(|l| l.matches(case.risk_level)))
        && (categories.is_empty() || categories.contains(&case.category))
}

/// One response target.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub id: String,
    pub name: Words,
    pub met_by: MetBy,
    pub from: ClockFrom,
    pub within_minutes: u32,
    /// Met again within the same time after each time it was met; each period missed is a
    /// cycle of its own.
    #[serde(default)]
    pub recurring: bool,
    #[serde(default)]
    pub risk_levels: Vec<RiskFilter>,
    #[serde(default)]
    pub categories: Vec<Category>,
}

/// What makes a task from a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// The case was opened.
    Opened,
    /// The case's status changed to one of the template's `statuses`.
    StatusChanged,
}

/// A task made automatically.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub id: String,
    pub title: Words,
    pub on: Trigger,
    #[serde(default)]
    pub statuses: Vec<Status>,
    pub due_minutes: u32,
    #[serde(default)]
    pub risk_levels: Vec<RiskFilter>,
    #[serde(default)]
    pub categories: Vec<Category>,
}

/// A versioned response plan.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponsePlan {
    pub version: String,
    /// The language tasks made from templates are written in (`en`, `el`).
    #[serde(default = "default_language")]
    pub language: String,
    /// An escalation nobody acknowledged is raised again this often.
    #[serde(default = "default_repeat")]
    pub repeat_minutes: u32,
    #[serde(default, rename = "target")]
    pub targets: Vec<Target>,
    #[serde(default, rename = "template")]
    pub templates: Vec<Template>,
}

fn default_language() -> String {
    "en".into()
}

fn default_repeat() -> u32 {
    30
}

/// Why a plan was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    /// Not TOML, or not the plan's shape (an unknown key, an unknown risk level).
    #[error("the response plan is not valid: {0}")]
    Syntax(String),
    /// A target or template breaks a rule.
    #[error("`{id}`: {problem}")]
    Entry { id: String, problem: String },
    /// The plan as a whole breaks a rule.
    #[error("{0}")]
    Plan(String),
}

impl ResponsePlan {
    /// The plan that ships with Homeward.
    pub fn builtin() -> Result<Self, PlanError> {
        Self::parse(DEFAULT)
    }

    /// No targets and no templates.
    pub fn none() -> Self {
        ResponsePlan {
            version: "none".into(),
            language: default_language(),
            repeat_minutes: default_repeat(),
            targets: Vec::new(),
            templates: Vec::new(),
        }
    }

    /// Reads and checks a plan.
    pub fn parse(text: &str) -> Result<Self, PlanError> {
        let plan: ResponsePlan = toml::from_str(text).map_err(|e| PlanError::Syntax(e.to_string()))?;
        if plan.version.trim().is_empty() {
            return Err(PlanError::Plan("the plan has no version".into()));
        }
        if plan.repeat_minutes == 0 {
            return Err(PlanError::Plan("repeat_minutes must be at least 1".into()));
        }
        let mut seen = HashSet::new();
        let ids = plan.targets.iter().map(|t| &t.id).chain(plan.templates.iter().map(|t| &t.id));
        for id in ids {
            let problem = |problem: &str| PlanError::Entry { id: id.clone(), problem: problem.into() };
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
                return Err(problem("ids are lower-case letters, digits and underscores"));
            }
            if !seen.insert(id.as_str()) {
                return Err(problem("appears twice"));
            }
        }
        for target in &plan.targets {
            if target.within_minutes == 0 {
                return Err(PlanError::Entry {
                    id: target.id.clone(),
                    problem: "within_minutes must be at least 1".into(),
                });
            }
        }
        for template in &plan.templates {
            let problem = |problem: &str| PlanError::Entry { id: template.id.clone(), problem: problem.into() };
            match (template.on, template.statuses.is_empty()) {
                (Trigger::StatusChanged, true) => return Err(problem("a status_changed template names its statuses")),
                (Trigger::Opened, false) => return Err(problem("an opened template has no statuses")),
                _ => {}
            }
            if template.statuses.contains(&Status::Open) {
                return Err(problem("`open` is not a status a case changes to; use on = \"opened\""));
            }
            if template.title.en.trim().is_empty() || template.title.el.trim().is_empty() {
                return Err(problem("the title is empty"));
            }
        }
        Ok(plan)
    }

    pub fn target(&self, id: &str) -> Option<&Target> {
        self.targets.iter().find(|t| t.id == id)
    }
}

/// When each event that meets `met_by` happened.
fn met_at<'a>(met_by: MetBy, case: &'a Case, events: &'a [CaseEvent]) -> impl Iterator<Item = OffsetDateTime> + 'a {
    events.iter().filter_map(move |e| {
        let meets = match (&e.kind, met_by) {
            (CaseEventKind::HandedToPolice { .. }, MetBy::PoliceHandover) => true,
            // The report's own contact is written with the case, at the moment it opened.
            (CaseEventKind::ContactAdded { .. }, MetBy::Contact) => e.at > case.opened_at,
            (CaseEventKind::RiskAssessed { .. }, MetBy::RiskAssessed) => true,
            (CaseEventKind::Assigned { assignee }, MetBy::Assigned) => assignee.is_some(),
            (CaseEventKind::Opened { assignee, .. }, MetBy::Assigned) => assignee.is_some(),
            _ => false,
        };
        meets.then_some(e.at)
    })
}

/// The number of whole periods of `within` that have passed since `start` — strictly: a
/// deadline is missed only once it is behind us.
fn periods_missed(start: OffsetDateTime, within: Duration, now: OffsetDateTime) -> u32 {
    let elapsed = (now - start).whole_microseconds();
    let period = within.whole_microseconds();
    if elapsed <= 0 || period <= 0 {
        return 0;
    }
    u32::try_from((elapsed - 1) / period).unwrap_or(u32::MAX)
}

/// The deadlines `case` has missed at `now`: every target that applies to it and is not met,
/// and every task not done past its due time. A recurring target answers only its latest
/// missed cycle (the job raises the earlier ones as they pass). A closed case misses nothing;
/// targets apply only while the child is missing.
pub fn missed(plan: &ResponsePlan, case: &Case, events: &[CaseEvent], now: OffsetDateTime) -> Vec<Missed> {
    let mut out = Vec::new();
    if case.status == Status::Closed {
        return out;
    }
    let missed = |subject: Subject, cycle: u32, due_at: OffsetDateTime| Missed {
        case_id: case.id,
        organisation_id: case.organisation_id,
        subject,
        cycle,
        due_at,
    };
    if case.status == Status::Open {
        for target in plan.targets.iter().filter(|t| applies(&t.risk_levels, &t.categories, case)) {
            let clock = match target.from {
                ClockFrom::Report => case.opened_at,
                ClockFrom::LastSeen => case.last_seen_at,
            };
            let within = Duration::minutes(i64::from(target.within_minutes));
            let latest = met_at(target.met_by, case, events).filter(|at| *at >= clock).max();
            let (start, cycles) = match (target.recurring, latest) {
                (false, Some(_)) => continue,
                (false, None) => (clock, periods_missed(clock, within, now).min(1)),
                (true, latest) => {
                    let start = latest.unwrap_or(clock);
                    (start, periods_missed(start, within, now))
                }
            };
            if cycles >= 1 {
                let due = start + within * cycles;
                out.push(missed(Subject::Target(target.id.clone()), cycles, due));
            }
        }
    }
    for task in &case.tasks {
        if let Some(due) = task.due_at.filter(|due| !task.done && now > *due) {
            out.push(missed(Subject::Task(task.id), 1, due));
        }
    }
    out
}

/// A task a template makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedTask {
    pub template: String,
    pub title: String,
    pub due_at: OffsetDateTime,
}

/// The tasks `case` gets now (`at`): on opening (`changed_to` is `None`) or when its status has
/// just changed to `changed_to`. `case` is the case as it stands after the change.
pub fn templates(plan: &ResponsePlan, case: &Case, changed_to: Option<Status>, at: OffsetDateTime) -> Vec<PlannedTask> {
    plan.templates
        .iter()
        .filter(|t| match (t.on, changed_to) {
            (Trigger::Opened, None) => true,
            (Trigger::StatusChanged, Some(to)) => t.statuses.contains(&to),
            _ => false,
        })
        .filter(|t| applies(&t.risk_levels, &t.categories, case))
        .map(|t| PlannedTask {
            template: t.id.clone(),
            title: t.title.get(&plan.language).to_owned(),
            due_at: at + Duration::minutes(i64::from(t.due_minutes)),
        })
        .collect()
}

#[cfg(test)]
mod tests;
