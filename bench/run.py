#!/usr/bin/env python3
"""`make bench`: load the release server from a separate process and report what users and
operators would see. Prints a Markdown report and writes it to bench/out/report.md.

For each catalogue size (BENCH_SIZES, default 500 and 5000 interviewers, 60 tags;
bench/seed.sql): a dedicated database; two release instances on loopback ports sharing it
(as two app containers behind a load balancer would); then
- cold: after a catalogue change, each page's SQL statements (from the app's Server-Timing
  header), and `EXPLAIN ANALYZE` of those statements, whose text is read from `.sqlx/` (the
  queries exactly as compiled into the binary);
- warm: wrk with 64 connections for BENCH_SECONDS (default 10) seconds per target;
- freshness: wrk on the listing while a profile is saved every second; how long each save
  takes to show on each instance;
- a crawl of every profile (the cache's memory bound), then the server's peak memory (VmHWM);
- at the first size only: the homepage's bytes on the wire and Lighthouse (npm
  lighthouse@12.2.3 with Debian's Chromium) on three pages.
Aims are reported, not asserted."""

import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PORT = int(os.environ.get("BENCH_PORT", "8500"))
BASE = f"http://127.0.0.1:{PORT}"
# The second instance, for freshness across instances.
BASE_B = f"http://127.0.0.1:{PORT + 1}"
DB = os.environ.get("BENCH_DATABASE", "interview_service_bench")
ADMIN_URL = os.environ.get("PG_ADMIN_URL", "postgres://postgres:postgres@127.0.0.1:5432/postgres")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "500,5000").split(",")]
SQLX_DIR = os.path.join(ROOT, ".sqlx")
CONNECTIONS = 64
OUT = os.path.join(ROOT, "bench", "out")


def sh(*args, **kw):
    return subprocess.run(args, check=True, **kw)


def fetch(path, headers=None, base=BASE):
    req = urllib.request.Request(base + path, headers=headers or {})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.status, dict(resp.headers), resp.read()


def queries(path, headers=None):
    """The statements one request ran and their time as the app measured it (ms)."""
    _, h, _ = fetch(path, headers)
    timing = next((v for k, v in h.items() if k.lower() == "server-timing"), "")
    m = re.search(r'sql;desc="(\d+) queries";dur=([\d.]+)', timing)
    return (int(m.group(1)), float(m.group(2))) if m else (None, None)


def wrk_command(path, headers=None, base=BASE, seconds=SECONDS):
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    return cmd + [base + path]


def parse_wrk(out):
    def latency(label):
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        if not m:
            return None
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, socket.groups())) if socket else 0)
    return {"rps": rps, "p50": latency("50"), "p99": latency("99"), "errors": errors}


def wrk(path, headers=None):
    out = subprocess.run(wrk_command(path, headers), check=True, capture_output=True, text=True).stdout
    return parse_wrk(out)


def peak_memory_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def lighthouse(path):
    report = os.path.join(OUT, f"lighthouse{path.replace('/', '_') or '_home'}.json")
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    flags = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking --no-first-run"
    result = subprocess.run(
        ["npx", "--yes", "lighthouse@12.2.3", BASE + path, "--quiet", "--output=json", f"--output-path={report}",
         f"--chrome-flags={flags}", "--only-categories=performance,accessibility,best-practices,seo"],
        env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        return {"error": (result.stderr or result.stdout).strip().splitlines()[-1:]}
    with open(report) as f:
        categories = json.load(f)["categories"]
    return {k: round(v["score"] * 100) for k, v in categories.items() if v.get("score") is not None}



def psql(db_url, sql):
    done = subprocess.run(["psql", db_url, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"], input=sql,
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"bench: psql failed: {done.stderr.strip()}\n{sql[:2000]}")
    return done.stdout


def compiled_query(marker):
    """The text of the one query in .sqlx/ containing `marker`: the SQL the binary runs."""
    found = []
    for name in sorted(os.listdir(SQLX_DIR)):
        with open(os.path.join(SQLX_DIR, name)) as f:
            query = json.load(f)["query"]
        if marker in query:
            found.append(query)
    if len(found) != 1:
        sys.exit(f"bench: {len(found)} compiled queries contain {marker!r}; expected one")
    return found[0]


# The catalogue pages' statements: (what, marker in its text, parameters for EXECUTE).
STATEMENTS = [
    ("homepage", 'as "featured!: Json<Vec<FeaturedRow>>"', None),
    ("listing: tags and counts (kept at commit, read once per version)", "left join tag_listed_count", None),
    ("listing: one page of cards", "with matching as (", "('{}'::bigint[], 24, 0)"),
    ("listing, two filters: one page of cards", "with matching as (", "('{tags_1_41}'::bigint[], 24, 0)"),
    ("profile", "where i.slug = $1 and i.is_active", "('bench-person-42', 20)"),
]


def explain_timings(db_url, repeats=5):
    """Median and worst execution time (ms) of each catalogue statement, from EXPLAIN ANALYZE
    (TIMING OFF: per-node clocks would inflate the total of these many small nodes)."""
    out = []
    # EXECUTE takes no subqueries: the two filter tags' ids, looked up first.
    tags = psql(db_url, "select array_agg(tag_id order by tag_id) from tag where slug in ('tag-1', 'tag-41');").strip()
    for what, marker, params in STATEMENTS:
        sql = compiled_query(marker)
        execute = f"execute q{(params or '').replace('{tags_1_41}', tags)}"
        script = f"prepare q as {sql};\n" + f"explain (analyze, timing off, format json) {execute};\n" * repeats
        text = psql(db_url, script).strip()
        decoder, pos, times = json.JSONDecoder(), 0, []
        while pos < len(text):
            doc, end = decoder.raw_decode(text, pos)
            times.append(doc[0]["Execution Time"])
            pos = end
            while pos < len(text) and text[pos].isspace():
                pos += 1
        times.sort()
        out.append((what, times[len(times) // 2], times[-1]))
    return out


def bump_catalogue(db_url, headline="Senior engineer who interviews for backend and system design roles"):
    """Saves a profile the way the admin panel does (an UPDATE of `interviewer`), which raises
    the catalogue version through its trigger."""
    psql(db_url, f"update interviewer set headline = '{headline}' where slug = 'bench-person-1';")


def freshness(db_url, seconds):
    """wrk on the listing of instance A while a profile is saved every second; for each save,
    how long until each instance's listing shows it (ms)."""
    load = subprocess.Popen(wrk_command("/interviewers", seconds=seconds), stdout=subprocess.PIPE, text=True)
    delays = {BASE: [], BASE_B: []}
    stale = 0
    time.sleep(1)
    for i in range(seconds - 2):
        marker = f"Freshness check {i} {time.time():.0f}"
        started = time.time()
        bump_catalogue(db_url, marker)
        committed = time.time()
        for base in (BASE, BASE_B):
            while True:
                _, _, body = fetch("/interviewers", base=base)
                if marker.encode() in body:
                    delays[base].append((time.time() - committed) * 1000)
                    break
                if time.time() - committed > 1.0:
                    stale += 1
                    delays[base].append(float("inf"))
                    break
                time.sleep(0.005)
        time.sleep(max(0.0, 1.0 - (time.time() - started)))
    out, _ = load.communicate()
    return {"load": parse_wrk(out), "delays": delays, "stale": stale}


def crawl_profiles(count, workers=8):
    """Every profile once, as a search engine would: the page cache must stay within its budget."""
    from concurrent.futures import ThreadPoolExecutor
    started = time.time()
    with ThreadPoolExecutor(workers) as pool:
        statuses = list(pool.map(lambda n: fetch(f"/interviewers/bench-person-{n}")[0], range(1, count + 1)))
    return {"seconds": time.time() - started, "errors": sum(1 for s in statuses if s != 200)}


def start_server(port, db_url):
    env = dict(os.environ, PORT=str(port), DATABASE_URL=db_url, SEED_DEMO="false", SERVER_TIMING="true",
               RUN_WORKER="false", LIVE_RELOAD="false", RUST_LOG="warn", PUBLIC_BASE_URL=BASE,
               DATA_DIR=os.path.join(OUT, "data"))
    server = subprocess.Popen([os.path.join(ROOT, "target", "release", "interview-service")], env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if fetch("/healthz", base=base)[0] == 200:
                return server
        except Exception:
            time.sleep(0.1)
    server.kill()
    sys.exit(f"bench: the server on port {port} did not come up")


def run_size(count, first):
    db = f"{DB}_{count}"
    db_url = ADMIN_URL.rsplit("/", 1)[0] + "/" + db
    sh("psql", ADMIN_URL, "-q", "-c", f"drop database if exists {db} with (force)", "-c", f"create database {db}")
    result = {"count": count}
    server = start_server(PORT, db_url)
    server_b = None
    try:
        sh("psql", db_url, "-q", "-v", "ON_ERROR_STOP=1", "-v", f"interviewers={count}", "-f",
           os.path.join(ROOT, "bench", "seed.sql"))
        psql(db_url, "vacuum analyze;")
        server_b = start_server(PORT + 1, db_url)
        _, _, home = fetch("/")
        page = html.unescape(home.decode())
        css = re.search(r'href="(/static/app\.[^"]+\.css)"', page).group(1)
        js = re.search(r'src="(/static/app\.[^"]+\.js)"', page).group(1)
        targets = [
            ("homepage", "/", None),
            ("listing", "/interviewers", None),
            ("listing, two filters", "/interviewers?tech=tag-1&subject=tag-41", None),
            ("results fragment (HTMX)", "/interviewers?tech=tag-1&subject=tag-41", {"HX-Request": "true"}),
            ("profile", "/interviewers/bench-person-42", None),
            ("static asset (CSS)", css, {"Accept-Encoding": "br"}),
        ]
        # Cold: the first request after a catalogue change (the version reaches the instance
        # within milliseconds; the pause leaves room for the half-second poll too).
        cold = {}
        for name, path, headers in targets[:-1]:
            bump_catalogue(db_url)
            time.sleep(0.6)
            cold[name] = queries(path, headers)
        result["cold"] = cold
        result["explain"] = explain_timings(db_url)
        result["warm"] = [(name, path, wrk(path, headers)) for name, path, headers in targets]
        result["freshness"] = freshness(db_url, max(SECONDS, 6))
        result["crawl"] = crawl_profiles(count)
        result["memory"] = peak_memory_mb(server.pid)
        if first:
            wire = 0
            for path in ["/", css, js]:
                req = urllib.request.Request(BASE + path, headers={"Accept-Encoding": "br"})
                with urllib.request.urlopen(req) as resp:
                    wire += len(resp.read())
            result["wire"] = wire
            result["lighthouse"] = {path: lighthouse(path) for path in ["/", "/interviewers", "/interviewers/bench-person-42"]}
    finally:
        for s in (server, server_b):
            if s:
                s.send_signal(signal.SIGTERM)
                s.wait(timeout=30)
    return result


def verdict(ok):
    return "met" if ok else "MISSED"


def report_size(r):
    lines = [f"## {r['count']} interviewers", "",
             f"wrk {CONNECTIONS} connections x {SECONDS} s, 2 threads, loopback; warm = served from the page cache.", "",
             "| target | req/s | p50 ms | p99 ms | errors | vs static | cold: SQL statements | cold: SQL ms (app) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    static_rps = r["warm"][-1][2]["rps"]
    for name, _, w in r["warm"]:
        q, ms = r["cold"].get(name, (0, 0.0))
        lines.append(f"| {name} | {w['rps']:.0f} | {w['p50']:.2f} | {w['p99']:.2f} | {w['errors']} | "
                     f"{w['rps'] / static_rps:.2f} | {q} | {ms:.2f} |")
    lines += ["", "| statement (EXPLAIN ANALYZE, 5 runs) | median ms | worst ms |", "|---|---:|---:|"]
    for what, median, worst in r["explain"]:
        lines.append(f"| {what} | {median:.3f} | {worst:.3f} |")
    f = r["freshness"]
    worst = {base: max(d) if d else None for base, d in f["delays"].items()}
    lines += ["", f"Freshness: a profile saved every second while wrk loads instance A's listing "
                  f"({f['load']['rps']:.0f} req/s, p99 {f['load']['p99']:.1f} ms, {f['load']['errors']} errors); "
                  f"the save showed on instance A after at most {worst[BASE]:.0f} ms and on instance B after at most "
                  f"{worst[BASE_B]:.0f} ms; {f['stale']} stale after one second.",
              f"Crawl of all {r['count']} profiles: {r['crawl']['seconds']:.1f} s, {r['crawl']['errors']} errors.",
              f"Peak server memory (VmHWM): {r['memory']:.1f} MB"]
    return lines


def main():
    os.makedirs(OUT, exist_ok=True)
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk (make bench does this)")
    results = [run_size(count, i == 0) for i, count in enumerate(SIZES)]

    lines = ["# make bench", "", "Release build, two instances on one database, 60 tags.", ""]
    for r in results:
        lines += report_size(r) + [""]
    first = results[0]
    lines += [f"Homepage HTML+CSS+JS on the wire (brotli): {first['wire'] / 1024:.1f} KB", "",
              "| Lighthouse | performance | accessibility | best practices | SEO |", "|---|---:|---:|---:|---:|"]
    for path, s in first["lighthouse"].items():
        if "error" in s:
            lines.append(f"| {path} | lighthouse failed: {s['error']} | | | |")
        else:
            lines.append(f"| {path} | {s.get('performance')} | {s.get('accessibility')} | {s.get('best-practices')} | {s.get('seo')} |")

    lines += ["", "## Aims", ""]
    for r in results:
        pages = r["warm"][:-1]
        static_rps = r["warm"][-1][2]["rps"]
        n = r["count"]
        lines += [
            f"- {n}: every page at least half the static asset's throughput: "
            f"{verdict(all(w['rps'] >= static_rps / 2 for _, _, w in pages))}",
            f"- {n}: p99 under 25 ms at {CONNECTIONS} connections: {verdict(all((w['p99'] or 1e9) < 25 for _, _, w in pages))}",
            f"- {n}: cold, at most 2 statements per page: "
            f"{verdict(all(q is not None and q <= 2 for q, _ in r['cold'].values()))}",
            f"- {n}: peak memory under 64 MB: {verdict(r['memory'] is not None and r['memory'] < 64)}",
            f"- {n}: a catalogue change on every instance within one second, no error under load: "
            f"{verdict(r['freshness']['stale'] == 0 and r['freshness']['load']['errors'] == 0)}",
        ]
        if n <= 500:
            lines.append(f"- {n}: each cold statement under 1 ms (EXPLAIN ANALYZE, median): "
                         f"{verdict(all(median < 1 for _, median, _ in r['explain']))}")
    by_size = {r["count"]: r for r in results}
    if 500 in by_size and 5000 in by_size:
        small = by_size[500]["warm"][1][2]["rps"]
        large = by_size[5000]["warm"][1][2]["rps"]
        lines.append(f"- 5000: the warm listing keeps at least 80% of its 500-interviewer throughput "
                     f"({large / small:.0%}): {verdict(large >= 0.8 * small)}")
    lighthouse_ok = all("error" not in sc and sc.get("accessibility") == 100 and sc.get("best-practices") == 100
                        and sc.get("seo") == 100 and (sc.get("performance") or 0) >= 95
                        for sc in first["lighthouse"].values())
    lines.append(f"- Lighthouse 100 for accessibility, best practices and SEO, at least 95 for performance: "
                 f"{verdict(lighthouse_ok)}")
    report = "\n".join(lines) + "\n"
    with open(os.path.join(OUT, "report.md"), "w") as f:
        f.write(report)
    print(report)


if __name__ == "__main__":
    main()
