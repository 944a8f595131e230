#!/usr/bin/env python3
"""The cross-script benchmark: synthetic child records (synth.py) linked by `homeward link` and
by Splink, side by side, at growing sizes.

    python3 bench/linkage/cross_script.py --homeward target-bench/release/homeward \
        [--splink-python PY] [--sizes 20000,100000,1000000] [--splink-max 100000]

For each size N it writes N + N records (half of the left children are in the right file too)
and prints wall time, peak memory and precision / recall / F1 of each tool against the truth.
Splink runs up to --splink-max records a side (it has no transliteration, so its model is the
usual one for names, dates of birth, sex and nationality).
"""
import argparse, csv, os, subprocess, sys, tempfile, textwrap

from common import has_splink, prf, timed

HERE = os.path.dirname(os.path.abspath(__file__))

SPLINK = textwrap.dedent('''
    import csv, sys, duckdb
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    from splink.backends.duckdb import DuckDBAPI
    a, b, out = sys.argv[1], sys.argv[2], sys.argv[3]
    con = duckdb.connect()
    db = DuckDBAPI(con)
    read = lambda p: con.sql(f"select * from read_csv('{p}', all_varchar=true)")
    left = db.register(read(a), dataset_display_name="a")
    right = db.register(read(b), dataset_display_name="b")
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="id",
        blocking_rules_to_generate_predictions=[block_on("given_name"), block_on("family_name"), block_on("date_of_birth")],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("family_name"),
            cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nationality"),
        ],
    )
    linker = Linker([left, right], settings, log_level=40)
    linker.training.estimate_probability_two_random_records_match([block_on("given_name", "family_name")], recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "family_name"))
    rows = linker.inference.predict(threshold_match_probability=0.5).as_record_list()
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["left_id", "right_id"])
        for r in rows:
            w.writerow([r["id_l"], r["id_r"]])
''')


def score(found_path, truth_path):
    truth = {(r["left_id"], r["right_id"]) for r in csv.DictReader(open(truth_path))}
    found = {(r["left_id"], r["right_id"]) for r in csv.DictReader(open(found_path))}
    return prf(len(truth & found), len(found), len(truth))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--homeward", required=True)
    ap.add_argument("--splink-python", default=sys.executable)
    ap.add_argument("--sizes", default="20000,100000")
    ap.add_argument("--splink-max", type=int, default=100_000)
    args = ap.parse_args()
    splink_ok = has_splink(args.splink_python)
    print("| records a side | tool | wall s | peak MiB | precision | recall | F1 |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for size in [int(s) for s in args.sizes.split(",")]:
        work = tempfile.mkdtemp(prefix=f"cross-{size}-")
        subprocess.run([sys.executable, os.path.join(HERE, "synth.py"), "--size", str(size), "--dir", work], check=True)
        left, right, truth = (os.path.join(work, n) for n in ("left.csv", "right.csv", "truth.csv"))
        out = os.path.join(work, "homeward.csv")
        seconds, mib = timed([args.homeward, "link", left, right, "--out", out])
        print(f"| {size} | homeward link | {seconds:.2f} | {mib:.0f} | %.4f | %.4f | %.4f |" % score(out, truth), flush=True)
        if splink_ok and size <= args.splink_max:
            script = os.path.join(work, "splink_cross.py")
            open(script, "w").write(SPLINK)
            out = os.path.join(work, "splink.csv")
            seconds, mib = timed([args.splink_python, script, left, right, out])
            print(f"| {size} | Splink | {seconds:.2f} | {mib:.0f} | %.4f | %.4f | %.4f |" % score(out, truth), flush=True)


if __name__ == "__main__":
    main()
