//! A record as the engine sees it, prepared once: tokens, skeletons and the date facts that
//! comparisons need.

use homeward_domain::dates::PartialDate;

use crate::normalise::{Script, is_arabic, loose_skeleton, name_tokens, skeleton, variant_group};

/// What is known of when a child was born.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Birth {
    /// A date of birth, exact or partial.
    Date(PartialDate),
    /// An estimated age range in years, as of a year (the year of the report).
    Age { min: u8, max: u8, as_of_year: i32 },
}

impl Birth {
    /// The birth years this allows, inclusive.
    pub fn years(&self) -> (i32, i32) {
        match self {
            Birth::Date(d) => (d.year(), d.year()),
            Birth::Age { min, max, as_of_year } => (as_of_year - i32::from(*max) - 1, as_of_year - i32::from(*min)),
        }
    }

    /// The birth years under which blocking files the record: a year written alone is often an
    /// age estimated and turned into a year, a year off either way.
    pub fn block_years(&self) -> (i32, i32) {
        match self {
            Birth::Date(d) if d.parts().1.is_none() => (d.year() - 1, d.year() + 1),
            Birth::Date(d) => (d.year(), d.year()),
            Birth::Age { min, max, as_of_year } => (as_of_year - i32::from(*max) - 1, as_of_year - i32::from(*min)),
        }
    }
}

/// One input record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub id: String,
    pub given_name: String,
    pub family_name: String,
    pub birth: Option<Birth>,
    /// `F`, `M`, or empty when unknown.
    pub sex: Option<char>,
    /// ISO 3166-1 alpha-2.
    pub nationality: Option<String>,
    /// Values of the extra columns the user mapped (an address, a document number), in order.
    pub extra: Vec<String>,
}

/// A record with its comparison keys computed.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub given: Vec<String>,
    pub family: Vec<String>,
    pub given_keys: Vec<String>,
    pub family_keys: Vec<String>,
    /// The skeletons without an inner `v`, for comparison with names in Arabic letters.
    pub given_loose: Vec<String>,
    pub family_loose: Vec<String>,
    pub given_loose_joined: String,
    pub family_loose_joined: String,
    /// The tokens sorted and joined: the same name with its parts in another order.
    pub given_sorted: String,
    pub family_sorted: String,
    /// The known variant groups of the names (`Kostas` and `Κωνσταντίνος` are one). A family
    /// name's group counts only against a given name, where the names were written the other
    /// way round: two family names (`Petrou`, `Pierre`) do not agree through a group.
    pub given_group: Option<u16>,
    pub family_group: Option<u16>,
    /// Whether either name is written in Arabic letters.
    pub arabic: bool,
    /// The tokens and the skeletons joined, computed once for the comparisons.
    pub given_joined: String,
    pub family_joined: String,
    pub given_keys_joined: String,
    pub family_keys_joined: String,
    pub birth: Option<Birth>,
    pub sex: Option<char>,
    pub nationality: Option<String>,
    /// The extra columns, folded.
    pub extra: Vec<String>,
}

impl Prepared {
    pub fn new(r: &Record) -> Self {
        let given = name_tokens(&r.given_name);
        let family = name_tokens(&r.family_name);
        let (gs, fs) = (Script::of(&r.given_name), Script::of(&r.family_name));
        let given_keys: Vec<String> = given.iter().map(|t| skeleton(t, gs)).collect();
        let family_keys: Vec<String> = family.iter().map(|t| skeleton(t, fs)).collect();
        let given_loose: Vec<String> = given.iter().map(|t| loose_skeleton(t, gs)).collect();
        let family_loose: Vec<String> = family.iter().map(|t| loose_skeleton(t, fs)).collect();
        let sorted = |tokens: &[String]| {
            let mut v: Vec<&str> = tokens.iter().map(String::as_str).collect();
            v.sort_unstable();
            v.join(" ")
        };
        let (given_joined, family_joined) = (given.join(""), family.join(""));
        let (given_keys_joined, family_keys_joined) = (given_keys.join(""), family_keys.join(""));
        Self {
            given_group: variant_group(&given, &given_joined, &given_keys_joined),
            family_group: variant_group(&family, &family_joined, &family_keys_joined),
            given_loose_joined: given_loose.join(""),
            family_loose_joined: family_loose.join(""),
            given_sorted: sorted(&given),
            family_sorted: sorted(&family),
            arabic: is_arabic(&r.given_name) || is_arabic(&r.family_name),
            given_loose,
            family_loose,
            given_joined,
            family_joined,
            given_keys_joined,
            family_keys_joined,
            given,
            family,
            given_keys,
            family_keys,
            birth: r.birth,
            sex: r.sex,
            nationality: r.nationality.as_ref().map(|n| n.to_ascii_uppercase()),
            extra: r.extra.iter().map(|e| homeward_domain::text::fold(e.trim())).collect(),
        }
    }
}
