//! Typed ids. Every id is a UUIDv7, so ids sort by creation time; the caller makes them.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(/// An organisation: a hotline, an NGO, a police unit or a reception-centre operator.
    OrganisationId);
id_type!(/// A person who logs in.
    UserId);
id_type!(/// A child, who may appear in several cases.
    ChildId);
id_type!(/// One disappearance episode.
    CaseId);
id_type!(/// One call, chat, e-mail or web report.
    ContactId);
id_type!(/// A note on a case.
    NoteId);
id_type!(/// A phone number, handle, vehicle or address linked to a case.
    IdentifierId);
id_type!(/// A person of interest linked to a case.
    PersonId);
id_type!(/// A task on a case.
    TaskId);
id_type!(/// One event in a case's timeline.
    EventId);
id_type!(/// An API token (its id, never its secret).
    TokenId);
id_type!(/// An early warning across cases.
    WarningId);
id_type!(/// A missed response target or overdue task, raised to the organisation's supervisors.
    EscalationId);
id_type!(/// A message to one recipient on one channel (an e-mail, a webhook call), kept in the outbox.
    NotificationId);
id_type!(/// A sighting sent by a member of the public.
    SightingId);
