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

/// One report of a hotline's day, for loads that run long: request `n` is about a child of its
/// own, except that one request in three reports again a child an earlier request reported (in
/// the UK one missing incident in three is a repeat of the same child; PRODUCT.md). Names,
/// dates of birth, categories and places vary with the child, so that a run of thousands of
/// reports is thousands of children, as at a hotline, rather than four children reported
/// thousands of times each (which [`request_bodies`] sends, and which makes every report a
/// repeat episode of a child with thousands before it).
pub fn hotline_body(n: u64) -> Vec<u8> {
    let child = hotline_child(n);
    let h = mix(child);
    let given = synthetic_word(h, 3);
    let family = synthetic_word(h >> 24, 4);
    // Between 9 and 17 years old when last seen (2026-11-28).
    let born = time::macros::date!(2009 - 01 - 01) + time::Duration::days((h % 3000) as i64);
    let sex = if h & 1 == 0 { "F" } else { "M" };
    // About two thirds runaways, one in five parental abductions (PRODUCT.md), the rest lost
    // or otherwise missing; drawn per report, as the same child may go missing differently.
    let category = match mix(n) % 15 {
        0..=9 => "runaway",
        10..=12 => "parental_abduction",
        _ => "lost_injured_otherwise_missing",
    };
    let place = HOTLINE_PLACES[(h % HOTLINE_PLACES.len() as u64) as usize];
    serde_json::json!({
        "category": category,
        "child": {"given_name": given, "family_name": family, "sex": sex, "date_of_birth": born.to_string()},
        "last_seen": {"at": LAST_SEEN_AT, "place": place},
        "contact": {"channel": "phone", "received_at": RECEIVED_AT, "summary": SUMMARY}
    })
    .to_string()
    .into_bytes()
}

/// The child request `n` reports: its own (numbered `n`) for two requests in three (`n % 3` is 0
/// or 1); for the third, one of the children reported before, each as likely as another (so no
/// child gathers the episodes of the children chosen after it).
fn hotline_child(n: u64) -> u64 {
    if n % 3 == 2 {
        // The children of their own before `n`: two in each three requests.
        let before = n / 3 * 2 + 2;
        let r = mix(n) % before;
        r / 2 * 3 + r % 2
    } else {
        n
    }
}

/// Where children of the hotline load were last seen.
const HOTLINE_PLACES: &[&str] = &[
    "Athens, Omonia",
    "Athens, Kypseli",
    "Piraeus, port",
    "Thessaloniki, centre",
    "Patras, old town",
    "Heraklion, bus station",
    "Larissa, centre",
    "Volos, seafront",
    "Ioannina, lake",
    "Chania, harbour",
];

/// A made-up capitalised word of `syllables` syllables drawn from `bits`: synthetic names that
/// look like names to the search and linkage (distinct keys, plausible lengths).
fn synthetic_word(mut bits: u64, syllables: usize) -> String {
    const SYLLABLES: [&str; 32] = [
        "ka", "lo", "mi", "ne", "ra", "so", "ti", "va", "de", "fi", "gu", "ha", "je", "ko", "lu", "ma", "no", "pe",
        "ri", "za", "bo", "ce", "da", "el", "fo", "ga", "is", "ju", "ki", "le", "mo", "nu",
    ];
    let mut word = String::new();
    for _ in 0..syllables {
        word.push_str(SYLLABLES[(bits % 32) as usize]);
        bits /= 32;
    }
    let mut chars = word.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// A 64-bit mix (SplitMix64's finaliser): spreads neighbouring numbers over the whole range.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::{hotline_body, hotline_child};
    use std::collections::HashMap;

    /// The hotline load is mostly distinct children, one report in three a repeat, and no child
    /// reported so often that its episodes would dominate the run.
    #[test]
    fn the_hotline_load_repeats_one_report_in_three_and_spreads_them() {
        let mut episodes: HashMap<u64, u32> = HashMap::new();
        for n in 0..30_000 {
            *episodes.entry(hotline_child(n)).or_default() += 1;
        }
        assert_eq!(episodes.len(), 20_000, "two requests in three report a child of their own");
        let most = episodes.values().copied().max().unwrap_or(0);
        assert!(most < 20, "a child reported {most} times");
        let body: serde_json::Value = serde_json::from_slice(&hotline_body(7)).unwrap_or_default();
        assert!(body["child"]["given_name"].as_str().is_some_and(|g| g.len() >= 6), "{body}");
        assert_eq!(hotline_body(2), hotline_body(2), "the same request is the same report");
    }
}
