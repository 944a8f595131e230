//! Blocking: which pairs are compared at all. Several keys per record (sound of the family
//! name with the birth year, the sounds of both names in either order, the full date of birth,
//! the given name's sound with the birth year, each mapped extra column); two records are
//! compared when they share any key. A key shared by very many records (a common name in a common year) says little and
//! would make the work quadratic, so such blocks are skipped; the other keys still meet.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use crate::record::{Birth, Prepared};

/// A blocking key, hashed to 64 bits: no string is built per key, and a collision only adds a
/// pair, which the comparison then judges like any other. The lowest bit marks a key of an
/// extra column (its blocks have their own size limit).
pub type Key = u64;

/// The key of `parts`.
pub(crate) fn hashed(parts: impl Hash) -> Key {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut h);
    h.finish() & !1
}

fn is_extra(key: Key) -> bool {
    key & 1 == 1
}

/// The first two letters of a sound, or nothing.
fn initial(sound: Option<&String>) -> &str {
    sound.map_or("", |k| k.char_indices().nth(2).map_or(k.as_str(), |(end, _)| &k[..end]))
}

/// Blocks larger than this are not compared within.
pub const MAX_BLOCK: usize = 300;

/// The same for a block of an extra column: a value shared by more records than this (a region,
/// a big town) identifies nobody.
pub const MAX_EXTRA_BLOCK: usize = 50;

/// The blocking keys of one record.
pub fn keys(r: &Prepared) -> Vec<Key> {
    let mut keys = Vec::with_capacity(5);
    // A year written alone is filed under the years either side too (it is often an estimated
    // age); an estimated age under its most likely year.
    let years: Vec<i32> = match r.birth {
        Some(Birth::Age { min, as_of_year, .. }) => vec![as_of_year - i32::from(min)],
        Some(b) => {
            let (from, to) = b.block_years();
            (from..=to).collect()
        }
        None => Vec::new(),
    };
    // A name with an inner v is filed under its loose skeleton too, where the same name
    // written in Arabic letters is filed.
    let mut sounds = vec![(r.given_keys.first(), r.family_keys.first())];
    if r.given_loose != r.given_keys || r.family_loose != r.family_keys {
        sounds.push((r.given_loose.first(), r.family_loose.first()));
    }
    // The first two letters of the other name's sound narrow each key, so that blocks stay small
    // as the files grow (a common given name in a common year would otherwise pair thousands).
    for &(g, f) in &sounds {
        for &y in &years {
            if let Some(fk) = f {
                keys.push(hashed(("fy", fk, y, initial(g))));
            }
            if let Some(gk) = g {
                keys.push(hashed(("gy", gk, y, initial(f))));
            }
        }
        if let (Some(g), Some(f)) = (g, f) {
            let (a, b) = if g <= f { (g, f) } else { (f, g) };
            keys.push(hashed(("gf", a, b)));
        }
    }
    let (g, f) = sounds[0];
    if let Some(Birth::Date(d)) = r.birth
        && let (y, Some(m), Some(day)) = d.parts()
    {
        // With either name's initial, so that a misspelt given or family name still meets.
        for name in [initial(g), initial(f)] {
            keys.push(hashed(("d", y, m, day, name)));
            // The same date with day and month swapped meets here too.
            let (lo, hi) = if m <= day { (m, day) } else { (day, m) };
            keys.push(hashed(("ds", y, lo, hi, name)));
        }
    }
    // A mapped column that agrees exactly (a document number, an address) is a key too; the
    // block size limit keeps a column with few values (a region) from pairing everyone.
    for (i, value) in r.extra.iter().enumerate().filter(|(_, v)| v.chars().count() >= 3) {
        keys.push(hashed(("e", i, value)) | 1);
    }
    keys
}

/// Only the full date of birth: the pairs `m` of the names is learnt on.
pub fn date_keys(r: &Prepared) -> Vec<Key> {
    match r.birth {
        Some(Birth::Date(d)) if d.parts().2.is_some() => vec![hashed(("d", d.parts()))],
        _ => Vec::new(),
    }
}

/// Both names exactly (as normalised): the pairs `m` of the other fields is learnt on. Sounds
/// would be too broad here: many different children share them, and their dates of birth would
/// teach the model that a true match often disagrees on the date.
pub fn name_keys(r: &Prepared) -> Vec<Key> {
    if r.given_joined.is_empty() || r.family_joined.is_empty() {
        return Vec::new();
    }
    vec![hashed(("gfx", &r.given_joined, &r.family_joined))]
}

/// The candidate pairs between `left` and `right`, or within `left` when `right` is `None`
/// (then each pair once, `i < j`).
pub fn candidates(left: &[Prepared], right: Option<&[Prepared]>) -> Vec<(u32, u32)> {
    candidates_by(left, right, keys)
}

/// Which records (by position) hold each key.
fn index_by(records: &[Prepared], keys: fn(&Prepared) -> Vec<Key>) -> HashMap<Key, Vec<u32>> {
    let mut index: HashMap<Key, Vec<u32>> = HashMap::new();
    for (j, r) in records.iter().enumerate() {
        for key in keys(r) {
            index.entry(key).or_default().push(j as u32);
        }
    }
    index
}

/// The pairs that share a key of `key_fn`.
fn candidates_by(left: &[Prepared], right: Option<&[Prepared]>, keys: fn(&Prepared) -> Vec<Key>) -> Vec<(u32, u32)> {
    let index = index_by(right.unwrap_or(left), keys);
    let mut pairs = Vec::new();
    for (i, r) in left.iter().enumerate() {
        for key in keys(r) {
            let Some(block) = index.get(&key) else { continue };
            let limit = if is_extra(key) { MAX_EXTRA_BLOCK } else { MAX_BLOCK };
            if block.len() > limit {
                continue;
            }
            for &j in block {
                if right.is_some() || (i as u32) < j {
                    pairs.push((i as u32, j));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// The pairs of blocks that hold exactly one record of each side (two records when
/// deduplicating): with a key as narrow as both names exactly, such a pair is almost always the
/// same child, and what its other fields say is what a true match looks like.
pub fn unique_pairs(left: &[Prepared], right: Option<&[Prepared]>, keys: fn(&Prepared) -> Vec<Key>) -> Vec<(u32, u32)> {
    let left_index = index_by(left, keys);
    let mut pairs: Vec<(u32, u32)> = match right {
        Some(right) => {
            let right_index = index_by(right, keys);
            left_index
                .iter()
                .filter_map(|(key, l)| match (l.as_slice(), right_index.get(key).map(Vec::as_slice)) {
                    ([i], Some([j])) => Some((*i, *j)),
                    _ => None,
                })
                .collect()
        }
        None => left_index
            .values()
            .filter_map(|l| match l.as_slice() {
                [i, j] => Some((*i, *j)),
                _ => None,
            })
            .collect(),
    };
    pairs.sort_unstable();
    pairs
}

/// How many pairs share a key of `keys`, and every `step`-th of them so that about `n` come
/// back: the pairs that share a date of birth run into hundreds of millions on large files,
/// too many to hold, and a sample trains as well.
pub fn sample_pairs_by(
    left: &[Prepared],
    right: Option<&[Prepared]>,
    keys: fn(&Prepared) -> Vec<Key>,
    n: usize,
) -> (usize, Vec<(u32, u32)>) {
    let index = index_by(right.unwrap_or(left), keys);
    let pairs_of = |i: usize, r: &Prepared| {
        let keys = keys(r);
        keys.into_iter().filter_map(|k| index.get(&k)).flat_map(move |block| {
            block.iter().copied().filter(move |&j| right.is_some() || (i as u32) < j).map(move |j| (i as u32, j))
        })
    };
    let total: usize = left.iter().enumerate().map(|(i, r)| pairs_of(i, r).count()).sum();
    let step = total.div_ceil(n.max(1)).max(1);
    let sample = left.iter().enumerate().flat_map(|(i, r)| pairs_of(i, r)).step_by(step).collect();
    (total, sample)
}
