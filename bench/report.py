"""Writes bench/results/<date>.md from one bench/run.sh run: the targets of issue #15 first, computed from the run's
own rows (met / missed / NOT RUN / NO DATA), then every row, start-up and RSS, ratios, the lifecycle ratios to GET.

Usage: python3 bench/report.py ROWS FACTS RSS NOTES OUTDIR (bench/run.sh calls it; to rewrite a report without a
rerun: python3 bench/report.py bench/.cache/last-rows bench/.cache/last-facts bench/.cache/last-rss
bench/.cache/last-notes bench/results).
ROWS: "name|req/s|p50|p99|errors|requests|server CPU us per request" per line (pgbench rows: tps, average latency).
FACTS: key=value lines (start-up ms, peak RSS MB, settings). RSS: "label|MB" after each series group.
"""

import datetime
import os
import platform
import re
import subprocess
import sys

DIALECTS = ("truefoundry", "everruns", "agentcloud", "recoup")
# "Today's rate" of issue #15's H2 create target: the idle full run before the issue (req/s per dialect).
H2_CREATE_BASE = {"truefoundry": 1677.57, "everruns": 1827.57, "agentcloud": 2063.99, "recoup": 1748.05}
H2_CREATE_BASE_SOURCE = "bench/results/2026-12-02.md (idle machine, commit a575560)"


def ms(s):
    m = re.match(r"([\d.]+)(us|ms|s)$", (s or "").strip())
    if not m:
        return None
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def main(rows_file, facts_file, rss_file, notes_file, outdir, profiles_file=None):
    rows = []
    for line in open(rows_file):
        if not line.strip():
            continue
        f = line.rstrip("\n").split("|") + [""] * 7
        rows.append({"name": f[0], "rps": num(f[1]) or 0.0, "p50": f[2], "p99": f[3], "errors": int(num(f[4]) or 0),
                     "requests": int(num(f[5])) if f[5] != "" else None, "cpu": num(f[6])})
    facts = {}
    for line in open(facts_file):
        if "=" in line:
            k, v = line.rstrip("\n").split("=", 1)
            facts[k] = v
    rss_marks = [l.rstrip("\n").split("|") for l in open(rss_file) if l.strip()]
    notes = [l.rstrip("\n") for l in open(notes_file) if l.strip()]
    sizes = facts.get("sizes", "1000 1000000").split()
    n1, nmax = sizes[0], sizes[-1]
    only = facts.get("only", "get lifecycle create jdk25 ceilings pgbench").split()
    backends = facts.get("backends", "h2 pg").split()
    jdk25 = facts.get("jdk25", "")

    def row(name):
        for r in rows:
            if r["name"] == name or r["name"].startswith(name + " ("):
                return r
        return None

    def empty(r):
        """No request completed (wrk records no latency for a response later than its --timeout either)."""
        if r is None:
            return False
        no_latency = r["p50"] != "" and not r["name"].startswith("pgbench") and not ms(r["p50"])
        return r["requests"] == 0 or not r["rps"] or no_latency

    targets = []  # (target, measured, goal, verdict)
    tally = {"met": 0, "missed": 0, "not run": 0, "no data": 0}

    def add(target, measured, goal, verdict):
        key = "no data" if verdict.startswith("**NO DATA") else verdict.strip("*").split(" ")[0]
        key = "not run" if verdict.startswith("not run") else key
        if key in tally:
            tally[key] += 1
        targets.append((target, measured, goal, verdict))

    def judge(ok):
        return "met" if ok else "**missed**"

    def missing(*rs):
        """The verdict when a row a target needs is absent or completed no request, else None."""
        for r in rs:
            if r is None:
                return "not run"
        for r in rs:
            if empty(r):
                return f"**NO DATA** ({r['name']}: no request completed)"
        return None

    def k(x):
        return f"{x / 1000:.1f}k" if x >= 10000 else f"{x:.0f}"

    def cpu_pair(a, b):
        if a.get("cpu") and b.get("cpu"):
            return f"; CPU/request {a['cpu']:.0f} / {b['cpu']:.0f} us"
        return ""

    # GET on H2 against WireMock and nginx serving the same bytes, p99.
    wm, ng = row("wiremock same response"), row("nginx static same bytes")
    for d in DIALECTS:
        g = row(f"h2 n={n1} GET {d}")
        why = missing(g, wm)
        if why:
            add(f"GET H2 n={n1} / WireMock, {d}", "", "≥ 1.0 (aim 1.25)", why)
            continue
        v = g["rps"] / wm["rps"]
        aim = " (aim 1.25 met)" if v >= 1.25 else (" (aim 1.25 not)" if v >= 1.0 else "")
        add(f"GET H2 n={n1} / WireMock, {d}",
            f"{v:.2f} ({k(g['rps'])} / {k(wm['rps'])} req/s{cpu_pair(g, wm)})", "≥ 1.0 (aim 1.25)",
            judge(v >= 1.0) + aim)
    for d in DIALECTS:
        g = row(f"h2 n={n1} GET {d}")
        why = missing(g, ng)
        if why:
            add(f"GET H2 n={n1} / nginx, {d}", "", "≥ 0.30", why)
            continue
        v = g["rps"] / ng["rps"]
        add(f"GET H2 n={n1} / nginx, {d}", f"{v:.2f} ({k(g['rps'])} / {k(ng['rps'])} req/s)", "≥ 0.30",
            judge(v >= 0.30))
    for d in DIALECTS:
        g = row(f"h2 n={n1} GET {d}")
        why = missing(g)
        p99 = ms(g["p99"]) if g else None
        if why or p99 is None:
            add(f"GET H2 n={n1} p99 at {facts.get('connections', '32')} connections, {d}", "", "< 5 ms",
                why or "**NO DATA** (no p99)")
            continue
        add(f"GET H2 n={n1} p99 at {facts.get('connections', '32')} connections, {d}", g["p99"], "< 5 ms",
            judge(p99 < 5))
    # H2 at the largest N against the smallest, p50 and p99.
    for d in DIALECTS:
        for q in ("p50", "p99"):
            t = f"GET H2 {q}, n={nmax} / n={n1}, {d}" if nmax != n1 else f"GET H2 {q}, n=10^6 / n=10^3, {d}"
            if nmax == n1:
                add(t, "", "≤ 1.5", "not run (one size in BENCH_SIZES)")
                continue
            a, b = row(f"h2 n={nmax} GET {d}"), row(f"h2 n={n1} GET {d}")
            why = missing(a, b)
            if why or not ms(a[q]) or not ms(b[q]):
                add(t, "", "≤ 1.5", why or "**NO DATA** (no latency)")
                continue
            v = ms(a[q]) / ms(b[q])
            add(t, f"{v:.2f} ({a[q]} / {b[q]})", "≤ 1.5", judge(v <= 1.5))
    # Create on PostgreSQL against pgbench's INSERT of the same row; create on H2 against 2026-12-02.
    ins = row("pgbench INSERT same row")
    width = ""
    if facts.get("pg_gateway_row_bytes"):
        width = f"; row {facts.get('pg_gateway_row_bytes')} / {facts.get('pg_insert_row_bytes', '?')} bytes"
    for d in DIALECTS:
        c = row(f"pg create {d}")
        why = missing(c, ins)
        if why:
            add(f"create PostgreSQL / pgbench INSERT, {d}", "", "≥ 0.30", why)
            continue
        v = c["rps"] / ins["rps"]
        add(f"create PostgreSQL / pgbench INSERT, {d}", f"{v:.2f} ({k(c['rps'])} / {k(ins['rps'])} per s{width})",
            "≥ 0.30", judge(v >= 0.30))
    for d in DIALECTS:
        c = row(f"h2 create {d}")
        why = missing(c)
        if why:
            add(f"create H2 / 2026-12-02, {d}", "", "≥ 3.0", why)
            continue
        v = c["rps"] / H2_CREATE_BASE[d]
        add(f"create H2 / 2026-12-02, {d}", f"{v:.2f} ({k(c['rps'])} / {H2_CREATE_BASE[d]:.0f} req/s)", "≥ 3.0",
            judge(v >= 3.0))
    # A first list page against GET of the same dialect, backend and N; PATCH, cancel, DELETE reported.
    for b in ("h2", "pg"):
        for n in sizes:
            for d in DIALECTS:
                page = "10" if d == "agentcloud" else "20"
                t = f"LIST first page ({page}) / GET, {b} n={n}, {d}"
                lr, g = row(f"{b} n={n} LIST {d}"), row(f"{b} n={n} GET {d}")
                why = missing(lr, g)
                if why:
                    add(t, "", "≥ 0.5", why)
                    continue
                v = lr["rps"] / g["rps"]
                add(t, f"{v:.2f} ({k(lr['rps'])} / {k(g['rps'])} req/s)", "≥ 0.5", judge(v >= 0.5))
    ops = {"PATCH": ("everruns", "recoup", "agentcloud"), "CANCEL": ("truefoundry", "everruns", "agentcloud"),
           "DELETE": ("everruns", "agentcloud", "recoup")}
    for b in ("h2", "pg"):
        for n in sizes:
            for op, ds in ops.items():
                parts, bad = [], []
                for d in ds:
                    r, g = row(f"{b} n={n} {op} {d}"), row(f"{b} n={n} GET {d}")
                    if r is None or g is None:
                        continue
                    if empty(r) or empty(g):
                        bad.append(d)
                        parts.append(f"{d} NO DATA")
                    else:
                        parts.append(f"{d} {r['rps'] / g['rps']:.2f}")
                t = f"{op} / GET, {b} n={n}"
                if not parts:
                    add(t, "", "reported", "not run")
                elif bad:
                    add(t, ", ".join(parts), "reported", f"**NO DATA** ({', '.join(bad)}: no request completed)")
                else:
                    add(t, ", ".join(parts), "reported", "reported")
    # Start to first 200 on a restart, peak RSS under load: JDK 17 and the newer JDK, H2 and PostgreSQL.
    jdks = [("", "JDK 17")] + [("_jdk25", f"JDK {jdk25 or 'newer'}")]
    for suffix, jname in jdks:
        for b, bname in (("h2", "H2"), ("pg", "PostgreSQL")):
            v = num(facts.get(f"ready_{b}{suffix}"))
            t = f"start to first 200 (restart), {bname}, {jname}"
            add(t, f"{v:.0f} ms" if v is not None else "", "< 1000 ms", "not run" if v is None else judge(v < 1000))
    for suffix, jname in jdks:
        for b, bname in (("h2", "H2"), ("pg", "PostgreSQL")):
            v = num(facts.get(f"rss_{b}{suffix}"))
            t = f"peak RSS under load, {bname}, {jname}"
            # which series the process ran, and (for a like-for-like look) each JDK's peak after the same first GET
            first = next((mb for label, mb in rss_marks if label.startswith(f"{b}, {jname}: after GET")), None)
            ran = "get, create" if suffix else ", ".join(x for x in ("get", "lifecycle", "create") if x in only)
            detail = f" (series: {ran}; after the first GET series: {first} MB)" if first else ""
            add(t, f"{v:.0f} MB{detail}" if v is not None else "", "< 200 MB",
                "not run" if v is None else judge(v < 200))
    errs = [f"{r['name']} ({r['errors']})" for r in rows if r["errors"]]
    add("series with errors (non-2xx, socket errors, pgbench failures)", "; ".join(errs) or "none", "0",
        "reported" if not errs else "**errors**")

    dead = [r["name"] for r in rows if empty(r)]

    cpu = ""
    try:
        cpu = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")][0]
    except (OSError, IndexError):
        pass
    mem = ""
    try:
        kb = [l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")][0]
        mem = f"{int(kb) // 1024 // 1024} GiB"
    except (OSError, IndexError):
        pass
    load = ""
    try:
        load = open("/proc/loadavg").read().split()[:3]
        load = f"; load average at the end {' '.join(load)}"
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                           text=True).stdout.strip()
    now = datetime.datetime.now(datetime.timezone.utc)
    took = int(facts.get("took", "0"))
    partial = facts.get("partial") == "true"
    out = [f"# Benchmark run {now:%Y-%m-%d %H:%M} UTC", "",
           f"- commit `{commit}`{' (with uncommitted changes)' if dirty else ''}; machine: {os.cpu_count()} cores "
           f"({cpu}), {mem}, {platform.platform()}{load}",
           f"- command: `bench/run.sh` with wrk -t{facts.get('threads')} -c{facts.get('connections')} "
           f"-d{facts.get('duration')} --latency after {facts.get('warmup')} of warm-up per dialect (lifecycle series "
           f"-d{facts.get('life_duration')} after {facts.get('life_warmup')}"
           + (f", the PATCH series after {facts.get('life_write_warmup')} of each dialect's PATCH in turn"
              if facts.get('life_write_warmup') else "")
           + (f"; profiled after the measurements: the series {facts.get('jfr')}" if facts.get('jfr') else "")
           + f"); sizes {' '.join(sizes)}; backends "
           f"{' '.join(backends)}; series {' '.join(only)}; gateway through `./gateway serve`, JVM "
           f"`{facts.get('jvm_opts')}`; the run took {took // 60} min {took % 60} s",
           "- everything ran on this one machine in this one run, client and servers sharing the cores; "
           "compare ratios, not absolute numbers"]
    if partial:
        out.append("- **a partial run** (BENCH_ONLY / BENCH_BACKENDS): targets whose series did not run say so")
    out += ["", "## Targets (issue #15), computed from this run's rows", ""]
    if dead:
        out += [f"**{len(dead)} series completed no request** (0 req/s is not a measurement: see the log of the run): "
                + ", ".join(dead), ""]
    out += [f"{tally['met']} met, {tally['missed']} missed, {tally['no data']} without data, {tally['not run']} not "
            "run.", "",
            "| target | measured | goal | result |", "| --- | --- | --- | --- |"]
    out += [f"| {t} | {m} | {g} | {v} |" for t, m, g, v in targets]
    expl = [f"Create on H2 is compared with {H2_CREATE_BASE_SOURCE}: "
            + ", ".join(f"{d} {v}" for d, v in H2_CREATE_BASE.items()) + " req/s (a ratio across runs, not within "
            "this one)."]
    if ins:
        expl.append("The pgbench INSERT inserts one row per transaction into a copy of the session table's columns "
                    "with its primary key and its two unique ids (not its keyset indexes or foreign keys), the values "
                    "of the widest row the gateway wrote on PostgreSQL (only the ids and timestamps fresh; "
                    f"{facts.get('pg_gateway_row_bytes', '?')} bytes, the INSERT's rows "
                    f"{facts.get('pg_insert_row_bytes', '?')}), synchronous_commit "
                    f"{facts.get('pg_synchronous_commit', '?')}, fsync {facts.get('pg_fsync', '?')}, -M prepared, "
                    f"the create series' {facts.get('connections')} clients and duration; the gateway's create also "
                    "upserts its subject, updates the per-scope counters and reads the row back, in one transaction.")
    expl.append("LIST is a first page (Agentcloud's vendor-fixed 10 sessions). Peak RSS: JDK 17's process runs every "
                "series of its backend, the newer JDK's its own (GET at the largest N, and create); the table of "
                "peak RSS after each group of series shows which load raised it, and compares the two JDKs after "
                "the same first series.")
    out += ["", " ".join(expl), ""]

    out += ["## Every series", "",
            "| measurement | req/s | p50 | p99 | errors | requests | server CPU us/request |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        cpu_s = f"{r['cpu']:.0f}" if r["cpu"] else ""
        req_s = "" if r["requests"] is None else str(r["requests"])
        name = f"**{r['name']} (no request completed)**" if empty(r) else r["name"]
        out.append(f"| {name} | {r['rps']:.2f} | {r['p50']} | {r['p99']} | {r['errors']} | {req_s} | {cpu_s} |")

    def f(key):
        return facts.get(key) or "n/a"

    out += ["", "| start to first 200 (ms) / peak RSS under load (MB) | value |", "| --- | ---: |",
            f"| H2, JDK 17: start to first 200 (restart) | {f('ready_h2')} |",
            f"| PostgreSQL, JDK 17: start to first 200 (restart) | {f('ready_pg')} |",
            f"| H2, JDK {jdk25 or 'newer'}: start to first 200 (restart) | {f('ready_h2_jdk25')} |",
            f"| PostgreSQL, JDK {jdk25 or 'newer'}: start to first 200 (restart) | {f('ready_pg_jdk25')} |",
            f"| H2, JDK 17: first start of the build (empty data dir, no CDS archive yet) | {f('ready_h2_first')} |",
            f"| PostgreSQL, JDK 17: first start (empty database) | {f('ready_pg_first')} |",
            f"| H2, JDK 17: peak RSS | {f('rss_h2')} |", f"| PostgreSQL, JDK 17: peak RSS | {f('rss_pg')} |",
            f"| H2, JDK {jdk25 or 'newer'}: peak RSS | {f('rss_h2_jdk25')} |",
            f"| PostgreSQL, JDK {jdk25 or 'newer'}: peak RSS | {f('rss_pg_jdk25')} |",
            f"| WireMock peak RSS (the launcher's JVM settings) | {f('rss_wiremock')} |"]
    if rss_marks:
        out += ["", "Peak RSS so far (VmHWM) after each group of series, per gateway process:", "",
                "| after | MB |", "| --- | ---: |"] + [f"| {a} | {b} |" for a, b in rss_marks]

    lines = []

    def ratio(name, a, b):
        if a and b and a["rps"] and b["rps"]:
            lines.append(f"| {name} | {a['rps'] / b['rps']:.2f} |")

    pr = row("prism mock same document")
    h2tf = row(f"h2 n={n1} GET truefoundry")
    ratio(f"gateway GET (H2, TrueFoundry, n={n1}) / nginx static", h2tf, ng)
    ratio(f"gateway GET (H2, TrueFoundry, n={n1}) / WireMock", h2tf, wm)
    ratio(f"gateway GET (H2, TrueFoundry, n={n1}) / Prism", h2tf, pr)
    pgb = next((r for r in rows if r["name"].startswith("pgbench PK select")), None)
    ratio(f"gateway GET (PostgreSQL, TrueFoundry, n={nmax}) / pgbench PK select", row(f"pg n={nmax} GET truefoundry"),
          pgb)
    for b in ("h2", "pg"):
        for d in DIALECTS:
            x, y = row(f"{b} n={nmax} GET {d}"), row(f"{b} n={n1} GET {d}")
            if x and y and nmax != n1 and ms(x["p50"]) and ms(y["p50"]):
                lines.append(f"| GET p50 latency {b} {d}: n={nmax} / n={n1} | {ms(x['p50']) / ms(y['p50']):.2f} |")
    for b in ("h2", "pg"):
        for n in sizes:
            for d in DIALECTS:
                ratio(f"GET {b} {d} n={n}: JDK {jdk25 or 'newer'} / JDK 17", row(f"{b} (JDK {jdk25}) n={n} GET {d}"),
                      row(f"{b} n={n} GET {d}"))
    for b in ("h2", "pg"):
        for d in DIALECTS:
            ratio(f"create {b} {d}: JDK {jdk25 or 'newer'} / JDK 17", row(f"{b} (JDK {jdk25}) create {d}"),
                  row(f"{b} create {d}"))
    if lines:
        out += ["", "| ratio | value |", "| --- | ---: |"] + lines

    life = []
    for r in rows:
        m = re.match(r"(\S+) n=(\d+) (LIST|LIST-DEEP|PATCH|CANCEL|DELETE) (\S+)", r["name"])
        if not m:
            continue
        b, n, op, d = m.groups()
        g = row(f"{b} n={n} GET {d.split('-')[0]}")
        if g and g["rps"] and r["rps"]:
            a, c = ms(r["p50"]), ms(g["p50"])
            life.append(f"| {r['name']} | {r['rps'] / g['rps']:.2f} | " + (f"{a / c:.2f} |" if a and c else "|"))
        elif g:
            life.append(f"| {r['name']} | **no request completed** | |")
    if life:
        out += ["", "Lifecycle operations against GET of the same dialect, backend and N in this run: req/s ratio "
                "(1.00 = as many per second as a get) and p50 ratio (1.00 = as slow as a get). LIST is a first page "
                "(20 sessions; Agentcloud's fixed 10), LIST-DEEP a page in the middle of the N sessions (TrueFoundry "
                "keyset token, Everruns offset and the keyset cursor of that page's next_url, Agentcloud "
                "before=<ObjectId>, Recoup offset). PATCH, CANCEL: random sessions of the N; DELETE: each of a list "
                "of sessions loaded for the purpose deleted once "
                f"({facts.get('del_warm')} per dialect for the warm-up, {facts.get('del_measure')} for the "
                "measurement).", "",
                "| operation | req/s / GET | p50 / GET p50 |", "| --- | ---: | ---: |"] + life
    if notes:
        out += ["", "Deleting again:", ""] + [f"- {x}" for x in notes]
    if profiles_file and os.path.exists(profiles_file) and os.path.getsize(profiles_file) > 0:
        with open(profiles_file) as fh:
            profiles = fh.read().rstrip("\n")
        out += ["", "## Profiles of measured series (BENCH_JFR)", "",
                "Each of these series was run once more, with Java Flight Recorder on (its profile settings: a running "
                "Java thread sampled every 10 ms), when its gateway process had finished its measured series (so on PostgreSQL, "
                "whose gateway is not restarted between sizes, on the largest N's data; the figures above are from "
                "the unrecorded windows): the top frames by "
                "self time, the packages by inclusive time (a sample counts once for each package on its stack), "
                "and the garbage collections of the window.", "", profiles]
    text = "\n".join(out) + "\n"
    suffix = "-partial" if partial else ("-quick" if facts.get("quick") == "true" else "")
    path = os.path.join(outdir, f"{now:%Y-%m-%d}{suffix}.md")
    with open(path, "w") as fh:
        fh.write(text)
    print(text)
    print(f"written to {path}", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:7])
