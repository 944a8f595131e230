//! Dates of birth as registries actually record them: exact, year and month, year only, or no
//! date at all but an estimated age range.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Month, OffsetDateTime};

/// A date that may be known only to the month or the year: `2011-04-02`, `2011-04` or `2011`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    year: i32,
    month: Option<Month>,
    day: Option<u8>,
}

/// Why a partial date could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// The text is not `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[error("`{0}` is not a date; write YYYY-MM-DD, YYYY-MM or YYYY")]
    Format(String),
    /// The parts are numbers but no such day exists (`2011-02-30`, month 13).
    #[error("`{0}` does not exist in the calendar")]
    Impossible(String),
    /// Years before 1900 are certainly typing mistakes for a child.
    #[error("year {0} is out of range; expected 1900 or later")]
    YearOutOfRange(i32),
}

impl PartialDate {
    /// The year, month and day, where known.
    pub fn parts(&self) -> (i32, Option<u8>, Option<u8>) {
        (self.year, self.month.map(u8::from), self.day)
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    /// Builds a partial date from its parts, checking the calendar.
    pub fn new(year: i32, month: Option<u8>, day: Option<u8>) -> Result<Self, DateError> {
        let text = match (month, day) {
            (None, _) => format!("{year:04}"),
            (Some(m), None) => format!("{year:04}-{m:02}"),
            (Some(m), Some(d)) => format!("{year:04}-{m:02}-{d:02}"),
        };
        if !(1900..=9999).contains(&year) {
            return Err(DateError::YearOutOfRange(year));
        }
        let month = match month {
            None if day.is_some() => return Err(DateError::Format(text)),
            None => None,
            Some(m) => Some(Month::try_from(m).map_err(|_| DateError::Impossible(text.clone()))?),
        };
        if let (Some(m), Some(d)) = (month, day) {
            Date::from_calendar_date(year, m, d).map_err(|_| DateError::Impossible(text))?;
        }
        Ok(Self { year, month, day })
    }

    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let bad = || DateError::Format(text.to_owned());
        let mut parts = text.split('-');
        let number = |part: Option<&str>, len: usize| -> Result<Option<u32>, DateError> {
            match part {
                None => Ok(None),
                Some(p) if p.len() == len && p.bytes().all(|b| b.is_ascii_digit()) => {
                    p.parse().map(Some).map_err(|_| bad())
                }
                Some(_) => Err(bad()),
            }
        };
        let year = number(parts.next(), 4)?.ok_or_else(bad)?;
        let month = number(parts.next(), 2)?;
        let day = number(parts.next(), 2)?;
        if parts.next().is_some() {
            return Err(bad());
        }
        let year = i32::try_from(year).map_err(|_| bad())?;
        let month = month.map(|m| u8::try_from(m).map_err(|_| bad())).transpose()?;
        let day = day.map(|d| u8::try_from(d).map_err(|_| bad())).transpose()?;
        Self::new(year, month, day)
    }

    /// The first day this partial date may stand for.
    pub fn earliest(&self) -> Date {
        let month = self.month.unwrap_or(Month::January);
        let day = self.day.unwrap_or(1);
        Date::from_calendar_date(self.year, month, day).unwrap_or(Date::MIN)
    }

    /// The last day this partial date may stand for.
    pub fn latest(&self) -> Date {
        match (self.month, self.day) {
            (Some(m), Some(d)) => Date::from_calendar_date(self.year, m, d).unwrap_or(Date::MAX),
            (Some(m), None) => {
                let last = m.length(self.year);
                Date::from_calendar_date(self.year, m, last).unwrap_or(Date::MAX)
            }
            (None, _) => Date::from_calendar_date(self.year, Month::December, 31).unwrap_or(Date::MAX),
        }
    }
}

impl std::fmt::Display for PartialDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{:02}", u8::from(m))?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for PartialDate {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^\d{4}(-\d{2}(-\d{2})?)?$"))
            .description(Some("A date known to the day, the month or the year: YYYY-MM-DD, YYYY-MM or YYYY."))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for PartialDate {}

/// Completed years between `birth` and `on`.
pub fn age_on(birth: Date, on: Date) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month() as u8, on.day()) < (birth.month() as u8, birth.day()) {
        age -= 1;
    }
    age
}

/// The youngest and oldest a person born on `date` can be on `on`, in completed years.
pub fn age_bounds(date: &PartialDate, on: Date) -> (i32, i32) {
    (age_on(date.latest(), on), age_on(date.earliest(), on))
}

/// An estimated age in completed years, when no date of birth is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgeRange {
    pub min: u8,
    pub max: u8,
}

/// The moment a timestamp falls on, as a calendar date in UTC.
pub fn utc_date(at: OffsetDateTime) -> Date {
    at.checked_to_offset(time::UtcOffset::UTC).unwrap_or(at).date()
}

/// Whether a time given by a client is plausible at all: Homeward stores nothing dated before
/// 1900 or after 2999, and such a time is a typing mistake, not a fact.
pub fn plausible(at: OffsetDateTime) -> bool {
    (1900..3000).contains(&at.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: Result<(i32, Option<u8>, Option<u8>), &str>) {
        let got = PartialDate::parse(input).map(|d| d.parts()).map_err(|e| e.to_string());
        let expected = expected.map_err(str::to_owned);
        assert_eq!(got, expected, "input {input:?}");
    }

    #[test]
    fn parse_table() {
        check("2011-04-02", Ok((2011, Some(4), Some(2))));
        check("2011-04", Ok((2011, Some(4), None)));
        check("2011", Ok((2011, None, None)));
        check("2012-02-29", Ok((2012, Some(2), Some(29))));
        check("2011-02-29", Err("`2011-02-29` does not exist in the calendar"));
        check("2011-02-30", Err("`2011-02-30` does not exist in the calendar"));
        check("2011-13", Err("`2011-13` does not exist in the calendar"));
        check("2011-00", Err("`2011-00` does not exist in the calendar"));
        check("1850", Err("year 1850 is out of range; expected 1900 or later"));
        check("11-04-02", Err("`11-04-02` is not a date; write YYYY-MM-DD, YYYY-MM or YYYY"));
        check("2011-4-2", Err("`2011-4-2` is not a date; write YYYY-MM-DD, YYYY-MM or YYYY"));
        check("2011-04-02T00:00", Err("`2011-04-02T00:00` is not a date; write YYYY-MM-DD, YYYY-MM or YYYY"));
        check("", Err("`` is not a date; write YYYY-MM-DD, YYYY-MM or YYYY"));
        check("+011", Err("`+011` is not a date; write YYYY-MM-DD, YYYY-MM or YYYY"));
    }

    #[test]
    fn age_bounds_of_partial_dates() {
        let on = Date::from_calendar_date(2026, Month::November, 28).unwrap();
        assert_eq!(age_bounds(&PartialDate::parse("2011-04-02").unwrap(), on), (15, 15));
        assert_eq!(age_bounds(&PartialDate::parse("2011-11").unwrap(), on), (14, 15));
        assert_eq!(age_bounds(&PartialDate::parse("2011").unwrap(), on), (14, 15));
        assert_eq!(age_bounds(&PartialDate::parse("2011-11-28").unwrap(), on), (15, 15));
        assert_eq!(age_bounds(&PartialDate::parse("2011-11-29").unwrap(), on), (14, 14));
    }

    proptest! {
        #[test]
        fn display_then_parse_is_identity(year in 1900i32..2100, month in proptest::option::of(1u8..=12), day in 1u8..=31) {
            let day = month.map(|_| day);
            if let Ok(date) = PartialDate::new(year, month, day) {
                prop_assert_eq!(PartialDate::parse(&date.to_string()), Ok(date));
            }
        }

        #[test]
        fn earliest_never_after_latest(year in 1900i32..2100, month in proptest::option::of(1u8..=12), day in proptest::option::of(1u8..=31)) {
            let day = month.and(day);
            if let Ok(date) = PartialDate::new(year, month, day) {
                prop_assert!(date.earliest() <= date.latest());
                let on = Date::from_calendar_date(2100, Month::December, 31).unwrap();
                let (youngest, oldest) = age_bounds(&date, on);
                prop_assert!(youngest <= oldest && oldest - youngest <= 1);
            }
        }

        #[test]
        fn parse_never_panics(text in "\\PC{0,12}") {
            let _ = PartialDate::parse(&text);
        }
    }
}
