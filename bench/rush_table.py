"""Print the rush tables from locust's CSVs: `python bench/rush_table.py var/rush 2:60 4:60 …` (workers:CONN_MAX_AGE).

Per configuration and kind of request: requests, throughput (req/s), p50/p95/p99 (ms), failures; then the ratio
of each configuration's total throughput and p95 to the first one's (measured in the same run, back to back).
"""
import csv
import sys
from pathlib import Path


def read(path: Path) -> list[dict]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def main(folder: str, *configs: str):
    totals = {}
    for config in configs:
        workers, age = config.split(":")
        name = f"w{workers}_age{age}"
        stats = Path(folder) / f"{name}_stats.csv"
        if not stats.exists():
            print(f"\n{name}: no results (see {Path(folder) / (name + '.log')})")
            continue
        load = [line for line in (Path(folder) / f"{name}.log").read_text().splitlines() if line.startswith("load average")]
        print(f"\n### gunicorn workers {workers}, CONN_MAX_AGE {age} ({load[-1] if load else ''})\n")
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
    if totals:
        first = next(iter(totals))
        print(f"\nRatios to {first} (same run): " + "; ".join(
            f"{c}: throughput ×{t / totals[first][0]:.2f}, p95 ×{p / totals[first][1]:.2f}" for c, (t, p) in totals.items()))


if __name__ == "__main__":
    main(*sys.argv[1:])
