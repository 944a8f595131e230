"""What the linkage benchmarks share: timing a tool and scoring its pairs."""
import subprocess, tempfile, time


def timed(cmd):
    """Wall seconds and peak resident memory (MiB) of one command, from GNU time."""
    report = tempfile.mktemp()
    start = time.perf_counter()
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report] + cmd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    return seconds, int(open(report).read().split()[-1]) / 1024


def prf(true_found, found, truth):
    """Precision, recall and F1 from the true pairs found, the pairs found and the true pairs."""
    precision = true_found / found if found else 0.0
    recall = true_found / truth if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def has_splink(python):
    """True when `python` exists and can import splink."""
    try:
        return subprocess.run([python, "-c", "import splink"], capture_output=True).returncode == 0
    except OSError:
        return False
