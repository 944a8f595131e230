//! Text keys for search and matching: names in any script, identifiers in any spelling.
//!
//! A name is searched by tokens. Each token is folded (case, accents, Greek final sigma) and,
//! for Greek and Cyrillic, also transliterated to a plain Latin key, so that an operator typing
//! `Eleni` finds `Ελένη` and `Jovana` finds `Јована`. The record-linkage engine brings finer
//! matching; this is the simple, predictable search an operator expects from a search box.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::records::IdentifierKind;

/// Folds case and strips accents: `Ελένη` → `ελενη`, `Ђорђе` → `ђорђе`, `José` → `jose`.
pub fn fold(text: &str) -> String {
    text.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ς' { 'σ' } else { c })
        .collect()
}

/// Splits a name into folded tokens on anything that is not a letter or digit.
pub fn tokens(text: &str) -> Vec<String> {
    fold(text).split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

/// The search keys of a name: each token folded, plus its Latin key where that differs.
pub fn search_keys<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut keys = Vec::new();
    for name in names {
        for token in tokens(name) {
            let latin = latin_key(&token);
            keys.push(token);
            keys.push(latin);
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// A plain Latin rendering of a folded token for Greek and Cyrillic letters; other letters
/// pass through. It follows the common popular renderings (ου → ou, η → i, ђ → dj).
pub fn latin_key(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let pair = match (c, next) {
            ('ο', Some('υ')) => Some("ou"),
            ('α', Some('ι')) => Some("ai"),
            ('ε', Some('ι')) => Some("ei"),
            ('ο', Some('ι')) => Some("oi"),
            ('γ', Some('γ')) => Some("ng"),
            ('μ', Some('π')) => Some("b"),
            ('ν', Some('τ')) => Some("d"),
            _ => None,
        };
        if let Some(pair) = pair {
            out.push_str(pair);
            chars.next();
            continue;
        }
        match c {
            'α' => out.push('a'),
            'β' => out.push('v'),
            'γ' => out.push('g'),
            'δ' => out.push('d'),
            'ε' => out.push('e'),
            'ζ' => out.push('z'),
            'η' | 'ι' | 'υ' => out.push('i'),
            'θ' => out.push_str("th"),
            'κ' => out.push('k'),
            'λ' => out.push('l'),
            'μ' => out.push('m'),
            'ν' => out.push('n'),
            'ξ' => out.push('x'),
            'ο' | 'ω' => out.push('o'),
            'π' => out.push('p'),
            'ρ' => out.push('r'),
            'σ' => out.push('s'),
            'τ' => out.push('t'),
            'φ' => out.push('f'),
            'χ' => out.push_str("ch"),
            'ψ' => out.push_str("ps"),
            'а' => out.push('a'),
            'б' => out.push('b'),
            'в' => out.push('v'),
            'г' => out.push('g'),
            'д' => out.push('d'),
            'ђ' => out.push_str("dj"),
            'е' | 'э' => out.push('e'),
            'ж' => out.push_str("zh"),
            'з' => out.push('z'),
            'и' | 'ы' | 'й' => out.push('i'),
            'ј' => out.push('j'),
            'к' => out.push('k'),
            'л' => out.push('l'),
            'љ' => out.push_str("lj"),
            'м' => out.push('m'),
            'н' => out.push('n'),
            'њ' => out.push_str("nj"),
            'о' => out.push('o'),
            'п' => out.push('p'),
            'р' => out.push('r'),
            'с' => out.push('s'),
            'т' => out.push('t'),
            'ћ' => out.push('c'),
            'у' => out.push('u'),
            'ф' => out.push('f'),
            'х' => out.push('h'),
            'ц' => out.push('c'),
            'ч' => out.push('c'),
            'џ' => out.push_str("dz"),
            'ш' => out.push('s'),
            'щ' => out.push_str("shch"),
            'ю' => out.push_str("yu"),
            'я' => out.push_str("ya"),
            'ь' | 'ъ' => {}
            other => out.push(other),
        }
    }
    out
}

/// The form identifiers are matched on. Phone numbers keep digits and a leading `+`, with the
/// international `00` prefix written as `+` (`0030 69…` and `+30 69…` are the same number);
/// handles drop a leading `@`; everything else is folded with spaces and punctuation removed.
pub fn normalise_identifier(kind: IdentifierKind, value: &str) -> String {
    match kind {
        IdentifierKind::Phone => {
            let trimmed = value.trim();
            let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
            if trimmed.starts_with('+') {
                format!("+{digits}")
            } else if let Some(rest) = digits.strip_prefix("00") {
                format!("+{rest}")
            } else {
                digits
            }
        }
        IdentifierKind::SocialHandle => {
            fold(value.trim().trim_start_matches('@')).chars().filter(|c| !c.is_whitespace()).collect()
        }
        IdentifierKind::Email => value.trim().to_lowercase(),
        IdentifierKind::Vehicle | IdentifierKind::Address | IdentifierKind::Other => {
            fold(value).chars().filter(|c| c.is_alphanumeric()).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: &[&str]) {
        let keys = search_keys([input]);
        for e in expected {
            assert!(keys.iter().any(|k| k == e), "{input:?} → {keys:?} lacks {e:?}");
        }
    }

    #[test]
    fn search_keys_cross_scripts() {
        check("Ελένη Παπαδοπούλου", &["ελενη", "eleni", "παπαδοπουλου", "papadopoulou"]);
        check("Γιώργος", &["γιωργοσ", "giorgos"]);
        check("Јована Петровић", &["јована", "jovana", "петровић", "petrovic"]);
        check("Ђорђе", &["djordje"]);
        check("José Álvarez", &["jose", "alvarez"]);
        check("Al-Hassan", &["al", "hassan"]);
        check("محمد", &["محمد"]);
    }

    #[test]
    fn phone_numbers_in_any_spelling_are_one() {
        let a = normalise_identifier(IdentifierKind::Phone, "+30 690 000 1234");
        let b = normalise_identifier(IdentifierKind::Phone, "0030-690-000-1234");
        assert_eq!(a, "+306900001234");
        assert_eq!(a, b);
        assert_eq!(normalise_identifier(IdentifierKind::SocialHandle, "@Night_Owl"), "night_owl");
        assert_eq!(normalise_identifier(IdentifierKind::Vehicle, "ΙΚΥ-1234"), "ικυ1234");
    }

    proptest! {
        #[test]
        fn fold_is_idempotent(s in "\\PC{0,20}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once);
        }

        #[test]
        fn identifier_normalisation_is_idempotent(s in "[+0-9 ()-]{0,20}") {
            let once = normalise_identifier(IdentifierKind::Phone, &s);
            prop_assert_eq!(normalise_identifier(IdentifierKind::Phone, &once), once);
        }
    }
}
