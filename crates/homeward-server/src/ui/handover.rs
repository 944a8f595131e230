//! The police hand-over package as a printable page (`/cases/{id}/handover`): the same store read
//! as `GET /api/v1/cases/{id}/handover`, shown with the case page's own sections (without their
//! forms) so the police read exactly what the hotline sees. The stylesheet's print rules leave out
//! the navigation and the links, print black on white and keep each section on one page where it
//! fits.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use homeward_domain::case::{CaseEvent, CaseEventKind};
use homeward_domain::handover::HandoverPackage;
use homeward_domain::policy::{self, Action, Scope};
use homeward_domain::{CaseId, UserId};
use maud::{Markup, html};

use super::case::{case_id, child_panel, facts, identifiers, risk_questions, timeline, trafficking};
use super::layout::{self, time, user_text};
use super::{Viewer, error_page, key};
use crate::AppState;
use crate::error::AppError;
use crate::i18n::Tr;

/// Whether the case page links to the package: its own organisation's case runners, and the
/// police liaison of a unit the case is shared with (the store checks that it was handed to them).
pub(super) fn may_read(viewer: &Viewer, own: bool, events: &[CaseEvent]) -> bool {
    let scope = if own { Scope::Own } else { Scope::Shared };
    // A unit the case is only shared with is refused by the store: the package is for the unit
    // it was handed to, so only that unit is offered the link.
    let handed_to_viewer = || {
        events.iter().any(|e| {
            matches!(e.kind, CaseEventKind::HandedToPolice { organisation_id }
                if Some(organisation_id) == viewer.actor.organisation_id)
        })
    };
    policy::authorize(viewer.user.role, Action::CaseHandoverRead, scope).is_ok() && (own || handed_to_viewer())
}

pub(crate) async fn page(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let id = match case_id(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    match load(&state, &viewer, id).await {
        Ok((package, names)) => render(&tr, &viewer, &state, &package, &names),
        Err(e) => error_page(&tr, Some(&viewer.user), e),
    }
}

async fn load(
    state: &AppState,
    viewer: &Viewer,
    id: CaseId,
) -> Result<(HandoverPackage, HashMap<UserId, String>), AppError> {
    let actor = viewer.actor.clone();
    state
        .run(move |store| {
            let package = store.handover_package(&actor, id)?;
            let view = &package.case;
            let actors: Vec<UserId> = package
                .timeline
                .iter()
                .filter_map(|e| e.actor)
                .chain(view.case.indicators.iter().filter_map(|i| i.recorded_by))
                .chain(view.risk_answers.iter().filter_map(|a| a.answered_by))
                .collect();
            let names = store.who_is(&actor, &actors)?;
            Ok((package, names))
        })
        .await
}

fn render(
    tr: &Tr<'_>,
    viewer: &Viewer,
    state: &AppState,
    package: &HandoverPackage,
    names: &HashMap<UserId, String>,
) -> Response {
    let view = &package.case;
    let id = view.case.id;
    let body = html! {
        div.handover {
            p.muted.screen-only {
                a href=(format!("/cases/{id}")) { (tr.t("handover-back")) } " · "
                a href=(format!("/api/v1/cases/{id}/handover")) { (tr.t("handover-json")) } " · "
                (tr.t("handover-print-hint"))
            }
            section.panel #handover-summary aria-labelledby="handover-summary-h" {
                h2 #handover-summary-h { (tr.t("handover-summary")) }
                dl.facts {
                    dt { (tr.t("handover-case-number")) } dd { (view.case.number) }
                    dt { (tr.t("handover-organisation")) } dd { (user_text(&package.organisation_name)) }
                    dt { (tr.t("handover-prepared")) } dd { (time(package.prepared_at)) }
                }
            }
            (handovers(tr, package))
            (child_panel(tr, viewer, view, false))
            section.panel #handover-photo aria-labelledby="handover-photo-h" {
                h2 #handover-photo-h { (tr.t("handover-photo")) }
                p { (tr.t(&format!("handover-photo-{}", key(&package.photo)))) }
            }
            (facts(tr, viewer, view, false))
            (risk_questions(tr, viewer, view, names, false, None))
            (trafficking(tr, viewer, &state.catalogue, view, names, false, None))
            (identifiers(tr, viewer, view, false))
            (timeline(tr, viewer, &package.timeline, names))
        }
    };
    let title = tr.t1("handover-title", "number", view.case.number.clone());
    layout::page(tr, Some(&viewer.user), StatusCode::OK, &title, body)
}

/// When, to which unit and by whom the case was handed over, with the police's reference.
fn handovers(tr: &Tr<'_>, package: &HandoverPackage) -> Markup {
    html! {
        section.panel #handovers aria-labelledby="handovers-h" {
            h2 #handovers-h { (tr.t("handover-records")) }
            @if package.handovers.is_empty() {
                p.muted { (tr.t("handover-none")) }
            } @else {
                table {
                    thead {
                        tr {
                            th scope="col" { (tr.t("handover-when")) }
                            th scope="col" { (tr.t("handover-unit")) }
                            th scope="col" { (tr.t("handover-by")) }
                            th scope="col" { (tr.t("handover-reference")) }
                        }
                    }
                    tbody {
                        @for h in &package.handovers {
                            tr {
                                td { (time(h.at)) }
                                td { (user_text(&h.organisation_name)) }
                                td {
                                    @match &h.handed_by_name {
                                        Some(name) => { (user_text(name)) }
                                        None => { (tr.t("event-command-line")) }
                                    }
                                }
                                td {
                                    @match &h.reference {
                                        Some(reference) => { (user_text(reference)) }
                                        None => { span.muted { (tr.t("handover-no-reference")) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Every photograph state, for the test that each has a message.
#[cfg(test)]
pub(super) const PHOTO_STATES: [homeward_domain::handover::Photo; 1] = [homeward_domain::handover::Photo::NotKept];
