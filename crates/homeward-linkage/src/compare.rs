//! Comparison of two prepared records, field by field, into agreement levels (0 = the closest
//! agreement). Names are compared in whichever order fits better, so that a given name written
//! as the family name (and the other way round) still agrees.

use crate::record::{Birth, Prepared};

/// The fields compared, in the order of a comparison vector.
pub const FIELDS: [&str; 5] = ["given_name", "family_name", "birth", "sex", "nationality"];

/// The levels of each field, closest first.
pub const LEVELS: [&[&str]; 5] = [
    &["exact", "same sound", "very similar", "similar", "different"],
    &["exact", "same sound", "very similar", "similar", "different"],
    &["same date", "same month or day and month swapped", "near miss", "same year", "years overlap", "different"],
    &["same", "different"],
    &["same", "different"],
];

/// The levels of a column the user maps besides the built-in fields.
pub const EXTRA_LEVELS: &[&str] = &["exact", "very similar", "similar", "different"];

/// The levels of field `f` (the built-in fields, then the extra columns).
pub fn levels(f: usize) -> &'static [&'static str] {
    LEVELS.get(f).copied().unwrap_or(EXTRA_LEVELS)
}

/// One pair's levels, the built-in fields then the extra columns; `None` where either record
/// lacks the field.
pub type Vector = Vec<Option<u8>>;

/// One name of a prepared record, as a comparison reads it.
#[derive(Clone, Copy)]
struct Name<'a> {
    joined: &'a str,
    sorted: &'a str,
    keys: &'a [String],
    keys_joined: &'a str,
    group: Option<u16>,
}

/// The given and family names of `p`, with the loose skeletons when `loose`.
fn names(p: &Prepared, loose: bool) -> (Name<'_>, Name<'_>) {
    let (gk, gkj, fk, fkj) = if loose {
        (&p.given_loose, &p.given_loose_joined, &p.family_loose, &p.family_loose_joined)
    } else {
        (&p.given_keys, &p.given_keys_joined, &p.family_keys, &p.family_keys_joined)
    };
    (
        Name { joined: &p.given_joined, sorted: &p.given_sorted, keys: gk, keys_joined: gkj, group: p.given_group },
        Name { joined: &p.family_joined, sorted: &p.family_sorted, keys: fk, keys_joined: fkj, group: p.family_group },
    )
}

/// Compares two records.
pub fn compare(a: &Prepared, b: &Prepared) -> Vector {
    // Against a name in Arabic letters, which write v and u alike, the loose skeletons.
    let loose = a.arabic || b.arabic;
    let ((ag, af), (bg, bf)) = (names(a, loose), names(b, loose));
    // Known variants join given names, also one written as a family name; two family names do
    // not agree through them.
    let straight = (name_level(ag, bg), name_level(Name { group: None, ..af }, Name { group: None, ..bf }));
    let swapped = (name_level(ag, bf), name_level(af, bg));
    let total = |(g, f): (Option<u8>, Option<u8>)| g.unwrap_or(4) + f.unwrap_or(4);
    // Swapped names: which of the two crossed comparisons is called "given" must not depend on
    // which record comes first.
    let (given, family) = if total(swapped) + 1 < total(straight) {
        (swapped.0.min(swapped.1), swapped.0.max(swapped.1))
    } else {
        straight
    };
    let mut vector = vec![
        given,
        family,
        match (a.birth, b.birth) {
            (Some(x), Some(y)) => Some(birth_level(x, y)),
            _ => None,
        },
        match (a.sex, b.sex) {
            (Some(x), Some(y)) => Some(u8::from(x != y)),
            _ => None,
        },
        match (&a.nationality, &b.nationality) {
            (Some(x), Some(y)) => Some(u8::from(x != y)),
            _ => None,
        },
    ];
    vector.extend(a.extra.iter().zip(&b.extra).map(|(x, y)| extra_level(x, y)));
    vector
}

fn extra_level(a: &str, b: &str) -> Option<u8> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    if a == b {
        return Some(0);
    }
    let similarity = jaro_winkler(a, b);
    Some(if similarity >= 0.9 {
        1
    } else if similarity >= 0.7 {
        2
    } else {
        3
    })
}

fn name_level(a: Name<'_>, b: Name<'_>) -> Option<u8> {
    if a.joined.is_empty() || b.joined.is_empty() {
        return None;
    }
    if a.joined == b.joined || a.sorted == b.sorted {
        return Some(0);
    }
    let one_token_each = a.keys.len() == 1 && b.keys.len() == 1;
    // A known variant form (`Kostas`, `Κωνσταντίνος`) agrees as a name that sounds the same.
    let variants = a.group.is_some() && a.group == b.group;
    if variants || a.keys_joined == b.keys_joined || (one_token_each && a.keys.first() == b.keys.first()) {
        return Some(1);
    }
    let similarity = jaro_winkler(a.joined, b.joined);
    Some(if similarity >= 0.92 {
        2
    } else if similarity >= 0.80
        || a.keys.iter().any(|k| b.keys.contains(k))
        // One side in Arabic letters has no vowels to compare: its skeleton does.
        || jaro_winkler(a.keys_joined, b.keys_joined) >= 0.85
    {
        3
    } else {
        4
    })
}

fn birth_level(a: Birth, b: Birth) -> u8 {
    if let (Birth::Date(x), Birth::Date(y)) = (a, b) {
        let ((ya, ma, da), (yb, mb, db)) = (x.parts(), y.parts());
        let full = da.is_some() && db.is_some();
        if ya == yb {
            if (ma, da) == (mb, db) && full {
                return 0;
            }
            let swapped = full && ma == db && da == mb;
            let same_month = ma.is_some() && ma == mb && (da.is_none() || db.is_none() || da == db);
            if swapped || same_month {
                return 1;
            }
            // One part of a full date off (a typo), or the same month.
            if (ma.is_some() && ma == mb) || (da.is_some() && da == db) {
                return 2;
            }
            // A year alone, or an age turned into one, says little more than that.
            if ma.is_none() || mb.is_none() {
                return 3;
            }
        } else if (ya - yb).abs() == 1 && ma.is_some() && ma == mb && da == db {
            return 2;
        }
        // Two full dates that differ in more than one part are two children's, even within a
        // year: only a partial date or an estimated age can merely overlap.
        if full {
            return 5;
        }
    }
    let ((a0, a1), (b0, b1)) = (a.years(), b.years());
    if a0 <= b1 + 1 && b0 <= a1 + 1 { 4 } else { 5 }
}

/// Jaro–Winkler similarity of two strings, 0 to 1.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    // Names are short and mostly ASCII after normalisation: compare bytes without allocating.
    if a.is_ascii() && b.is_ascii() && a.len() <= 64 && b.len() <= 64 {
        return jaro_winkler_of(a.as_bytes(), b.as_bytes());
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    jaro_winkler_of(&a, &b)
}

fn jaro_winkler_of<T: PartialEq>(a: &[T], b: &[T]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return if a.is_empty() && b.is_empty() { 1.0 } else { 0.0 };
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let (mut a_store, mut b_store) = ([false; 64], [false; 64]);
    let (mut a_heap, mut b_heap) = (Vec::new(), Vec::new());
    let a_match: &mut [bool] = if a.len() <= 64 {
        &mut a_store[..a.len()]
    } else {
        a_heap.resize(a.len(), false);
        &mut a_heap
    };
    let b_match: &mut [bool] = if b.len() <= 64 {
        &mut b_store[..b.len()]
    } else {
        b_heap.resize(b.len(), false);
        &mut b_heap
    };
    let mut matches = 0usize;
    for (i, ca) in a.iter().enumerate() {
        let (lo, hi) = (i.saturating_sub(window), (i + window + 1).min(b.len()));
        for j in lo..hi {
            if !b_match[j] && b[j] == *ca {
                a_match[i] = true;
                b_match[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let a_seq = a.iter().zip(a_match.iter()).filter(|(_, m)| **m).map(|(c, _)| c);
    let b_seq = b.iter().zip(b_match.iter()).filter(|(_, m)| **m).map(|(c, _)| c);
    let transpositions = a_seq.zip(b_seq).filter(|(x, y)| x != y).count() / 2;
    let m = matches as f64;
    let jaro = (m / a.len() as f64 + m / b.len() as f64 + (m - transpositions as f64) / m) / 3.0;
    let prefix = a.iter().zip(b.iter()).take(4).take_while(|(x, y)| x == y).count() as f64;
    jaro + prefix * 0.1 * (1.0 - jaro)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Record;
    use homeward_domain::dates::PartialDate;

    fn rec(given: &str, family: &str, dob: Option<&str>) -> Prepared {
        Prepared::new(&Record {
            id: String::new(),
            given_name: given.into(),
            family_name: family.into(),
            birth: dob.map(|d| Birth::Date(PartialDate::parse(d).unwrap())),
            sex: Some('M'),
            nationality: None,
            extra: Vec::new(),
        })
    }

    #[test]
    fn levels_follow_how_alike_two_records_are() {
        let check = |a: Prepared, b: Prepared, expected: Vector| assert_eq!(compare(&a, &b), expected);
        check(
            rec("Mohammed", "Al-Hassan", Some("2010-03-04")),
            rec("Muhammad", "Alhasan", Some("2010-03-04")),
            vec![Some(1), Some(1), Some(0), Some(0), None],
        );
        check(
            rec("Μωχάμεντ", "Χασάν", Some("2010-03")),
            rec("Mohamed", "Hasan", Some("2010-03-04")),
            vec![Some(1), Some(1), Some(1), Some(0), None],
        );
        check(
            rec("Hasan", "Mohamed", Some("2010-04-03")),
            rec("Mohamed", "Hasan", Some("2010-03-04")),
            vec![Some(0), Some(0), Some(1), Some(0), None],
        );
        check(
            rec("Jovana", "Petrović", Some("2011")),
            rec("Ana", "Nikolić", Some("2015-01-01")),
            vec![Some(4), Some(4), Some(5), Some(0), None],
        );
        check(rec("Eleni", "", None), rec("Ελένη", "Papadopoulou", None), vec![Some(0), None, None, Some(0), None]);
        // Two full dates in one year, months and days apart: two children. A year alone (an
        // estimated age) next to a full date a year off only overlaps.
        check(
            rec("Eleni", "Papa", Some("2015-05-06")),
            rec("Eleni", "Papa", Some("2015-11-30")),
            vec![Some(0), Some(0), Some(5), Some(0), None],
        );
        check(
            rec("Eleni", "Papa", Some("2016")),
            rec("Eleni", "Papa", Some("2015-11-30")),
            vec![Some(0), Some(0), Some(4), Some(0), None],
        );
        check(
            rec("Eleni", "Papa", Some("2015")),
            rec("Eleni", "Papa", Some("2015-11-30")),
            vec![Some(0), Some(0), Some(3), Some(0), None],
        );
        check(
            rec("Eleni", "Papa", Some("2015-08-30")),
            rec("Eleni", "Papa", Some("2015-11-30")),
            vec![Some(0), Some(0), Some(2), Some(0), None],
        );
        // Known variant forms agree as names that sound the same; a name of another group
        // does not.
        check(
            rec("Kostas", "Papa", None),
            rec("Κωνσταντίνος", "Papa", None),
            vec![Some(1), Some(0), None, Some(0), None],
        );
        check(rec("Reza", "Karimi", None), rec("رضا", "کریمی", None), vec![Some(1), Some(1), None, Some(0), None]);
        check(rec("Kostas", "Papa", None), rec("Nikos", "Papa", None), vec![Some(4), Some(0), None, Some(0), None]);
        // A given name written as the family name still meets its variant; two family names that
        // happen to be forms of one given name do not agree through it.
        check(
            rec("Papa", "Kostas", None),
            rec("Κωνσταντίνος", "Papa", None),
            vec![Some(0), Some(1), None, Some(0), None],
        );
        check(rec("Eleni", "Petros", None), rec("Eleni", "Pierre", None), vec![Some(0), Some(3), None, Some(0), None]);
        // Ain and the article written together: Ali is علي, Al-Mele is المل.
        check(rec("Ali", "Al-Mele", None), rec("علي", "المل", None), vec![Some(0), Some(1), None, Some(0), None]);
    }

    #[test]
    fn jaro_winkler_reference_values() {
        assert!((jaro_winkler("martha", "marhta") - 0.9611).abs() < 1e-3);
        assert!((jaro_winkler("dwayne", "duane") - 0.84).abs() < 1e-3);
        assert_eq!(jaro_winkler("abc", "abc"), 1.0);
        assert_eq!(jaro_winkler("abc", "xyz"), 0.0);
    }

    proptest::proptest! {
        #[test]
        fn comparison_is_symmetric(a in "[a-zα-ω ]{0,12}", b in "[a-zα-ω ]{0,12}", c in "[a-z]{0,8}", d in "[a-z]{0,8}") {
            let (x, y) = (rec(&a, &c, Some("2011-02-03")), rec(&b, &d, Some("2011-03-02")));
            proptest::prop_assert_eq!(compare(&x, &y), compare(&y, &x));
        }
    }
}
