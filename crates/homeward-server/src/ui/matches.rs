//! The same child on the case page and at intake: the other episodes of the child, the cases
//! that may be about the same child with the reasons in words, and the forms to confirm or
//! reject each. A rejection asks why.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::CaseId;
use homeward_domain::linkage::{Candidate, CaseMatch, MatchDecision, MatchReason, MatchStatus};
use homeward_domain::policy::{self, Action, Scope};
use homeward_domain::view::CaseView;
use maud::{Markup, html};

use super::layout::{nothing, time, user_text};
use super::{Viewer, error_page, key, parse_key};
use crate::AppState;
use crate::error::AppError;
use crate::i18n::Tr;

/// How likely, in words: the bands a person reads before the percentage.
const LIKELIHOODS: [(f64, &str); 5] =
    [(0.95, "almost_certain"), (0.8, "very_likely"), (0.5, "likely"), (0.2, "possible"), (0.0, "unlikely")];

/// The message naming a band of probability.
fn likelihood_id(p: f64) -> String {
    let band = LIKELIHOODS.iter().find(|(from, _)| p >= *from).map_or("unlikely", |(_, name)| name);
    format!("match-likelihood-{band}")
}

/// "very likely (92 %)".
pub(crate) fn likelihood(tr: &Tr<'_>, p: Option<f64>) -> String {
    match p {
        // A match is never certain, nor ruled out: shown between 1 and 99 %.
        Some(p) => format!("{} ({:.0} %)", tr.t(&likelihood_id(p)), (p * 100.0).round().clamp(1.0, 99.0)),
        None => tr.t("match-by-person"),
    }
}

/// The message of an engine level (`same sound` → `match-level-same-sound`).
pub(crate) fn level_id(level: &str) -> String {
    format!("match-level-{}", level.replace(' ', "-"))
}

pub(crate) fn reasons(tr: &Tr<'_>, explanation: &[MatchReason]) -> Markup {
    html! {
        ul.reasons {
            @for r in explanation {
                li class=(if r.weight >= 0.0 { "for" } else { "against" }) {
                    (if r.weight >= 0.0 { "+ " } else { "− " })
                    (tr.t(&format!("match-field-{}", r.field))) ": " (tr.t(&level_id(&r.level)))
                }
            }
        }
    }
}

/// The words the intake script needs to show candidates, in the reader's language.
pub(crate) fn script_words(tr: &Tr<'_>) -> Markup {
    let fields = homeward_linkage::compare::FIELDS;
    let levels: Vec<&str> = homeward_linkage::compare::LEVELS.iter().flat_map(|l| l.iter().copied()).collect();
    html! {
        ul #match-words hidden {
            @for (_, band) in LIKELIHOODS { li data-key=(format!("band_{band}")) { (tr.t(&format!("match-likelihood-{band}"))) } }
            @for f in fields { li data-key=(format!("field_{f}")) { (tr.t(&format!("match-field-{f}"))) } }
            @for l in levels { li data-key=(format!("level_{l}")) { (tr.t(&level_id(l))) } }
        }
    }
}

/// The other episodes of this child, with the count of all of them.
pub(crate) fn episodes(tr: &Tr<'_>, view: &CaseView) -> Markup {
    if view.episodes.is_empty() {
        return nothing();
    }
    html! {
        section.panel #episodes aria-labelledby="episodes-h" {
            h2 #episodes-h { (tr.t("episodes-title")) }
            p #episode-count { (tr.t1("episodes-count", "count", view.episodes.len() + 1)) }
            ul {
                @for e in &view.episodes {
                    li {
                        a href=(format!("/cases/{}", e.case_id)) { (e.number) } " · "
                        (time(e.opened_at)) " · " (tr.t(&format!("status-{}", e.status.as_str())))
                    }
                }
            }
        }
    }
}

fn candidate_line(tr: &Tr<'_>, c: &Candidate) -> Markup {
    html! {
        a href=(format!("/cases/{}", c.case_id)) { (c.number) } " · " (user_text(&c.child_name)) " · "
        strong { (likelihood(tr, c.probability)) }
    }
}

/// The cases that may be about the same child: open suggestions with their forms, then what
/// was decided.
pub(crate) fn panel(tr: &Tr<'_>, viewer: &Viewer, view: &CaseView, matches: &[CaseMatch]) -> Markup {
    if view.pseudonymous {
        return nothing();
    }
    let own = Some(view.case.organisation_id) == viewer.actor.organisation_id;
    let scope = if own { Scope::Own } else { Scope::Shared };
    let decides = policy::authorize(viewer.user.role, Action::CaseLinkMatch, scope).is_ok();
    let (open, decided): (Vec<&CaseMatch>, Vec<&CaseMatch>) =
        matches.iter().partition(|m| m.status == MatchStatus::Suggested);
    let id = view.case.id;
    html! {
        section.panel #same-child aria-labelledby="same-child-h" {
            h2 #same-child-h { (tr.t("match-title")) }
            @if open.is_empty() { p.muted { (tr.t("match-none")) } }
            @for (n, m) in open.iter().enumerate() {
                div.match {
                    p { (candidate_line(tr, &m.candidate)) }
                    (reasons(tr, &m.candidate.explanation))
                    @if decides {
                        form method="post" action=(format!("/cases/{id}/matches")) {
                            input type="hidden" name="other_case" value=(m.candidate.case_id.to_string());
                            input type="hidden" name="decision" value="confirm";
                            button.secondary type="submit" { (tr.t("match-confirm")) }
                        }
                        form method="post" action=(format!("/cases/{id}/matches")) {
                            input type="hidden" name="other_case" value=(m.candidate.case_id.to_string());
                            input type="hidden" name="decision" value="reject";
                            label for=(format!("reject-reason-{n}")) { (tr.t("match-reject-reason")) }
                            input id=(format!("reject-reason-{n}")) type="text" name="reason" required maxlength="2000";
                            div.actions { button.secondary type="submit" { (tr.t("match-reject")) } }
                        }
                    }
                }
            }
            @if !decided.is_empty() {
                h3 { (tr.t("match-decided")) }
                ul #decided {
                    @for m in decided {
                        li {
                            (candidate_line(tr, &m.candidate)) " · "
                            (tr.t(&format!("match-status-{}", key(&m.status))))
                            @if let Some(at) = m.decided_at { " " (time(at)) }
                            @if let Some(reason) = &m.reason { ": " (user_text(reason)) }
                        }
                    }
                }
            }
        }
    }
}

/// A person's decision from the case page.
pub(crate) async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let parsed = (|| -> Result<(CaseId, CaseId, MatchDecision), AppError> {
        let id = super::case::case_id(&id)?;
        let other = form
            .get("other_case")
            .and_then(|o| o.trim().parse().ok())
            .ok_or_else(|| AppError::bad_request("Choose the other case."))?;
        let decision = parse_key::<MatchDecision>("decision", form.get("decision").map(String::as_str))?
            .ok_or_else(|| AppError::bad_request("Choose to confirm or to reject."))?;
        Ok((id, other, decision))
    })();
    let (id, other, decision) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let reason = form.get("reason").cloned();
    let actor = viewer.actor.clone();
    match state.run(move |store| store.decide_match(&actor, id, other, decision, reason)).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}?saved=match-{}", key(&decision))).into_response(),
        Err(e) => error_page(&tr, Some(&viewer.user), e),
    }
}
