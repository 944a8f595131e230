//! Notifications: what Homeward tells people and systems outside its interface — an e-mail to
//! each supervisor, a signed call to each of the organisation's webhooks — when something they
//! must act on happens (an escalation raised, and raised again).
//!
//! The store keeps an outbox: one notification per recipient and channel, written in the same
//! transaction as the fact that causes it, so a fact is never stored without its notifications
//! nor a notification sent for a fact that was rolled back. A delivery job sends what is due and
//! retries a failure with exponential backoff ([`Retry`]) until it gives up. What a notification
//! says ([`Message`]) is only what its recipient may see and never a child's personal data: the
//! organisation's case number and a link, what was missed and the deadline.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::{CaseId, EscalationId, NotificationId, OrganisationId};

/// How a notification travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// An e-mail to a user's address, through the SMTP relay.
    Email,
    /// A signed HTTP POST to one of the organisation's own systems.
    Webhook,
}

/// Where a notification is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Not delivered yet: due at its next attempt.
    Pending,
    Delivered,
    /// Every attempt failed; the job gave up. Shown to the organisation's supervisors.
    Failed,
    /// No longer worth sending (the escalation was acknowledged before it went out).
    Cancelled,
}

/// A webhook an organisation has configured, by the name the settings give it. The address and
/// the secret stay with the delivery job; the store keeps only the name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRoute {
    pub organisation_id: OrganisationId,
    pub name: String,
}

/// Who is notified, as the settings say: whether e-mail is on (then every active supervisor of
/// the organisation gets one) and each organisation's webhooks. None of either: notifications
/// are off and nothing is queued.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Routes {
    pub email: bool,
    pub webhooks: Vec<WebhookRoute>,
}

impl Routes {
    /// Notifications off.
    pub fn none() -> Self {
        Self::default()
    }

    /// The names of an organisation's webhooks.
    pub fn webhooks_of(&self, organisation: OrganisationId) -> impl Iterator<Item = &str> {
        self.webhooks.iter().filter(move |w| w.organisation_id == organisation).map(|w| w.name.as_str())
    }
}

/// What happened to an escalation that is worth telling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EscalationEvent {
    Raised,
    /// Raised again: nobody has acknowledged it.
    Repeated,
}

/// What a notification says. Each kind carries only what every recipient of it may see; none
/// carries a child's name, description or any other personal data (nor a task's title, which is
/// free text about the case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    /// A response target missed or a task overdue, raised (or raised again) to the supervisors.
    Escalation {
        event: EscalationEvent,
        escalation_id: EscalationId,
        case_id: CaseId,
        /// The organisation's own case number (`GR-2026-000042`).
        case_number: String,
        /// What was missed, in English: the response target's name, or "A task is past its due
        /// time".
        what: String,
        /// The same in Greek.
        what_el: String,
        /// `target:<id>` or `task:<id>`.
        subject: String,
        cycle: u32,
        #[serde(with = "time::serde::rfc3339")]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
        due_at: OffsetDateTime,
        /// How many times it was raised again so far.
        repeats: u32,
    },
}

impl Message {
    /// The event's stable name (`escalation.raised`), as webhooks and the audit log name it.
    pub fn event_name(&self) -> &'static str {
        match self {
            Message::Escalation { event: EscalationEvent::Raised, .. } => "escalation.raised",
            Message::Escalation { event: EscalationEvent::Repeated, .. } => "escalation.repeated",
        }
    }

    /// The case the message is about, if any.
    pub fn case_id(&self) -> Option<CaseId> {
        match self {
            Message::Escalation { case_id, .. } => Some(*case_id),
        }
    }
}

/// A notification the delivery job is to send now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub id: NotificationId,
    pub organisation_id: OrganisationId,
    pub channel: Channel,
    /// An e-mail address, or the name of one of the organisation's webhooks.
    pub recipient: String,
    pub message: Message,
    /// Attempts made so far.
    pub attempts: u32,
    pub created_at: OffsetDateTime,
    /// The language of the user an e-mail is for (`en`, `el`), as they chose it now; `None` for
    /// a webhook.
    pub language: Option<String>,
    /// False once the user an e-mail is for was deactivated: they may see nothing any more, so
    /// it is withdrawn, never sent. Always true for a webhook.
    pub recipient_active: bool,
}

/// What one attempt to deliver came to, as the job hands it to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// It failed; try again at `at`.
    Retry {
        error: String,
        at: OffsetDateTime,
    },
    /// It failed and that was the last attempt.
    GaveUp {
        error: String,
    },
    /// Not sent, and never to be: its recipient may no longer see it (a user deactivated).
    Withdrawn {
        reason: String,
    },
}

/// When to try again after a failure: `first` after the first, doubling each time, never more
/// than `cap` apart, and no more than `attempts` attempts in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    pub first: Duration,
    pub cap: Duration,
    pub attempts: u32,
}

impl Default for Retry {
    /// 1, 2, 4, 8, 16, 32, 60, 60 minutes: eight attempts over about three hours.
    fn default() -> Self {
        Self { first: Duration::minutes(1), cap: Duration::hours(1), attempts: 8 }
    }
}

impl Retry {
    /// What a failed attempt comes to, `made` being the attempts made so far, this one included.
    pub fn after_failure(&self, made: u32, error: String, now: OffsetDateTime) -> Outcome {
        if made >= self.attempts {
            return Outcome::GaveUp { error };
        }
        // 2^(made-1) times the first wait; the shift stops well before it could overflow.
        let factor = 1_i32 << made.saturating_sub(1).min(20);
        let wait = (self.first * factor).min(self.cap);
        Outcome::Retry { error, at: now + wait }
    }
}

/// A notification that could not be delivered, as the organisation's supervisors see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationView {
    pub id: NotificationId,
    /// The event it told of (`escalation.raised`).
    pub event: String,
    pub channel: Channel,
    /// A colleague's e-mail address, or the webhook's name.
    pub recipient: String,
    pub state: State,
    pub case_id: Option<CaseId>,
    pub case_number: Option<String>,
    pub attempts: u32,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub failed_at: Option<OffsetDateTime>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_wait_twice_as_long_each_time_up_to_the_cap_then_give_up() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let retry = Retry::default();
        let waits: Vec<Option<i64>> = (1..=9)
            .map(|made| match retry.after_failure(made, "down".into(), now) {
                Outcome::Retry { at, .. } => Some((at - now).whole_minutes()),
                Outcome::GaveUp { .. } => None,
                Outcome::Delivered | Outcome::Withdrawn { .. } => unreachable!(),
            })
            .collect();
        assert_eq!(waits, [Some(1), Some(2), Some(4), Some(8), Some(16), Some(32), Some(60), None, None]);
    }
}
