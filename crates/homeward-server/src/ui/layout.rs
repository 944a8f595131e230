//! The frame around every page: the header with the navigation, the language menu and the
//! user, then the page's own content.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use homeward_domain::org::User;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use time::OffsetDateTime;

use crate::i18n::Tr;

/// Only Homeward's own stylesheet and script may run on its pages; no inline code, no frames.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
    script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A whole page.
pub(crate) fn page(tr: &Tr<'_>, user: Option<&User>, status: StatusCode, title: &str, body: Markup) -> Response {
    let time_zone = user.and_then(|u| u.time_zone.clone()).unwrap_or_default();
    let markup = html! {
        (DOCTYPE)
        html lang=(tr.lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (tr.t("app-name")) }
                link rel="stylesheet" href="/assets/app.css";
                script src="/assets/app.js" defer {}
            }
            body data-time-zone=(time_zone) data-unit-d=(tr.t("unit-d")) data-unit-h=(tr.t("unit-h"))
                data-unit-min=(tr.t("unit-min")) {
                a.skip href="#main" { (tr.t("skip-to-content")) }
                header.top {
                    // Without a user (the login page, the public's pages) the brand leads nowhere:
                    // a member of the public sent to the staff login would only be lost.
                    @if user.is_some() { a.brand href="/" { (tr.t("app-name")) } } @else { span.brand { (tr.t("app-name")) } }
                    @if let Some(user) = user {
                        nav aria-label=(tr.t("app-name")) {
                            a href="/" { (tr.t("nav-desk")) }
                            a href="/intake" accesskey="n" { (tr.t("nav-intake")) }
                            a href="/search" accesskey="s" { (tr.t("nav-search")) }
                            @if super::warnings::may_read(user.role) { a href="/warnings" { (tr.t("nav-warnings")) } }
                            @if super::escalations::may_read(user.role) { a href="/escalations" { (tr.t("nav-escalations")) } }
                            @if super::sightings::may_read(user.role) { a href="/sightings" { (tr.t("nav-sightings")) } }
                            @if super::alerts::may_read(user.role) { a href="/alerts" { (tr.t("nav-alerts")) } }
                            a href="/settings" { (tr.t("nav-settings")) }
                        }
                        div.who {
                            form method="post" action="/preferences" {
                                label.skip for="language" { (tr.t("language-label")) }
                                select #language name="language" {
                                    @for (tag, name) in tr.locales.menu() {
                                        option value=(tag) selected[tag == tr.lang] { (name) }
                                    }
                                }
                                " "
                                button.secondary type="submit" { (tr.t("save-language")) }
                            }
                            span { (tr.t2("signed-in-as", ("email", user.email.clone().into()),
                                ("role", tr.t(&format!("role-{}", user.role)).into()))) }
                            form method="post" action="/logout" {
                                button.link type="submit" { (tr.t("log-out")) }
                            }
                        }
                    }
                }
                main #main tabindex="-1" {
                    h1 { (title) }
                    (body)
                }
            }
        }
    };
    let mut response = (status, maud_html(markup)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    response
}

fn maud_html(markup: Markup) -> String {
    markup.into_string()
}

/// A time in UTC, rewritten by the script into the reader's locale and time zone.
pub(crate) fn time(at: OffsetDateTime) -> Markup {
    let iso = at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    let fallback =
        at.format(time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC")).unwrap_or_default();
    html! { time datetime=(iso) data-local { (fallback) } }
}

/// The time since a moment, kept current by the script.
pub(crate) fn clock(tr: &Tr<'_>, since: OffsetDateTime, now: OffsetDateTime) -> Markup {
    let iso = since.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    let minutes = (now - since).whole_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    let text = if days > 0 {
        format!("{days} {} {hours} {}", tr.t("unit-d"), tr.t("unit-h"))
    } else if hours > 0 {
        format!("{hours} {} {mins} {}", tr.t("unit-h"), tr.t("unit-min"))
    } else {
        format!("{mins} {}", tr.t("unit-min"))
    };
    html! { span.clock data-since=(iso) { (text) } }
}

/// Text that the reader wrote or said, kept in its own direction (Arabic inside Greek).
pub(crate) fn user_text(text: &str) -> Markup {
    html! { bdi { (text) } }
}

/// Nothing: for optional parts.
pub(crate) fn nothing() -> Markup {
    PreEscaped(String::new())
}
