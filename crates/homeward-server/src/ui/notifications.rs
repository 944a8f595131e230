//! The notifications that could not be delivered, shown to supervisors above their escalation
//! queue: who an e-mail or a webhook call was for, about which case, the last error and when
//! the delivery job gave up.

use homeward_domain::notification::{Channel, NotificationView};
use homeward_domain::org::Role;
use homeward_domain::policy::{self, Action, Scope};
use maud::{Markup, html};

use super::layout::time;
use crate::i18n::Tr;

/// May this role see the failures? The escalation queue asks.
pub(crate) fn may_read(role: Role) -> bool {
    policy::authorize(role, Action::NotificationRead, Scope::Own).is_ok()
}

/// The section; nothing at all when every notification went out.
pub(crate) fn failed_section(tr: &Tr<'_>, failed: &[NotificationView]) -> Markup {
    if failed.is_empty() {
        return html! {};
    }
    html! {
        section #failed-notifications role="alert" {
            h2 { (tr.t("notifications-failed-title")) }
            p { (tr.t("notifications-failed-intro")) }
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { (tr.t("notifications-col-to")) }
                    th scope="col" { (tr.t("notifications-col-about")) }
                    th scope="col" { (tr.t("notifications-col-error")) }
                    th scope="col" { (tr.t("notifications-col-failed")) }
                } }
                tbody {
                    @for n in failed {
                        tr id=(format!("n-{}", n.id)) {
                            td {
                                (n.recipient) br;
                                span.muted { (tr.t(match n.channel {
                                    Channel::Email => "notifications-channel-email",
                                    Channel::Webhook => "notifications-channel-webhook",
                                })) }
                            }
                            td {
                                @if let (Some(case), Some(number)) = (n.case_id, &n.case_number) {
                                    a href=(format!("/cases/{case}")) { (number) } br;
                                }
                                span.muted { (n.event) }
                            }
                            td { (n.last_error.as_deref().unwrap_or("")) }
                            td {
                                @if let Some(at) = n.failed_at { (time(at)) br; }
                                span.muted { (tr.t1("notifications-attempts", "count", n.attempts)) }
                            }
                        }
                    }
                }
            } }
        }
    }
}
