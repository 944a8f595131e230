//! Times as stored: UTC, fixed width, so that text order is time order.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

use crate::StoreError;

/// `2026-11-28T18:30:00.000000Z`.
pub fn format(at: OffsetDateTime) -> String {
    let fmt = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
    // `checked_to_offset`: a time at the very end of the calendar cannot panic the writer.
    at.checked_to_offset(UtcOffset::UTC).unwrap_or(at).format(&fmt).unwrap_or_else(|_| at.to_string())
}

pub fn parse(text: &str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|e| StoreError::Corrupt(format!("time `{text}`: {e}")))
}
