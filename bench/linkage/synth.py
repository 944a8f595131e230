#!/usr/bin/env python3
"""Synthetic cross-script linkage data: two files of child records and the truth.

    python3 bench/linkage/synth.py --size 100000 --dir DIR [--seed 7]

writes DIR/left.csv, DIR/right.csv (`id,given_name,family_name,date_of_birth,sex,nationality`)
and DIR/truth.csv (`left_id,right_id`). Half of the left children are also in the right file,
written the way another registry would: in the native script or one of its Latin renderings,
with typos, names swapped, a partial date of birth or only an estimated age (written as a
year), a day and month swapped. Family names are built from syllables, so that the population
is as varied as a real one; given names come from common names of each origin (names.py). The
ids are random and say nothing about the truth. Every record is invented.
"""
import argparse, csv, os, random

from names import ORIGINS

GREEK = {"a": "α", "b": "μπ", "c": "κ", "d": "ντ", "e": "ε", "f": "φ", "g": "γ", "h": "χ", "i": "ι", "j": "τζ", "k": "κ",
         "l": "λ", "m": "μ", "n": "ν", "o": "ο", "p": "π", "r": "ρ", "s": "σ", "t": "τ", "u": "ου", "v": "β", "z": "ζ"}
CYRILLIC = {"a": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и", "j": "ј", "k": "к",
            "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "z": "з"}
ARABIC = {"b": "ب", "d": "د", "f": "ف", "g": "ج", "h": "ح", "j": "ج", "k": "ك", "l": "ل", "m": "م", "n": "ن", "p": "ب",
          "r": "ر", "s": "س", "t": "ت", "v": "و", "z": "ز", "aa": "ا", "ii": "ي", "uu": "و"}
CONSONANTS = "bdfgklmnprstvz"
VOWELS = "aeiou"
SUFFIX = {
    "greek": ["opoulos", "idis", "akis", "ou", "as", "is"],
    "serbian": ["ović", "ić", "ević", "ski"],
    "arabic": ["", "an", "i", "ah"],
    "persian": ["i", "zadeh", "ani", ""],
    "latin": ["escu", "aj", "u", "i", "eanu"],
}


def syllables(rng, n):
    return "".join(rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(n))


def family_latin(rng, origin):
    root = syllables(rng, rng.choice([2, 2, 3]))
    name = root + rng.choice(SUFFIX[origin])
    if origin == "arabic" and rng.random() < 0.4:
        name = "al-" + name
    return name.capitalize() if not name.startswith("al-") else "Al-" + name[3:].capitalize()


def to_native(latin, origin):
    text = latin.lower().replace("ć", "c").replace("-", " ")
    if origin == "greek":
        out = "".join(GREEK.get(c, c) for c in text)
        return out[:-1] + "ς" if out.endswith("σ") else out
    if origin == "serbian":
        return "".join(CYRILLIC.get(c, c) for c in latin.lower().replace("ć", "ћ").replace("-", " "))
    if origin in ("arabic", "persian"):
        # Short vowels are not written; a final -i is a long vowel.
        out, i = "", 0
        while i < len(text):
            c = text[i]
            if c in VOWELS:
                out += "ي" if (c == "i" and i == len(text) - 1) else ("ا" if i == 0 else "")
            elif c == " ":
                out += " "
            else:
                out += ARABIC.get(c, c)
            i += 1
        return out.replace("ال ", "ال")
    return latin


def latin_variant(rng, latin):
    """Another registry's Latin spelling: vowels and doubled consonants shift."""
    swaps = [("ou", "u"), ("u", "ou"), ("ph", "f"), ("c", "k"), ("k", "c"), ("i", "y"), ("e", "i"), ("o", "u"),
             ("ss", "s"), ("s", "ss"), ("ck", "k"), ("ć", "c"), ("-", ""), ("Al-", "El ")]
    out = latin
    for a, b in rng.sample(swaps, 2):
        if a in out:
            out = out.replace(a, b, 1)
    return out


# The letters a typist hits by mistake, in the script of the name being typed.
TYPO_LETTERS = [
    ("\u0600", "\u06ff", "ابتدرسعفكلمنهوي"),
    ("\u0370", "\u03ff", "αβγδεικλμνορστ"),
    ("\u0400", "\u04ff", "абвдеиклмнорст"),
]


def typo(rng, text):
    if len(text) < 3:
        return text
    i = rng.randrange(len(text))
    kind = rng.random()
    if kind < 0.33:
        return text[:i] + text[i + 1:]
    if kind < 0.66 and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    letters = next((ls for lo, hi, ls in TYPO_LETTERS if any(lo <= c <= hi for c in text)), "abdeiklmnorst")
    return text[:i] + rng.choice(letters) + text[i + 1:]


def birth(rng, dob, report_year):
    y, m, d = dob
    r = rng.random()
    if r < 0.70:
        return f"{y:04d}-{m:02d}-{d:02d}"
    if r < 0.78:
        return f"{y:04d}-{m:02d}"
    if r < 0.83:
        return f"{y:04d}"
    if r < 0.93:
        # Only an estimated age was given; the registry wrote the year it implies.
        age = report_year - y + rng.choice([-1, 0, 0, 1])
        return f"{report_year - age:04d}"
    if r < 0.97:
        # Day and month swapped, where the swap makes a date; otherwise written as it is.
        return f"{y:04d}-{d:02d}-{m:02d}" if d <= 12 and d != m else f"{y:04d}-{m:02d}-{d:02d}"
    if r < 0.99:
        return ""
    return f"{y + rng.choice([-1, 1]):04d}-{m:02d}-{d:02d}"


def render(rng, person, noisy):
    origin, (g_native, g_latins), family, sex, dob, nationality = person
    native_script = origin != "latin" and rng.random() < 0.5
    if native_script:
        given = g_native or rng.choice(g_latins)
        fam = to_native(family, origin)
    else:
        given = rng.choice(g_latins)
        fam = latin_variant(rng, family) if noisy and rng.random() < 0.5 else family
    if noisy and rng.random() < 0.06:
        given = typo(rng, given)
    if noisy and rng.random() < 0.06:
        fam = typo(rng, fam)
    if noisy and rng.random() < 0.04:
        given, fam = fam, given
    date = birth(rng, dob, 2026) if noisy else f"{dob[0]:04d}-{dob[1]:02d}-{dob[2]:02d}"
    nat = nationality if rng.random() < 0.9 else ""
    return given, fam, date, sex if rng.random() < 0.97 else "", nat


def person(rng):
    r, acc = rng.random(), 0.0
    for origin, share, nationality, given_f, given_m, _ in ORIGINS:
        acc += share
        if r <= acc:
            break
    sex = rng.choice("FM")
    given = rng.choice(given_f if sex == "F" else given_m)
    dob = (rng.randint(2006, 2021), rng.randint(1, 12), rng.randint(1, 28))
    return origin, given, family_latin(rng, origin), sex, dob, nationality


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--size", type=int, default=100_000, help="records in each file")
    p.add_argument("--dir", required=True)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.dir, exist_ok=True)
    header = ["id", "given_name", "family_name", "date_of_birth", "sex", "nationality"]
    new_id = lambda: "%012x" % rng.getrandbits(48)
    left_people = [person(rng) for _ in range(args.size)]
    shared = set(rng.sample(range(args.size), args.size // 2))
    right_rows, truth = [], []
    left_rows = []
    for i, who in enumerate(left_people):
        lid = new_id()
        left_rows.append([lid, *render(rng, who, noisy=False)])
        if i in shared:
            rid = new_id()
            right_rows.append([rid, *render(rng, who, noisy=True)])
            truth.append((lid, rid))
    while len(right_rows) < args.size:
        right_rows.append([new_id(), *render(rng, person(rng), noisy=True)])
    rng.shuffle(right_rows)
    for name, rows in (("left.csv", left_rows), ("right.csv", right_rows)):
        with open(os.path.join(args.dir, name), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows)
    with open(os.path.join(args.dir, "truth.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["left_id", "right_id"])
        w.writerows(truth)


if __name__ == "__main__":
    main()
