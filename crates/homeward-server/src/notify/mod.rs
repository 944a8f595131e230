//! Notifications out of Homeward: the delivery job over the store's outbox, e-mail through an
//! SMTP relay ([`smtp`]) and signed webhooks ([`webhook`]).
//!
//! The store queues a notification per recipient and channel in the transaction of the fact that
//! causes it (an escalation raised, or raised again); [`run_once`] sends what is due, records each
//! attempt, and after a failure tries again with exponential backoff
//! ([`homeward_domain::notification::Retry`]) until the last attempt, when the notification is
//! marked failed and shown to the organisation's supervisors. `homeward serve` runs it every
//! few seconds; tests call it with the time they need.
//!
//! What a message says is rendered here from the stored [`Message`], which holds only the case
//! number, what was missed and the deadline: never a child's name or description.

pub mod smtp;
pub mod webhook;

use std::sync::Arc;

use homeward_domain::notification::{Channel, Message, Outcome, Pending, Retry, Routes, WebhookRoute};
use homeward_store::{Store, StoreError};
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::{Rfc2822, Rfc3339};

/// Everything the job sends with: the relay (none: e-mail is off), each organisation's
/// webhooks, where Homeward is reached for links, and the retry schedule.
#[derive(Debug, Clone)]
pub struct Transports {
    pub email: Option<smtp::Relay>,
    pub webhooks: Vec<webhook::Endpoint>,
    /// Homeward's address as its users reach it (`https://homeward.hotline.example`), for the
    /// link to the case; none: the link is the path alone.
    pub link_base: Option<String>,
    pub retry: Retry,
    /// The words of e-mails, in each recipient's own language.
    pub locales: Arc<crate::i18n::Locales>,
}

impl Default for Transports {
    /// Nothing to send with; the built-in messages and retry schedule.
    fn default() -> Self {
        let locales = crate::i18n::Locales::embedded().unwrap_or_else(|e| {
            tracing::error!(error = %e, "the message files could not be loaded; e-mails show message ids");
            crate::i18n::Locales::empty()
        });
        Self { email: None, webhooks: Vec::new(), link_base: None, retry: Retry::default(), locales: Arc::new(locales) }
    }
}

impl Transports {
    /// Who the store queues notifications for, given these transports.
    pub fn routes(&self) -> Routes {
        Routes {
            email: self.email.is_some(),
            webhooks: self
                .webhooks
                .iter()
                .map(|w| WebhookRoute { organisation_id: w.organisation_id, name: w.name.clone() })
                .collect(),
        }
    }

    /// Whether anything is sent at all.
    pub fn is_on(&self) -> bool {
        self.email.is_some() || !self.webhooks.is_empty()
    }

    fn link(&self, path: &str) -> String {
        match &self.link_base {
            Some(base) => format!("{}{path}", base.trim_end_matches('/')),
            None => path.to_owned(),
        }
    }
}

/// What one run of the job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NotifyReport {
    pub delivered: u32,
    /// Failed this time, to be tried again.
    pub retrying: u32,
    /// Failed for the last time: marked failed.
    pub failed: u32,
    /// Not sent: the user it was for was deactivated meanwhile.
    pub withdrawn: u32,
}

/// Why one attempt failed.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error(transparent)]
    Smtp(#[from] smtp::SmtpError),
    #[error(transparent)]
    Webhook(#[from] webhook::WebhookError),
    /// The settings no longer have what the notification was queued for.
    #[error("{0}")]
    NotConfigured(String),
}

impl DeliveryError {
    /// Whether trying again cannot help: the relay refused for good (a 5xx reply, such as a
    /// mailbox that does not exist) or the address cannot be written in SMTP at all.
    pub fn is_permanent(&self) -> bool {
        matches!(self, DeliveryError::Smtp(e) if e.is_permanent())
    }
}

/// The most notifications one run sends.
const BATCH: u32 = 100;

/// The job, once, as at `now`: sends every notification due, one after the other, and records
/// each attempt. A store that fails stops the run (the next one picks up where it stopped); a
/// recipient that fails is only that notification's business.
pub async fn run_once(
    store: Arc<dyn Store>,
    transports: &Transports,
    now: OffsetDateTime,
) -> Result<NotifyReport, StoreError> {
    let due = blocking(&store, move |s| s.due_notifications(now, BATCH)).await?;
    let mut report = NotifyReport::default();
    for notification in due {
        let outcome = if !notification.recipient_active {
            Outcome::Withdrawn { reason: "the recipient was deactivated".into() }
        } else {
            match deliver(transports, &notification, now).await {
                Ok(()) => Outcome::Delivered,
                // A mailbox the relay says does not exist will not exist in a minute either.
                Err(e) if e.is_permanent() => Outcome::GaveUp { error: e.to_string() },
                Err(e) => transports.retry.after_failure(notification.attempts + 1, e.to_string(), now),
            }
        };
        match &outcome {
            Outcome::Delivered => report.delivered += 1,
            Outcome::Retry { error, at } => {
                tracing::warn!(notification = %notification.id, %error, retry_at = %at, "a notification could not be delivered; it will be tried again");
                report.retrying += 1;
            }
            Outcome::GaveUp { error } => {
                tracing::error!(notification = %notification.id, %error, "a notification could not be delivered; given up");
                report.failed += 1;
            }
            Outcome::Withdrawn { .. } => report.withdrawn += 1,
        }
        let id = notification.id;
        blocking(&store, move |s| s.record_notification_attempt(id, outcome, now)).await?;
    }
    Ok(report)
}

async fn blocking<R: Send + 'static>(
    store: &Arc<dyn Store>,
    f: impl FnOnce(&dyn Store) -> Result<R, StoreError> + Send + 'static,
) -> Result<R, StoreError> {
    let store = Arc::clone(store);
    tokio::task::spawn_blocking(move || f(store.as_ref()))
        .await
        .map_err(|e| StoreError::Corrupt(format!("the notification job's store call stopped: {e}")))?
}

async fn deliver(transports: &Transports, n: &Pending, now: OffsetDateTime) -> Result<(), DeliveryError> {
    match n.channel {
        Channel::Email => {
            let relay = transports
                .email
                .as_ref()
                .ok_or_else(|| DeliveryError::NotConfigured("e-mail is off in the settings".into()))?;
            let text = email(transports, relay, n, now);
            Ok(smtp::send(relay, &n.recipient, &text).await?)
        }
        Channel::Webhook => {
            let endpoint = transports
                .webhooks
                .iter()
                .find(|w| w.organisation_id == n.organisation_id && w.name == n.recipient)
                .ok_or_else(|| {
                    DeliveryError::NotConfigured(format!("no webhook named `{}` is in the settings", n.recipient))
                })?;
            // The signature's time is the wall clock's when the call leaves, whatever time the job
            // runs as: it tells the receiver how fresh the call is.
            let sent = OffsetDateTime::now_utc().unix_timestamp();
            Ok(webhook::post(endpoint, webhook_body(transports, n), sent).await?)
        }
    }
}

/// An e-mail in the recipient's language: the case number and link, what was missed and the
/// deadline; nothing of the child.
pub fn email(transports: &Transports, relay: &smtp::Relay, n: &Pending, now: OffsetDateTime) -> String {
    let tr = transports.locales.get(n.language.as_deref().unwrap_or("en"));
    let (subject, body) = match &n.message {
        Message::Escalation { case_id, case_number, what, what_el, due_at, repeats, .. } => {
            let what = if tr.lang == "el" { what_el } else { what };
            let both = |id: &str| tr.t2(id, ("case", case_number.clone().into()), ("what", what.clone().into()));
            let subject = both(if *repeats > 0 { "notify-email-subject-repeat" } else { "notify-email-subject" });
            let mut lines = vec![
                tr.t1("notify-email-missed", "case", case_number.clone()),
                String::new(),
                tr.t1("notify-email-what", "what", what.clone()),
                tr.t1("notify-email-deadline", "deadline", utc(*due_at)),
            ];
            if *repeats > 0 {
                lines.push(tr.t1("notify-email-repeats", "count", *repeats));
            }
            lines.extend([
                String::new(),
                tr.t1("notify-email-open", "link", transports.link(&format!("/cases/{case_id}"))),
                tr.t1("notify-email-acknowledge", "link", transports.link("/escalations")),
                String::new(),
                tr.t("notify-email-no-personal-data"),
            ]);
            (subject, lines.join("\n") + "\n")
        }
    };
    let domain = relay.from.rsplit_once('@').map_or("homeward.invalid", |(_, d)| d);
    format!(
        "From: Homeward <{from}>\r\nTo: <{to}>\r\nSubject: {subject}\r\nDate: {date}\r\n\
         Message-ID: <{id}@{domain}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Language: {lang}\r\nContent-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n\r\n{body}",
        from = relay.from,
        to = n.recipient,
        subject = smtp::header_value(&subject),
        date = now.format(&Rfc2822).unwrap_or_default(),
        id = n.id,
        lang = tr.lang,
    )
}

/// A webhook's JSON: the notification's id (the same on every retry, for the receiver to drop
/// a duplicate), the event and the same facts as the e-mail.
pub fn webhook_body(transports: &Transports, n: &Pending) -> Vec<u8> {
    let data = match &n.message {
        Message::Escalation { escalation_id, case_id, case_number, what, subject, cycle, due_at, repeats, .. } => {
            json!({
                "escalation_id": escalation_id,
                "case_id": case_id,
                "case_number": case_number,
                "link": transports.link(&format!("/cases/{case_id}")),
                "what": what,
                "subject": subject,
                "cycle": cycle,
                "due_at": due_at.format(&Rfc3339).unwrap_or_default(),
                "repeats": repeats,
            })
        }
    };
    let body = json!({
        "id": n.id,
        "event": n.message.event_name(),
        "organisation_id": n.organisation_id,
        "created_at": n.created_at.format(&Rfc3339).unwrap_or_default(),
        "data": data,
    });
    body.to_string().into_bytes()
}

fn utc(at: OffsetDateTime) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    at.checked_to_offset(time::UtcOffset::UTC).unwrap_or(at).format(&fmt).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use homeward_domain::notification::{Channel, EscalationEvent};
    use homeward_domain::{CaseId, EscalationId, NotificationId, OrganisationId};
    use uuid::Uuid;

    use super::*;

    #[test]
    fn every_word_of_an_email_is_a_message_in_both_languages() {
        let transports = Transports::default();
        let relay = smtp::Relay {
            host: "localhost".into(),
            port: 25,
            from: "homeward@hotline.example".into(),
            helo: "hotline.example".into(),
            timeout: std::time::Duration::from_secs(1),
        };
        let at = OffsetDateTime::UNIX_EPOCH;
        for language in ["en", "el"] {
            for repeats in [0, 2] {
                let n = Pending {
                    id: NotificationId(Uuid::nil()),
                    organisation_id: OrganisationId(Uuid::nil()),
                    channel: Channel::Email,
                    recipient: "s@hotline.example".into(),
                    message: Message::Escalation {
                        event: EscalationEvent::Repeated,
                        escalation_id: EscalationId(Uuid::nil()),
                        case_id: CaseId(Uuid::nil()),
                        case_number: "GR-2026-000042".into(),
                        what: "Handed to the police".into(),
                        what_el: "Παράδοση στην αστυνομία".into(),
                        subject: "target:police".into(),
                        cycle: 1,
                        due_at: at,
                        repeats,
                    },
                    attempts: 0,
                    created_at: at,
                    language: Some(language.into()),
                    recipient_active: true,
                };
                let text = email(&transports, &relay, &n, at);
                assert!(!text.contains("notify-email"), "a message is missing in {language}: {text}");
                assert!(text.contains("GR-2026-000042") && text.contains("1970-01-01 00:00 UTC"), "{text}");
            }
        }
    }
}
