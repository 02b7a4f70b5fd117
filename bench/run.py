#!/usr/bin/env python3
"""`make bench`: load the release server from a separate process and report what users and
operators would see. Prints a Markdown report and writes it to bench/out/report.md.

Steps: a dedicated database seeded with 500 interviewers and 60 tags (bench/seed.sql); the
release binary started on a loopback port; for each target, wrk with 64 connections for
BENCH_SECONDS (default 10) seconds; SQL statements per request from the app's Server-Timing
header; the server's peak memory (VmHWM); the homepage's bytes on the wire; Lighthouse
(npm lighthouse@12.2.3 with Debian's Chromium) on three pages. Aims are reported, not
asserted."""

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
DB = os.environ.get("BENCH_DATABASE", "interview_service_bench")
ADMIN_URL = os.environ.get("PG_ADMIN_URL", "postgres://postgres:postgres@127.0.0.1:5432/postgres")
DB_URL = ADMIN_URL.rsplit("/", 1)[0] + "/" + DB
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = 64
OUT = os.path.join(ROOT, "bench", "out")


def sh(*args, **kw):
    return subprocess.run(args, check=True, **kw)


def fetch(path, headers=None):
    req = urllib.request.Request(BASE + path, headers=headers or {})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.status, dict(resp.headers), resp.read()


def queries(path, headers=None):
    _, h, _ = fetch(path, headers)
    timing = next((v for k, v in h.items() if k.lower() == "server-timing"), "")
    m = re.search(r'sql;desc="(\d+) queries"', timing)
    return int(m.group(1)) if m else None


def wrk(path, headers=None):
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "--timeout", "5s"]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run(cmd + [BASE + path], check=True, capture_output=True, text=True).stdout

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


def main():
    os.makedirs(OUT, exist_ok=True)
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk (make bench does this)")
    binary = os.path.join(ROOT, "target", "release", "interview-service")
    sh("psql", ADMIN_URL, "-q", "-c", f"drop database if exists {DB} with (force)", "-c", f"create database {DB}")
    env = dict(os.environ, PORT=str(PORT), DATABASE_URL=DB_URL, SEED_DEMO="false", SERVER_TIMING="true",
               RUN_WORKER="false", LIVE_RELOAD="false", RUST_LOG="warn", PUBLIC_BASE_URL=BASE,
               DATA_DIR=os.path.join(OUT, "data"))
    server = subprocess.Popen([binary], env=env)
    try:
        for _ in range(100):
            try:
                if fetch("/healthz")[0] == 200:
                    break
            except Exception:
                time.sleep(0.1)
        sh("psql", DB_URL, "-q", "-v", "ON_ERROR_STOP=1", "-f", os.path.join(ROOT, "bench", "seed.sql"))
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
        results = []
        for name, path, headers in targets:
            q = queries(path, headers) if not path.startswith("/static/") else 0
            results.append((name, path, wrk(path, headers), q))
        memory = peak_memory_mb(server.pid)
        wire = 0
        for path in ["/", css, js]:
            req = urllib.request.Request(BASE + path, headers={"Accept-Encoding": "br"})
            with urllib.request.urlopen(req) as resp:
                wire += len(resp.read())
        scores = {path: lighthouse(path) for path in ["/", "/interviewers", "/interviewers/bench-person-42"]}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    static_rps = results[-1][2]["rps"]
    lines = [
        "# make bench", "",
        f"Release build, 500 interviewers and 60 tags, wrk {CONNECTIONS} connections x {SECONDS} s, 2 threads, loopback.", "",
        "| target | req/s | p50 ms | p99 ms | errors | SQL/request | vs static |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, path, r, q in results:
        lines.append(f"| {name} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['errors']} | {q} | {r['rps'] / static_rps:.2f} |")
    lines += ["", f"Peak server memory (VmHWM): {memory:.1f} MB", f"Homepage HTML+CSS+JS on the wire (brotli): {wire / 1024:.1f} KB", "",
              "| Lighthouse | performance | accessibility | best practices | SEO |", "|---|---:|---:|---:|---:|"]
    for path, s in scores.items():
        if "error" in s:
            lines.append(f"| {path} | lighthouse failed: {s['error']} | | | |")
        else:
            lines.append(f"| {path} | {s.get('performance')} | {s.get('accessibility')} | {s.get('best-practices')} | {s.get('seo')} |")
    pages = results[:-1]
    def verdict(ok):
        return "met" if ok else "MISSED"
    lighthouse_ok = all("error" not in sc and sc.get("accessibility") == 100 and sc.get("best-practices") == 100
                        and sc.get("seo") == 100 and (sc.get("performance") or 0) >= 95 for sc in scores.values())
    lines += ["", "## Aims", "",
              f"- every page at least half the static asset's throughput: {verdict(all(r['rps'] >= static_rps / 2 for _, _, r, _ in pages))}",
              f"- p99 under 25 ms at {CONNECTIONS} connections: {verdict(all((r['p99'] or 1e9) < 25 for _, _, r, _ in pages))}",
              f"- peak memory under 64 MB: {verdict(memory is not None and memory < 64)}",
              f"- at most 2 queries per page: {verdict(all(q is not None and q <= 2 for _, _, _, q in pages))}",
              f"- Lighthouse 100 for accessibility, best practices and SEO, at least 95 for performance: {verdict(lighthouse_ok)}",
              "",
              "Where throughput and p99 are missed: the static asset is served from memory, while each page runs one or two",
              "queries that fold tags and roles into JSON and renders a template, about 1-4 ms of CPU per request on a",
              "machine whose cores also run PostgreSQL and wrk. What would reach the aims: an in-memory cache of rendered",
              "anonymous pages invalidated by admin writes (the catalogue changes rarely), and each interviewer's card JSON",
              "precomputed in a column maintained on write instead of folded per request."]
    report = "\n".join(lines) + "\n"
    with open(os.path.join(OUT, "report.md"), "w") as f:
        f.write(report)
    print(report)


if __name__ == "__main__":
    main()
