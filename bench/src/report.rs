//! The case reports both benchmarks write, so that the baseline and the server store the same
//! rows: one girl, four search keys, one phone contact.

use std::sync::Arc;

/// A child's names as the caller types them, with the search keys Homeward derives from them
/// (accents folded, lower case, and a Latin transliteration). Every entry yields four distinct
/// keys, so the row count does not depend on which names a request uses.
pub struct Names {
    pub given: &'static str,
    pub family: &'static str,
    pub keys: [&'static str; 4],
}

pub const NAMES: &[Names] = &[
    Names {
        given: "Ελένη", family: "Παπαδοπούλου", keys: ["ελενη", "eleni", "παπαδοπουλου", "papadopoulou"]
    },
    Names {
        given: "Μαρία", family: "Νικολάου", keys: ["μαρια", "maria", "νικολαου", "nikolaou"]
    },
    Names {
        given: "Σοφία", family: "Γεωργίου", keys: ["σοφια", "sofia", "γεωργιου", "georgiou"]
    },
    Names {
        given: "Δέσποινα", family: "Οικονόμου", keys: ["δεσποινα", "despoina", "οικονομου", "oikonomou"]
    },
];

pub const SUMMARY: &str = "Mother reports her daughter did not come home from school";
pub const LAST_SEEN_AT: &str = "2026-11-28T18:30:00Z";
pub const RECEIVED_AT: &str = "2026-11-28T20:05:00Z";

/// The JSON bodies of `POST /api/v1/cases`, one per entry of [`NAMES`]; request `n` sends
/// `bodies[n % len]`.
pub fn request_bodies() -> Arc<Vec<Vec<u8>>> {
    let bodies = NAMES
        .iter()
        .map(|n| {
            serde_json::json!({
                "category": "runaway",
                "child": {"given_name": n.given, "family_name": n.family, "sex": "F", "date_of_birth": "2011-04-02"},
                "last_seen": {"at": LAST_SEEN_AT, "place": "Athens, Omonia", "lat": 37.984, "lon": 23.728},
                "contact": {"channel": "phone", "received_at": RECEIVED_AT, "summary": SUMMARY}
            })
            .to_string()
            .into_bytes()
        })
        .collect();
    Arc::new(bodies)
}
