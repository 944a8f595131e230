//! Names to comparable forms, whatever the script: Greek, Cyrillic and Arabic letters are
//! rendered in Latin ones, compound names are joined (`Abdul Rahman` → `abdulrahman`,
//! `Al-Hassan` → `alhassan`), and every token gets a phonetic skeleton that survives the
//! spellings registries choose (`Mohammed`, `Muhammad`, `Μωχάμεντ`, `محمد` → `mhmd`).

use std::collections::HashMap;
use std::sync::OnceLock;

use homeward_domain::text::{fold, latin_key};

/// Particles that belong to the name after them.
const PARTICLES: [&str; 10] = ["abd", "abdul", "abdel", "abu", "bin", "ben", "ibn", "bint", "ul", "ad"];

/// The Arabic article, written apart (`Al-Hassan`, `El Masry`): registries keep or drop it, so
/// it is dropped.
const ARTICLES: [&str; 2] = ["al", "el"];

/// The Latin tokens of a name, particles joined to the name they introduce.
pub fn name_tokens(name: &str) -> Vec<String> {
    let latin: String = fold(name)
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
        .filter(|t| !t.is_empty())
        // Serbian Latin đ is Cyrillic ђ, which the Latin key renders `dj`.
        .map(|t| arabic_to_latin(&latin_key(t).replace('đ', "dj")))
        .collect::<Vec<_>>()
        .join(" ");
    let mut tokens: Vec<String> = Vec::new();
    let mut pending = String::new();
    for raw in latin.split([' ', '-', '\'']) {
        let token: String = raw.chars().filter(|c| c.is_alphanumeric()).collect();
        if token.is_empty() {
            continue;
        }
        if ARTICLES.contains(&token.as_str()) {
            // After a particle the article is part of the compound (`Abd al-Rahman` is
            // `Abdulrahman`); before a name alone registries keep or drop it, so it goes.
            if !pending.is_empty() {
                pending.push_str("al");
            }
            continue;
        }
        if PARTICLES.contains(&token.as_str()) {
            pending.push_str(&token);
            continue;
        }
        tokens.push(std::mem::take(&mut pending) + &token);
    }
    if !pending.is_empty() {
        tokens.push(pending);
    }
    tokens
}

/// The letters a name was written in, as far as its skeleton cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Latin letters, or Greek or Cyrillic ones rendered in Latin letters, where two letters
    /// side by side can be one sound (`kh`, `sh`, `nt`).
    Latin,
    /// Arabic (or Persian) letters: each became one Latin letter, and two side by side are two
    /// sounds (the short vowel between them is not written).
    Arabic,
}

impl Script {
    pub fn of(name: &str) -> Self {
        if is_arabic(name) { Self::Arabic } else { Self::Latin }
    }
}

/// A phonetic skeleton of one token of a name written in `script`: the first letter, then the
/// consonants with look-alike sounds merged and repeats collapsed. Arabic script writes no
/// short vowels, and transliterations disagree mostly on vowels, so consonants carry the
/// identity.
pub fn skeleton(token: &str, script: Script) -> String {
    skeleton_of(token, false, script)
}

/// The skeleton without a `v` after the first letter: what a name written in Latin letters
/// looks like once written in Arabic ones.
pub fn loose_skeleton(token: &str, script: Script) -> String {
    skeleton_of(token, true, script)
}

/// The known variant forms of given names (`variants.txt`).
fn variants() -> &'static Variants {
    static VARIANTS: OnceLock<Variants> = OnceLock::new();
    // The file is part of the crate and a test parses it: it cannot fail here.
    VARIANTS.get_or_init(|| parse_variants(include_str!("variants.txt")).unwrap_or_default())
}

/// Variant groups: each form (normalised) to its group, and each form's skeleton to its group
/// unless forms of two groups share it, so that a spelling not listed (`Rezaa`) still finds
/// the group of the forms it sounds like.
#[derive(Debug, Default)]
pub struct Variants {
    forms: HashMap<String, u16>,
    sounds: HashMap<String, Option<u16>>,
}

/// Reads a list of variant groups: one group a line, its forms separated by commas, `#` for a
/// comment. A form in two groups is an error, which names it.
pub fn parse_variants(text: &str) -> Result<Variants, String> {
    let mut variants = Variants::default();
    let lines = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'));
    for (group, line) in lines.enumerate() {
        let group = u16::try_from(group).map_err(|_| "more than 65,535 groups".to_owned())?;
        for form in line.split(',').map(str::trim).filter(|f| !f.is_empty()) {
            let tokens = name_tokens(form);
            if let Some(other) = variants.forms.insert(tokens.join(""), group)
                && other != group
            {
                return Err(format!("`{form}` is in two groups"));
            }
            // A sound of one or two letters (`Kiki`, `Lena`) is shared by too many unrelated
            // names to stand for the group.
            let sound = sound_of(&tokens, Script::of(form));
            if sound.chars().count() < 3 {
                continue;
            }
            let entry = variants.sounds.entry(sound).or_insert(Some(group));
            if *entry != Some(group) {
                *entry = None;
            }
        }
    }
    Ok(variants)
}

fn sound_of(tokens: &[String], script: Script) -> String {
    tokens.iter().map(|t| skeleton(t, script)).collect()
}

/// The variant group of a name: by its tokens joined, its first token, or its sound (its
/// tokens' skeletons joined). `Kostas` and `Κωνσταντίνος` are one name though no spelling rule
/// joins them.
pub fn variant_group(tokens: &[String], joined: &str, sound: &str) -> Option<u16> {
    let variants = variants();
    let by_form = |key: &str| variants.forms.get(key).copied();
    by_form(joined)
        .or_else(|| tokens.first().and_then(|t| by_form(t)))
        .or_else(|| variants.sounds.get(sound).copied().flatten())
}

/// Whether a name is written in Arabic (or Persian) letters.
pub fn is_arabic(name: &str) -> bool {
    name.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

fn skeleton_of(token: &str, loose: bool, script: Script) -> String {
    let t = match script {
        // Letter for letter: `دز` is d and z, not the dz of `Dzenan`.
        Script::Arabic => token.to_owned(),
        Script::Latin => latin_sounds(token, loose),
    };
    let mut out = String::with_capacity(t.len());
    let mut previous = None;
    let length = t.chars().count();
    for (i, c) in t.chars().enumerate() {
        let c = match c {
            'c' | 'q' => 'k',
            'ħ' => 'h',
            // Arabic has no `p`: a name written in Arabic letters comes back with `b`.
            'p' => 'b',
            'w' => 'v',
            // Against Arabic letters, j and g are one letter (`Jamal`, `Gamal`, `جمال`).
            'j' if loose => 'g',
            'y' | 'j' => 'i',
            'z' => 's',
            other => other,
        };
        let vowel = matches!(c, 'a' | 'e' | 'i' | 'o' | 'u');
        if i == 0 {
            out.push(if vowel { 'a' } else { c });
            previous = (!vowel).then_some(c);
            continue;
        }
        // A final h is how Latin letters end a name whose Arabic ending is a vowel (`Sarah`,
        // `سارة`); and in the loose skeleton, compared with names written in Arabic letters,
        // v goes too: those letters write v, w, o and u alike (`Navid`, `نوید`).
        let vowel = vowel || (c == 'h' && i + 1 == length) || (loose && c == 'v');
        // A doubled letter (`mm`, `ss`) is one sound, and so is a consonant repeated across a
        // vowel: Arabic letters leave the vowel out (`Fusizadeh`, `فسزدح`).
        if vowel || previous == Some(c) {
            continue;
        }
        previous = Some(c);
        out.push(c);
    }
    out
}

/// A Latin token with its two-letter sounds made one letter.
fn latin_sounds(token: &str, loose: bool) -> String {
    // The article written together with the name (`Alhasan`) is dropped as when written apart.
    let bytes = token.as_bytes();
    let token =
        if token.len() > 4 && token.starts_with("al") && !b"aeiouy".contains(&bytes[2]) { &token[2..] } else { token };
    // Greek writes d as ντ, which Latin letters render `nt` or `d` (`Αντώνιος`, `Antonios`): n
    // before a d or t is one sound with it. Not against Arabic letters, which write the n of
    // `Hind` (`هند`).
    let mut t = token.to_owned();
    let rules = if loose { &LATIN_SOUNDS[2..] } else { &LATIN_SOUNDS[..] };
    for (from, to) in rules {
        // Most names hold none of these: the test spares a new string per rule.
        if t.contains(from) {
            t = t.replace(from, to);
        }
    }
    t
}

/// Two Latin letters that are one sound, in the order they are replaced. The first two only
/// outside the loose skeleton.
const LATIN_SOUNDS: [(&str, &str); 12] = [
    ("nt", "d"),
    ("nd", "d"),
    ("ph", "f"),
    ("th", "t"),
    ("kh", "h"),
    ("ch", "h"),
    ("gh", "g"),
    ("sh", "s"),
    ("zh", "z"),
    // `Djamila` is `جميلة`: dj is the j of French spellings of Arabic names (and of Serbian
    // đ, `Djordje`, whose names the variant list joins).
    ("dj", "j"),
    ("dz", "j"),
    ("ck", "k"),
];

/// Arabic (and Persian) letters to Latin consonants; short vowels are not written in the
/// script and so do not appear; long vowels become `a`, `u`, `i`. Each letter becomes one
/// Latin letter, the one its usual digraph (`kh`, `sh`) stands for in a skeleton, so that two
/// letters side by side (`ك` `ح`) never read as a digraph.
fn arabic_to_latin(token: &str) -> String {
    // The article written together with a name in Arabic letters is the article: it is set
    // apart as Latin letters write it (`Al-Hassan`), so that it is dropped or joined to a
    // particle before it (`Abd al-Rahman`) just as it is there.
    let mut out = String::with_capacity(token.len() + 1);
    // Not before alef, a long a that no name after the article begins with (`الا…`); before
    // waw or ya it stays, which begin names as consonants (`الوليد`, `اليمني`).
    let token = match token.strip_prefix("ال") {
        Some(rest) if rest.chars().count() >= 2 && !rest.starts_with('ا') => {
            out.push_str("al-");
            rest
        }
        _ => token,
    };
    for (i, c) in token.chars().enumerate() {
        match c {
            // A name that begins with ain or hamza begins with a vowel in Latin letters (Ali,
            // Omar, Aisha): the letter carries it.
            'ع' | 'ء' | 'ئ' | 'ؤ' if i == 0 => out.push('a'),
            // Waw begins a name as a consonant (Walid, Vahid) and is a vowel inside one.
            'و' if i == 0 => out.push('v'),
            // Ta marbuta ends a name as a vowel: Fatima, Khadija.
            'ة' => {}
            'ا' | 'أ' | 'إ' | 'آ' | 'ى' => out.push('a'),
            'ب' => out.push('b'),
            'پ' => out.push('p'),
            'ت' | 'ط' => out.push('t'),
            'ث' => out.push('t'),
            'ج' => out.push('j'),
            'چ' => out.push('h'),
            // An h of its own, so that a letter before it never makes a digraph with it.
            'ح' | 'ه' => out.push('ħ'),
            'خ' => out.push('h'),
            'د' | 'ض' => out.push('d'),
            'ذ' | 'ظ' => out.push('z'),
            'ر' => out.push('r'),
            'ز' | 'ژ' => out.push('z'),
            'س' | 'ص' => out.push('s'),
            'ش' => out.push('s'),
            'ع' | 'ء' | 'ئ' | 'ؤ' => {}
            'غ' => out.push('g'),
            'ف' => out.push('f'),
            'ق' | 'ك' | 'ک' => out.push('k'),
            'گ' => out.push('g'),
            'ل' => out.push('l'),
            'م' => out.push('m'),
            'ن' => out.push('n'),
            'و' => out.push('u'),
            'ي' | 'ی' => out.push('i'),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, tokens: &[&str], skeletons: &[&str]) {
        let got = name_tokens(name);
        assert_eq!(got, tokens, "tokens of {name}");
        let keys: Vec<String> = got.iter().map(|t| skeleton(t, Script::of(name))).collect();
        assert_eq!(keys, skeletons, "skeletons of {name}");
    }

    #[test]
    fn names_across_scripts_meet_in_one_skeleton() {
        check("Mohammed", &["mohammed"], &["mhmd"]);
        check("Muhammad", &["muhammad"], &["mhmd"]);
        check("Μωχάμεντ", &["mochamed"], &["mhmd"]);
        check("محمد", &["mħmd"], &["mhmd"]);
        check("Мухамед", &["muhamed"], &["mhmd"]);
        check("Abdul Rahman", &["abdulrahman"], &["abdlrhmn"]);
        check("Al-Hassan", &["hassan"], &["hsn"]);
        check("El Hassan", &["hassan"], &["hsn"]);
        check("Alhasan", &["alhasan"], &["hsn"]);
        check("Alexandros", &["alexandros"], &["alxdrs"]);
        check("Αντώνιος", &["adonios"], &["adns"]);
        check("Antonios", &["antonios"], &["adns"]);
        check("Ђорђе", &["djordje"], &["ar"]);
        check("Đorđe", &["djordje"], &["ar"]);
        check("Ελένη Παπαδοπούλου", &["eleni", "papadopoulou"], &["aln", "bdbl"]);
        check("Eleni Papadopoulou", &["eleni", "papadopoulou"], &["aln", "bdbl"]);
        check("Јована Јовановић", &["jovana", "jovanovic"], &["avn", "avnvk"]);
        check("Jovana Jovanović", &["jovana", "jovanovic"], &["avn", "avnvk"]);
        // Arabic letters have no `p`: Pedai written in Arabic comes back as Bdi.
        check("Pedai", &["pedai"], &["bd"]);
        check("Fusizadeh", &["fusizadeh"], &["fsd"]);
        check("فسزدح", &["fszdħ"], &["fsd"]);
        check("وليد", &["vlid"], &["vld"]);
        check("Walid", &["walid"], &["vld"]);
        check("Sarah", &["sarah"], &["sr"]);
        check("سارة", &["sar"], &["sr"]);
        check("فاطمة", &["fatm"], &["ftm"]);
        check("Fatima", &["fatima"], &["ftm"]);
        check("بدي", &["bdi"], &["bd"]);
        // A name that begins with ain begins with a vowel; the article written together goes.
        check("علي", &["ali"], &["al"]);
        check("Ali", &["ali"], &["al"]);
        check("عمر", &["amr"], &["amr"]);
        check("Omar", &["omar"], &["amr"]);
        check("عبد الله", &["abdallħ"], &["abdl"]);
        check("عبد الرحمن", &["abdalrħmn"], &["abdlrhmn"]);
        check("Abd al-Rahman", &["abdalrahman"], &["abdlrhmn"]);
        check("Abdulrahman", &["abdulrahman"], &["abdlrhmn"]);
        check("Abdallah", &["abdallah"], &["abdl"]);
        check("المل", &["ml"], &["ml"]);
        check("Al-Mele", &["mele"], &["ml"]);
        check("التن", &["tn"], &["tn"]);
        check("الوليد", &["vlid"], &["vld"]);
    }

    #[test]
    fn loose_skeletons_meet_arabic_letters() {
        let latin = |t: &str| loose_skeleton(t, Script::Latin);
        let arabic = |name: &str| loose_skeleton(&name_tokens(name)[0], Script::Arabic);
        assert_eq!(latin("navid"), arabic("نوید"));
        assert_eq!(latin("parviz"), arabic("پرویز"));
        assert_eq!(latin("gulozadeh"), arabic("جلزدح"));
        // Arabic letters side by side are two sounds, not a Latin digraph (d and z, n and t).
        assert_eq!(latin("dezinezadeh"), arabic("دزنزدح"));
        assert_eq!(latin("netuan"), arabic("نتن"));
        assert_eq!(latin("hind"), arabic("هند"));
        assert_eq!(skeleton("nefukuah", Script::Latin), skeleton(&name_tokens("نفكح")[0], Script::Arabic));
        assert_ne!(skeleton("jovana", Script::Latin), skeleton("ana", Script::Latin));
        assert!(is_arabic("نوید") && !is_arabic("Navid") && !is_arabic("Νάβιντ"));
    }

    #[test]
    fn known_variants_are_one_name_across_scripts() {
        let group = |name: &str| {
            let tokens = name_tokens(name);
            variant_group(&tokens, &tokens.join(""), &sound_of(&tokens, Script::of(name)))
        };
        assert!(parse_variants(include_str!("variants.txt")).is_ok());
        let pairs = [("Kostas", "Κωνσταντίνος"), ("Reza", "رضا"), ("Thanasis", "Athanasios"), ("Sasha", "Aleksandar")];
        // A spelling not listed finds its group by its sound.
        for (a, b) in pairs.into_iter().chain([("Kosstas", "Kostas"), ("Vassillis", "Vasileios")]) {
            assert!(group(a).is_some() && group(a) == group(b), "{a} and {b}");
        }
        assert_ne!(group("Kostas"), group("Konstantina"));
        // Short sounds stand for no group: Zoe is not Sasha, Leo is not Layla.
        for name in ["Zoe", "Leo", "Mia", "Coco"] {
            assert_eq!(group(name), None, "{name}");
        }
        assert_eq!(group("Zyxw"), None);
        assert_eq!(parse_variants("Ana, Anna\nAnna, Hannah").err(), Some("`Anna` is in two groups".to_owned()));
    }

    proptest::proptest! {
        #[test]
        fn normalising_twice_changes_nothing(name in "\\PC{0,24}") {
            let once = name_tokens(&name).join(" ");
            let twice = name_tokens(&once).join(" ");
            proptest::prop_assert_eq!(once, twice);
        }

        #[test]
        fn vowels_do_not_change_a_skeleton(token in "[b-df-hj-np-tv-z][a-z]{0,11}") {
            let flattened: String = token.chars().map(|c| if "eiou".contains(c) { 'a' } else { c }).collect();
            proptest::prop_assert_eq!(skeleton(&token, Script::Latin), skeleton(&flattened, Script::Latin));
        }
    }
}
