"""Print the rush tables from locust's CSVs: `python bench/rush_table.py var/rush 2:60 4:60:replica …`
(workers:CONN_MAX_AGE[:replica|:primary], as bench/rush.sh names its runs).

With a configuration's `.readfrom` (X-Read-From per kind of request, from rush_locust.py) and `.lag` (the replica's
replay lag sampled once a second by rush.sh), it also prints where the reads went and the lag during the run.

Per configuration and kind of request: requests, throughput (req/s), p50/p95/p99 (ms), failures; then the ratio
of each configuration's total throughput and p95 to the first one's (measured in the same run, back to back).
"""
import csv
import json
import statistics
import sys
from pathlib import Path


def read(path: Path) -> list[dict]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def main(folder: str, *configs: str):
    totals = {}
    for config in configs:
        workers, age, *rest = config.split(":")
        reads = rest[0] if rest else "primary"
        name = f"w{workers}_age{age}_{reads}"
        stats = Path(folder) / f"{name}_stats.csv"
        if not stats.exists():
            print(f"\n{name}: no results (see {Path(folder) / (name + '.log')})")
            continue
        load = [line for line in (Path(folder) / f"{name}.log").read_text().splitlines() if line.startswith("load average")]
        print(f"\n### gunicorn workers {workers}, CONN_MAX_AGE {age}, reads {reads} ({load[-1] if load else ''})\n")
        print(f"| {'request':<34} | {'count':>6} | {'req/s':>6} | {'p50 ms':>7} | {'p95 ms':>7} | {'p99 ms':>7} | {'fail':>4} |")
        print(f"|{'-' * 36}|{'-' * 8}|{'-' * 8}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 6}|")
        for row in read(stats):
            label = row["Name"] if row["Name"] != "Aggregated" else "all"
            print(f"| {label:<34} | {row['Request Count']:>6} | {float(row['Requests/s']):>6.1f} | {row['50%']:>7} | "
                  f"{row['95%']:>7} | {row['99%']:>7} | {row['Failure Count']:>4} |")
            if row["Name"] == "Aggregated":
                totals[config] = (float(row["Requests/s"]), float(row["95%"]))
        failures = Path(folder) / f"{name}_failures.csv"
        if failures.exists():
            for row in read(failures):
                print(f"  failure: {row['Method']} {row['Name']}: {row['Error']} ×{row['Occurrences']}")
        read_from(Path(folder), name)
    if totals:
        first = next(iter(totals))
        print(f"\nRatios to {first} (same run): " + "; ".join(
            f"{c}: throughput ×{t / totals[first][0]:.2f}, p95 ×{p / totals[first][1]:.2f}" for c, (t, p) in totals.items()))


def read_from(folder: Path, name: str):
    """Where the answers read from (X-Read-From counts per kind of request) and the replica's lag during the run."""
    counts = folder / f"{name}.readfrom"
    if counts.exists():
        data = json.loads(counts.read_text())
        for request, sources in sorted(data["read_from"].items()):
            if set(sources) != {"none"}:
                print(f"  X-Read-From {request}: " + ", ".join(f"{k} {v}" for k, v in sorted(sources.items())))
        if data["lags_seen"]:
            lags = data["lags_seen"]
            print(f"  X-Replica-Lag seen: {len(lags)} answers, median {statistics.median(lags):.1f} s, max {max(lags):.1f} s")
    samples = folder / f"{name}.lag"
    if samples.exists():
        values = [line.split()[1] for line in samples.read_text().splitlines() if len(line.split()) == 2]
        numbers = [float(v) for v in values if v != "down"]
        if numbers:
            zero = sum(1 for v in numbers if v == 0)
            print(f"  replica lag sampled each second: {len(values)} samples, {zero} at 0, median {statistics.median(numbers):.2f} s, "
                  f"p95 {sorted(numbers)[int(0.95 * (len(numbers) - 1))]:.2f} s, max {max(numbers):.2f} s, down {len(values) - len(numbers)}")


if __name__ == "__main__":
    main(*sys.argv[1:])
