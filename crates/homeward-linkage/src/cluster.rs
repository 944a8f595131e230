//! Pairwise matches into entities: records joined by any match at or above the threshold are
//! one child (union–find, with path halving).

/// The entity of each record, numbered from 0 in order of first appearance.
pub fn clusters(records: usize, matches: impl IntoIterator<Item = (usize, usize)>) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..records).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for (a, b) in matches {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut numbers = std::collections::HashMap::new();
    (0..records)
        .map(|x| {
            let r = root(&mut parent, x);
            let next = numbers.len();
            *numbers.entry(r).or_insert(next)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn matches_join_into_entities() {
        assert_eq!(super::clusters(6, [(0, 3), (3, 5), (1, 2)]), vec![0, 1, 1, 0, 2, 0]);
        assert_eq!(super::clusters(3, []), vec![0, 1, 2]);
    }
}
