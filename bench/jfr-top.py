#!/usr/bin/env python3
"""Summarises flight recordings of measured series for the results file (bench/run.sh, BENCH_JFR).

    bench/jfr-top.py RECORDING.jfr [LABEL]

Prints a Markdown section: the execution samples' top frames by self time and the project's and libraries' packages
by inclusive time (a sample counts once per package on its stack), and the garbage collections in the recording
(count, total pause, the largest). Reads the recording with the JDK's own `jfr print --json`.
"""
import collections
import json
import subprocess
import sys

SELF_TOP = 12
PACKAGE_TOP = 12
# The package prefixes the inclusive table names: ours first, then the libraries a request passes through.
PACKAGES = [
    "io/sessiongateway/server/http",
    "io/sessiongateway/server",
    "io/sessiongateway/adapters",
    "io/sessiongateway/core/store",
    "io/sessiongateway/core",
    "org/glassfish/jersey",
    "org/jvnet/hk2",
    "org/glassfish/grizzly",
    "com/fasterxml/jackson",
    "org/jooq",
    "org/h2/mvstore",
    "org/h2",
    "org/postgresql",
    "com/zaxxer/hikari",
    "com/nimbusds",
    "io/micrometer",
    "ch/qos/logback",
]


def frame_name(frame):
    method = frame["method"]
    return method["type"]["name"].replace("/", ".") + "." + method["name"]


def package_of(frame):
    name = frame["method"]["type"]["name"]
    for prefix in PACKAGES:
        if name.startswith(prefix + "/") or name.startswith(prefix + "$"):
            return prefix.replace("/", ".")
    return None


def main():
    path = sys.argv[1]
    label = sys.argv[2] if len(sys.argv) > 2 else path
    out = subprocess.run(
        ["jfr", "print", "--json", "--events", "jdk.ExecutionSample,jdk.GarbageCollection", path],
        capture_output=True, text=True, check=True).stdout
    events = json.loads(out)["recording"]["events"]
    samples = [e for e in events if e["type"] == "jdk.ExecutionSample"]
    gcs = [e for e in events if e["type"] == "jdk.GarbageCollection"]
    self_time = collections.Counter()
    packages = collections.Counter()
    for e in samples:
        frames = (e["values"].get("stackTrace") or {}).get("frames") or []
        if not frames:
            continue
        self_time[frame_name(frames[0])] += 1
        for p in {package_of(f) for f in frames} - {None}:
            packages[p] += 1
    n = len(samples)
    print(f"### {label}")
    print()
    if gcs:
        pauses = [gc_ms(e) for e in gcs]
        names = collections.Counter(e["values"]["name"] for e in gcs)
        kinds = ", ".join(f"{v} {k}" for k, v in names.most_common())
        print(f"{n} execution samples; garbage collections: {len(gcs)} ({kinds}), {sum(pauses):.0f} ms in all, "
              f"the longest {max(pauses):.0f} ms.")
    else:
        print(f"{n} execution samples; no garbage collection.")
    print()
    if n == 0:
        return
    print("| self | frame | | inclusive | package |")
    print("| ---: | --- | --- | ---: | --- |")
    tops = self_time.most_common(SELF_TOP)
    pkgs = packages.most_common(PACKAGE_TOP)
    for i in range(max(len(tops), len(pkgs))):
        left = f"{100 * tops[i][1] / n:.1f}% | `{tops[i][0]}`" if i < len(tops) else " | "
        right = f"{100 * pkgs[i][1] / n:.1f}% | `{pkgs[i][0]}`" if i < len(pkgs) else " | "
        print(f"| {left} | | {right} |")
    print()


def gc_ms(event):
    # jfr print --json gives durations as ISO-8601 (PT0.0123S) in some JDKs and as numbers in others
    value = event["values"].get("sumOfPauses", event["values"].get("duration", 0))
    if isinstance(value, (int, float)):
        return value / 1e6
    text = str(value)
    if text.startswith("PT") and text.endswith("S"):
        return float(text[2:-1]) * 1000
    return 0.0


if __name__ == "__main__":
    main()
