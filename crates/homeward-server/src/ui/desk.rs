//! The case desk (home page): open cases, most urgent first, with their clocks; and search.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use homeward_domain::case::{Category, RiskLevel, Status};
use homeward_domain::view::{Assignee, CaseFilter, CaseOrder, CaseSummary, Page, TaskSummary};
use homeward_store::StoreError;
use maud::{Markup, html};
use time::OffsetDateTime;

use super::layout::{self, clock, user_text};
use super::{Viewer, error_page, key, parse_key};
use crate::AppState;
use crate::error::AppError;
use crate::i18n::Tr;

/// Rows on one page of the desk.
const PAGE: u32 = 50;

struct DeskFilter {
    status: Option<Status>,
    category: Option<Category>,
    risk: Option<RiskLevel>,
    /// `me` or `nobody`; anyone when empty.
    assignee: Option<&'static str>,
    offset: u32,
}

impl DeskFilter {
    fn parse(query: &HashMap<String, String>) -> Result<Self, AppError> {
        let get = |k: &str| query.get(k).map(String::as_str);
        Ok(Self {
            // The desk shows the children still missing unless asked otherwise.
            status: match get("status") {
                None => Some(Status::Open),
                other => parse_key("status", other)?,
            },
            category: parse_key("category", get("category"))?,
            risk: parse_key("risk_level", get("risk_level"))?,
            assignee: match get("assignee") {
                Some("me") => Some("me"),
                Some("nobody") => Some("nobody"),
                None | Some("") => None,
                Some(other) => return Err(AppError::bad_request(format!("`assignee` cannot be `{other}`."))),
            },
            offset: match get("offset").filter(|o| !o.is_empty()) {
                None => 0,
                Some(o) => o.parse().map_err(|_| AppError::bad_request("`offset` must be a number."))?,
            },
        })
    }

    fn query(&self, offset: u32) -> String {
        let mut q = format!("?status={}", self.status.map(|s| s.as_str()).unwrap_or(""));
        if let Some(c) = self.category {
            q.push_str(&format!("&category={}", key(&c)));
        }
        if let Some(r) = self.risk {
            q.push_str(&format!("&risk_level={}", key(&r)));
        }
        if let Some(a) = self.assignee {
            q.push_str(&format!("&assignee={a}"));
        }
        q.push_str(&format!("&offset={offset}"));
        q
    }
}

pub(crate) async fn desk(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let filter = match DeskFilter::parse(&query) {
        Ok(f) => f,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let store_filter = CaseFilter {
        status: filter.status,
        category: filter.category,
        risk_level: filter.risk,
        assignee: match filter.assignee {
            Some("me") => Some(Assignee::User(viewer.user.id)),
            Some(_) => Some(Assignee::Nobody),
            None => None,
        },
        order: CaseOrder::Urgent,
        limit: PAGE,
        offset: filter.offset,
        ..CaseFilter::default()
    };
    let actor = viewer.actor.clone();
    let loaded = state
        .run(move |store| {
            let cases = store.list_cases(&actor, store_filter)?;
            // A role that reads no names has no tasks of its own to see here.
            let tasks = match store.my_tasks(&actor) {
                Err(StoreError::Denied(_)) => Vec::new(),
                other => other?,
            };
            Ok((cases, tasks))
        })
        .await;
    let (cases, tasks) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return error_page(&tr, Some(&viewer.user), e),
    };
    let now = OffsetDateTime::now_utc();
    let body = html! {
        (filters(&tr, &filter))
        p role="status" {
            @if cases.more { (tr.t1("desk-count-more", "total", cases.total)) } @else { (tr.t1("desk-count", "total", cases.total)) }
        }
        (case_table(&tr, &viewer, &cases.items, now))
        (pager(&tr, &filter, &cases))
        h2 #tasks { (tr.t("desk-my-tasks")) }
        (my_tasks(&tr, &tasks))
    };
    layout::page(&tr, Some(&viewer.user), StatusCode::OK, &tr.t("desk-title"), body)
}

fn filters(tr: &Tr<'_>, f: &DeskFilter) -> Markup {
    html! {
        form.filters method="get" action="/" {
            (choice(tr, "status", "desk-filter-status", "status", &Status::ALL, f.status))
            (choice(tr, "category", "desk-filter-category", "category", &Category::ALL, f.category))
            (choice(tr, "risk_level", "desk-filter-risk", "risk", &RiskLevel::ALL, f.risk))
            div {
                label for="f-assignee" { (tr.t("desk-filter-assignee")) }
                select #f-assignee name="assignee" {
                    option value="" { (tr.t("desk-filter-any")) }
                    option value="me" selected[f.assignee == Some("me")] { (tr.t("desk-filter-mine")) }
                    option value="nobody" selected[f.assignee == Some("nobody")] { (tr.t("desk-filter-nobody")) }
                }
            }
            button type="submit" { (tr.t("desk-filter-apply")) }
        }
    }
}

/// A filter menu over every value of an enum, each named by its message `{prefix}-{value}`.
fn choice<T: serde::Serialize + PartialEq + Copy>(
    tr: &Tr<'_>,
    name: &str,
    label: &str,
    prefix: &str,
    all: &[T],
    current: Option<T>,
) -> Markup {
    let id = format!("f-{name}");
    html! {
        div {
            label for=(id) { (tr.t(label)) }
            select id=(id) name=(name) {
                option value="" selected[current.is_none()] { (tr.t("desk-filter-any")) }
                @for v in all {
                    option value=(key(v)) selected[current == Some(*v)] { (tr.t(&format!("{prefix}-{}", key(v)))) }
                }
            }
        }
    }
}

pub(super) fn risk_badge(tr: &Tr<'_>, risk: Option<RiskLevel>) -> Markup {
    let k = risk.map(|r| key(&r)).unwrap_or_else(|| "none".into());
    html! { span class=(format!("risk risk-{k}")) { (tr.t(&format!("risk-{k}"))) } }
}

pub(super) fn child_name(tr: &Tr<'_>, name: Option<&str>) -> Markup {
    match name.filter(|n| !n.is_empty()) {
        Some(n) => user_text(n),
        None => html! { span.muted { (tr.t("name-hidden")) } },
    }
}

fn case_table(tr: &Tr<'_>, viewer: &Viewer, cases: &[CaseSummary], now: OffsetDateTime) -> Markup {
    if cases.is_empty() {
        return html! { p.muted { (tr.t("desk-empty")) } };
    }
    html! {
        div.table-wrap { table #cases {
            thead { tr {
                th scope="col" { (tr.t("desk-col-case")) }
                th scope="col" { (tr.t("desk-col-child")) }
                th scope="col" { (tr.t("desk-col-risk")) }
                th scope="col" { (tr.t("desk-col-since-seen")) }
                th scope="col" { (tr.t("desk-col-since-report")) }
                th scope="col" { (tr.t("desk-col-category")) }
                th scope="col" { (tr.t("desk-col-status")) }
                th scope="col" { (tr.t("desk-col-assignee")) }
            } }
            tbody {
                @for c in cases {
                    tr {
                        td { a href=(format!("/cases/{}", c.id)) { (c.number) } }
                        td {
                            (child_name(tr, c.child_name.as_deref()))
                            @if c.episodes > 1 { " " span.episodes { (tr.t1("desk-episodes", "count", c.episodes)) } }
                        }
                        td { (risk_badge(tr, c.risk_level)) }
                        td { (clock(tr, c.last_seen_at, now)) }
                        td { (clock(tr, c.opened_at, now)) }
                        td { (tr.t(&format!("category-{}", key(&c.category)))) }
                        td { (tr.t(&format!("status-{}", c.status.as_str()))) }
                        td { (assignee(tr, viewer, c.assignee)) }
                    }
                }
            }
        } }
    }
}

pub(super) fn assignee(tr: &Tr<'_>, viewer: &Viewer, who: Option<homeward_domain::UserId>) -> String {
    match who {
        None => tr.t("desk-unassigned"),
        Some(u) if u == viewer.user.id => tr.t("desk-assigned-me"),
        Some(_) => tr.t("desk-assigned-other"),
    }
}

fn pager(tr: &Tr<'_>, f: &DeskFilter, page: &Page<CaseSummary>) -> Markup {
    let next = f.offset.saturating_add(PAGE);
    html! {
        nav.pager aria-label=(tr.t("desk-next")) {
            @if f.offset > 0 {
                a href=(format!("/{}", f.query(f.offset.saturating_sub(PAGE)))) { (tr.t("desk-previous")) }
            }
            @if u64::from(next) < page.total {
                a href=(format!("/{}", f.query(next))) { (tr.t("desk-next")) }
            }
        }
    }
}

fn my_tasks(tr: &Tr<'_>, tasks: &[TaskSummary]) -> Markup {
    if tasks.is_empty() {
        return html! { p.muted { (tr.t("desk-no-tasks")) } };
    }
    html! {
        ul #my-tasks {
            @for t in tasks {
                li {
                    a href=(format!("/cases/{}#tasks", t.task.case_id)) { (t.case_number) }
                    " — " (user_text(&t.task.title))
                    @if let Some(due) = t.task.due_at { " · " (layout::time(due)) }
                }
            }
        }
    }
}

/// Search by name in any script, by case number, or by an identifier (phone, handle, …).
pub(crate) async fn search(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let tr = state.locales.get(&viewer.user.language);
    let q = query.get("q").map(|q| q.trim().to_owned()).unwrap_or_default();
    if q.chars().count() > 200 {
        return error_page(&tr, Some(&viewer.user), AppError::bad_request("The search is longer than 200 characters."));
    }
    let results = if q.is_empty() {
        None
    } else {
        let actor = viewer.actor.clone();
        let text = q.clone();
        let found = state
            .run(move |store| {
                let by = |filter: CaseFilter| store.list_cases(&actor, CaseFilter { limit: 50, ..filter });
                let names = match by(CaseFilter { name: Some(text.clone()), ..CaseFilter::default() }) {
                    // A pseudonymous reader may not search by name; the other searches still work.
                    Err(StoreError::Denied(_)) => None,
                    other => Some(other?),
                };
                let number = by(CaseFilter { number: Some(text.clone()), ..CaseFilter::default() })?;
                let identifier = by(CaseFilter { identifier: Some(text.clone()), ..CaseFilter::default() })?;
                Ok((names, number, identifier))
            })
            .await;
        match found {
            Ok(found) => Some(found),
            Err(e) => return error_page(&tr, Some(&viewer.user), e),
        }
    };
    let now = OffsetDateTime::now_utc();
    let body = html! {
        form.filters method="get" action="/search" role="search" {
            div {
                label for="q" { (tr.t("search-query")) }
                input #q type="search" name="q" value=(q) autofocus;
            }
            button type="submit" { (tr.t("search-submit")) }
        }
        @if let Some((names, number, identifier)) = &results {
            @for (title, page) in [("search-number", Some(number)), ("search-names", names.as_ref()), ("search-identifier", Some(identifier))] {
                @if let Some(page) = page {
                    h2 { (tr.t(title)) }
                    @if page.items.is_empty() { p.muted { (tr.t("search-nothing")) } }
                    @else { (case_table(&tr, &viewer, &page.items, now)) }
                }
            }
        }
    };
    layout::page(&tr, Some(&viewer.user), StatusCode::OK, &tr.t("search-title"), body)
}
