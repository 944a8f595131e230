//! Sightings from the public: what anyone may send from the public page (where, when, what was
//! seen, an optional contact and photo), and what staff see of it.
//!
//! A sighting is kept apart from case data: it names no case until an operator attaches it to
//! one (the case's event `sighting_attached` names only its id), and a dismissed one names none.
//! The public send a sighting without logging in, so nothing here trusts what they send: every
//! text is bounded, the time is checked against the clock, and a photo's type is told by its
//! first bytes, never by the file name or the type the sender declares.

use serde::{Deserialize, Serialize};
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::org::OrganisationKind;
use crate::policy::Scope;
use crate::{CaseId, DomainError, Problem, SightingId, UserId, Validation};

/// The largest photo accepted, in bytes.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
/// The longest description of the place, in characters.
pub const MAX_PLACE: usize = 500;
/// The longest account of what was seen, in characters.
pub const MAX_DESCRIPTION: usize = 5_000;
/// The longest alert reference accepted from the public page.
pub const MAX_ALERT: usize = 100;
/// The longest dismissal reason, in characters.
pub const MAX_REASON: usize = 2_000;
/// How long ago a sighting may have been, in days: older news is a call to the hotline.
pub const MAX_AGE_DAYS: i64 = 366;

/// How the sender can be reached, if they want to be. Every part is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SightingContact {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

impl SightingContact {
    /// True when the sender left no way to reach them.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.phone.is_none() && self.email.is_none()
    }
}

/// A sighting as the public page or `POST /api/v1/public/sightings` sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSighting {
    /// The child alert the sighting answers, as the alert's public page names it; none for the
    /// general page. Kept as given (letters, digits, `-` and `_`).
    #[serde(default)]
    pub alert: Option<String>,
    /// Where: a street, a station, a landmark.
    pub place: String,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
    /// When, in the sender's local time: `2026-11-30T14:05` (seconds optional).
    pub seen_at: String,
    /// The sender's offset from UTC in minutes east, where their browser said it (the public
    /// page's script fills it in); without it the local time is kept as given.
    #[serde(default)]
    pub utc_offset_minutes: Option<i32>,
    /// What was seen.
    pub description: String,
    #[serde(default)]
    pub contact: SightingContact,
}

/// A photo's type, told from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhotoType {
    Jpeg,
    Png,
    Webp,
}

impl PhotoType {
    /// The type these bytes are, if they are a JPEG, PNG or WebP image at all.
    pub fn sniff(bytes: &[u8]) -> Option<PhotoType> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(PhotoType::Jpeg)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(PhotoType::Png)
        } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(PhotoType::Webp)
        } else {
            None
        }
    }

    /// The media type the photo is served as.
    pub fn media_type(self) -> &'static str {
        match self {
            PhotoType::Jpeg => "image/jpeg",
            PhotoType::Png => "image/png",
            PhotoType::Webp => "image/webp",
        }
    }

    /// The reverse of [`PhotoType::media_type`].
    pub fn from_media_type(media_type: &str) -> Option<PhotoType> {
        [PhotoType::Jpeg, PhotoType::Png, PhotoType::Webp].into_iter().find(|t| t.media_type() == media_type)
    }
}

/// A photo sent with a sighting, its type checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    pub kind: PhotoType,
    pub bytes: Vec<u8>,
}

/// Why a photo was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    /// Over [`MAX_PHOTO_BYTES`].
    #[error("the photo is larger than {} MB", MAX_PHOTO_BYTES / 1024 / 1024)]
    TooLarge,
    /// Not a JPEG, PNG or WebP image, whatever its name says.
    #[error("the photo is not a JPEG, PNG or WebP image")]
    NotAnImage,
}

impl Photo {
    /// Checks the bytes of a photo: at most [`MAX_PHOTO_BYTES`], and a JPEG, PNG or WebP image
    /// by its first bytes.
    pub fn check(bytes: Vec<u8>) -> Result<Photo, PhotoError> {
        if bytes.len() > MAX_PHOTO_BYTES {
            return Err(PhotoError::TooLarge);
        }
        let kind = PhotoType::sniff(&bytes).ok_or(PhotoError::NotAnImage)?;
        Ok(Photo { kind, bytes })
    }
}

/// A sighting checked and tidied, ready to be kept.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedSighting {
    pub sighting: NewSighting,
    /// The local time as given, read.
    pub seen_local: PrimitiveDateTime,
    /// The moment, when the sender's offset is known.
    pub seen_at: Option<OffsetDateTime>,
}

/// Reads a local time as a browser's `datetime-local` field sends it (`2026-11-30T14:05`,
/// seconds optional; a space instead of the `T` is accepted too).
pub fn parse_local(text: &str) -> Option<PrimitiveDateTime> {
    let text = text.trim().replacen(' ', "T", 1);
    let with_seconds = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let without = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    PrimitiveDateTime::parse(&text, with_seconds).or_else(|_| PrimitiveDateTime::parse(&text, without)).ok()
}

/// A local time as it is stored and shown: `2026-11-30T14:05`.
pub fn format_local(at: PrimitiveDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    at.format(format).unwrap_or_default()
}

/// The furthest any place on earth is ahead of UTC (Kiribati, +14:00).
const MAX_AHEAD: time::Duration = time::Duration::hours(14);
/// Clocks differ a little; a sighting "just now" must not be refused as in the future.
const SKEW: time::Duration = time::Duration::minutes(10);

impl NewSighting {
    /// Checks a sighting received at `now` and tidies its text. Every problem is named at once.
    pub fn validate(mut self, now: OffsetDateTime) -> Result<CheckedSighting, DomainError> {
        let mut v = Validation::new();
        crate::child::tidy(&mut self.alert);
        if let Some(alert) = &self.alert {
            v.text("alert", alert, MAX_ALERT);
            if !alert.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                v.push("alert", Problem::NotAChoice, "is not the reference of an alert");
            }
        }
        self.place = self.place.trim().to_owned();
        v.required_text("place", &self.place, MAX_PLACE);
        match (self.lat, self.lon) {
            (Some(lat), Some(lon)) => {
                if !(-90.0..=90.0).contains(&lat) {
                    v.push("lat", Problem::Latitude, "must be between -90 and 90");
                }
                if !(-180.0..=180.0).contains(&lon) {
                    v.push("lon", Problem::Longitude, "must be between -180 and 180");
                }
            }
            (None, None) => {}
            _ => v.push("lat", Problem::LatitudeWithoutLongitude, "give both lat and lon, or neither"),
        }
        self.description = self.description.trim().to_owned();
        v.required_text("description", &self.description, MAX_DESCRIPTION);
        let contact = &mut self.contact;
        for (field, value, max) in
            [("name", &mut contact.name, 200), ("phone", &mut contact.phone, 50), ("email", &mut contact.email, 254)]
        {
            crate::child::tidy(value);
            if let Some(text) = value {
                v.text(field, text, max);
            }
        }
        if let Some(email) = &contact.email
            && !looks_like_email(email)
        {
            v.push("email", Problem::Email, "must be an e-mail address such as name@example.org");
        }
        let offset = match self.utc_offset_minutes {
            None => None,
            Some(minutes) => match UtcOffset::from_whole_seconds(minutes.saturating_mul(60)) {
                Ok(offset) if minutes.abs() <= 14 * 60 => Some(offset),
                _ => {
                    v.push("utc_offset_minutes", Problem::TimeZone, "is not an offset from UTC");
                    None
                }
            },
        };
        let seen_local = parse_local(&self.seen_at);
        let mut seen_at = None;
        match seen_local {
            None => v.push("seen_at", Problem::TimeFormat, "must be a local date and time such as 2026-11-30T14:05"),
            Some(local) => {
                self.seen_at = format_local(local);
                let at = local.assume_offset(offset.unwrap_or(UtcOffset::UTC));
                // Without the sender's offset the local time may be up to 14 hours ahead of UTC.
                let ahead = if offset.is_some() { SKEW } else { MAX_AHEAD + SKEW };
                if at > now + ahead {
                    v.push("seen_at", Problem::InFuture, "is in the future");
                } else if at < now - time::Duration::days(MAX_AGE_DAYS) {
                    v.push("seen_at", Problem::ImplausibleTime, "is more than a year ago; call the hotline instead");
                }
                seen_at = offset.map(|_| at.to_offset(UtcOffset::UTC));
            }
        }
        v.finish()?;
        let seen_local = seen_local.ok_or_else(|| DomainError::Corrupt("a checked time was not read".into()))?;
        Ok(CheckedSighting { sighting: self, seen_local, seen_at })
    }
}

fn looks_like_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        }
        None => false,
    }
}

/// Where a sighting stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SightingState {
    /// In the inbox: nobody has attached or dismissed it yet.
    New,
    /// Attached to a case by an operator; shown on the case's page.
    Attached,
    /// Dismissed with a reason.
    Dismissed,
}

impl SightingState {
    pub fn name(self) -> &'static str {
        match self {
            SightingState::New => "new",
            SightingState::Attached => "attached",
            SightingState::Dismissed => "dismissed",
        }
    }
}

/// A sighting as staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SightingView {
    pub id: SightingId,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub received_at: OffsetDateTime,
    /// The alert the sender answered, as the public page named it.
    pub alert: Option<String>,
    pub place: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// The sender's local time, as given (`2026-11-30T14:05`).
    pub seen_at_local: String,
    /// The moment, when the sender's browser gave its offset from UTC.
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub seen_at: Option<OffsetDateTime>,
    pub description: String,
    pub contact: SightingContact,
    /// The photo's type, when one was sent (staff fetch it from `/sightings/{id}/photo`).
    pub photo: Option<PhotoType>,
    pub photo_bytes: Option<u64>,
    pub state: SightingState,
    /// The case it is attached to.
    pub case_id: Option<CaseId>,
    pub case_number: Option<String>,
    /// Who attached or dismissed it, and when.
    pub decided_by: Option<UserId>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub decided_at: Option<OffsetDateTime>,
    /// Why it was dismissed.
    pub reason: Option<String>,
}

/// What the sender is told: the sighting was received, under this reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SightingReceipt {
    pub id: SightingId,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub received_at: OffsetDateTime,
}

/// How an unattached sighting relates to an organisation. Sightings from the public are addressed
/// to the organisations that take reports (hotlines and NGOs): for them the inbox is their own;
/// a police unit or a reception-centre operator sees none of it (the police hear of a sighting
/// through the case it is attached to).
pub fn inbox_scope(kind: OrganisationKind) -> Scope {
    match kind {
        OrganisationKind::Hotline | OrganisationKind::Ngo => Scope::Own,
        OrganisationKind::PoliceUnit | OrganisationKind::ReceptionCentreOperator => Scope::Other,
    }
}

/// Checks the reason a sighting is dismissed with: required, at most [`MAX_REASON`] characters.
pub fn check_reason(reason: Option<String>) -> Result<String, DomainError> {
    let reason = reason.map(|r| r.trim().to_owned()).unwrap_or_default();
    let mut v = Validation::new();
    v.required_text("reason", &reason, MAX_REASON);
    v.finish().map(|()| reason)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use time::macros::datetime;

    use super::*;

    fn sighting() -> NewSighting {
        NewSighting {
            alert: None,
            place: " Larissa station, platform 2 ".into(),
            lat: Some(39.64),
            lon: Some(22.41),
            seen_at: "2026-11-30T14:05".into(),
            utc_offset_minutes: Some(120),
            description: "A girl in a red coat with a man".into(),
            contact: SightingContact::default(),
        }
    }

    const NOW: OffsetDateTime = datetime!(2026-11-30 13:00 UTC);

    fn codes(s: NewSighting) -> Vec<(String, Problem)> {
        match s.validate(NOW) {
            Err(DomainError::Invalid(errors)) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn a_photo_is_told_by_its_first_bytes() {
        let check = |bytes: &[u8], expected: Option<PhotoType>| assert_eq!(PhotoType::sniff(bytes), expected);
        check(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], Some(PhotoType::Jpeg));
        check(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", Some(PhotoType::Png));
        check(b"RIFF\x24\0\0\0WEBPVP8 ", Some(PhotoType::Webp));
        check(b"RIFF\x24\0\0\0WAVEfmt ", None);
        check(b"hello, this is text named photo.jpg", None);
        check(b"<svg xmlns='http://www.w3.org/2000/svg'/>", None);
        check(b"GIF89a", None);
        check(b"", None);
        assert_eq!(Photo::check(b"plain text".to_vec()), Err(PhotoError::NotAnImage));
        let mut big = vec![0xFF, 0xD8, 0xFF];
        big.resize(MAX_PHOTO_BYTES + 1, 0);
        assert_eq!(Photo::check(big), Err(PhotoError::TooLarge));
    }

    #[test]
    fn a_good_sighting_is_tidied_and_its_moment_known_from_the_offset() {
        let checked = sighting().validate(NOW).unwrap();
        assert_eq!(checked.sighting.place, "Larissa station, platform 2");
        assert_eq!(checked.seen_at, Some(datetime!(2026-11-30 12:05 UTC)));
        let mut no_offset = sighting();
        no_offset.utc_offset_minutes = None;
        no_offset.seen_at = "2026-11-30 14:05:30".into();
        let checked = no_offset.validate(NOW).unwrap();
        assert_eq!((checked.seen_at, checked.sighting.seen_at.as_str()), (None, "2026-11-30T14:05"));
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let mut s = sighting();
        s.place = "  ".into();
        s.description = "x".repeat(MAX_DESCRIPTION + 1);
        s.lat = Some(91.0);
        s.seen_at = "yesterday".into();
        s.contact.email = Some("not an address".into());
        s.alert = Some("<script>".into());
        let got = codes(s);
        for wanted in [
            ("place", Problem::Required),
            ("description", Problem::TooLong),
            ("lat", Problem::Latitude),
            ("seen_at", Problem::TimeFormat),
            ("email", Problem::Email),
            ("alert", Problem::NotAChoice),
        ] {
            assert!(got.contains(&(wanted.0.to_owned(), wanted.1)), "{wanted:?} in {got:?}");
        }
    }

    #[test]
    fn a_sighting_in_the_future_or_long_ago_is_refused() {
        let mut s = sighting();
        s.seen_at = "2026-11-30T16:00".into(); // 14:00 UTC, an hour ahead of now
        assert_eq!(codes(s), [("seen_at".to_owned(), Problem::InFuture)]);
        let mut s = sighting();
        s.utc_offset_minutes = None;
        s.seen_at = "2026-12-01T02:00".into(); // possible somewhere east without an offset
        assert!(s.validate(NOW).is_ok());
        let mut s = sighting();
        s.seen_at = "2025-06-01T10:00".into();
        assert_eq!(codes(s), [("seen_at".to_owned(), Problem::ImplausibleTime)]);
        let mut s = sighting();
        s.utc_offset_minutes = Some(15 * 60);
        assert_eq!(codes(s), [("utc_offset_minutes".to_owned(), Problem::TimeZone)]);
    }

    #[test]
    fn a_dismissal_needs_a_reason() {
        assert!(check_reason(None).is_err());
        assert!(check_reason(Some("   ".into())).is_err());
        assert_eq!(check_reason(Some(" prank ".into())).unwrap(), "prank");
    }

    #[test]
    fn only_organisations_that_take_reports_read_the_inbox() {
        assert_eq!(inbox_scope(OrganisationKind::Hotline), Scope::Own);
        assert_eq!(inbox_scope(OrganisationKind::Ngo), Scope::Own);
        assert_eq!(inbox_scope(OrganisationKind::PoliceUnit), Scope::Other);
        assert_eq!(inbox_scope(OrganisationKind::ReceptionCentreOperator), Scope::Other);
    }
}
