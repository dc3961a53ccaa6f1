"""What the loader costs a shop's product page: Lighthouse (mobile profile) with and without widgets.

    python -m bench.lighthouse [--runs 15] [--pages without,with,plain,iframes] [--keep]

Installs npm `lighthouse` (pinned) into bench/node/ when missing, loads the Trustpilot shop
`groenhuis` (tests/trustpilot_shops.py, the model customer) into a store, serves it with the
service on 127.0.0.1 and a product page from `localhost` (another site, as a shop's page is),
and runs Lighthouse on Debian's Chromium, alternating the page with three of the preview's
snippets (the badge in the header, the star snippet beside the price, the carousel below the
text) and the same page without them. Lighthouse's simulated LCP is bimodal on this page, so
each page gets many runs and the report counts the runs in each mode; for each run it also
reads, from the saved report, what started before the observed largest paint. Writes the
"Loader on a product page" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import statistics
import subprocess
import tempfile
import threading
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from math import inf
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.harness import AS_OF, CLI, ROOT, Server
from tests.server import free_port
from tests.trustpilot_shops import open_loaded
from widget_server.core.models import Shop
from widget_server.http.preview import embed_snippet, iframe_snippet, plain_snippet
from widget_server.store.open import open_store

LIGHTHOUSE = "12.2.3"  # 13 wants Node 22; Debian 12 has Node 20
NODE = ROOT / "bench" / "node"
CHROMIUM = "/usr/bin/chromium"
SECTION = "## Loader on a product page (Lighthouse)"
SHOP = "groenhuis"
WIDGETS = ("badge", "stars", "carousel")

PRODUCT = """<!doctype html><html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>Brink Flair 325 – Groenhuis Ventilatie</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1f2328}}
header,footer{{padding:12px 16px;background:#eef2ef}}
header{{display:flex;justify-content:space-between;align-items:center;gap:12px;flex-wrap:wrap}}
main{{max-width:960px;margin:0 auto;padding:16px}}img{{width:100%;height:auto;display:block}}
.buy{{display:flex;gap:16px;align-items:center;flex-wrap:wrap}}.price{{font-size:1.6em;font-weight:700}}</style></head>
<body><header><strong>Groenhuis Ventilatie</strong>{badge}</header>
<main><h1>Brink Flair 325 warmteterugwinunit</h1>
<img src="/product.svg" width="960" height="540" alt="De Brink Flair 325">
<div class="buy"><span class="price">€ 2.349</span>{stars}</div>
<p>{text}</p><p>{text}</p><p>{text}</p>{carousel}</main>
<footer><p>Groenhuis Ventilatie · Klantenservice · Verzending en retour</p></footer></body></html>"""
TEXT = (
    "De Flair 325 ventileert een woning tot ongeveer 325 m³/h en wint tot 95% van de warmte uit de "
    "afgevoerde lucht terug. Geschikt voor eengezinswoningen; met bypass voor zomernachten."
)
IMAGE = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 960 540"><rect width="960" height="540" fill="#dfe6e2"/>'
    '<rect x="280" y="90" width="400" height="360" rx="24" fill="#fff" stroke="#8c959f" stroke-width="6"/>'
    '<circle cx="480" cy="270" r="110" fill="none" stroke="#57606a" stroke-width="18"/></svg>'
)


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def product_page(snippets: dict[str, str]) -> str:
    """The product page with these snippets (badge, stars, carousel; "" for none) in their places."""
    widgets = {w: snippets.get(w, "") for w in WIDGETS}
    if widgets["badge"]:
        widgets["badge"] = f'<div style="width:260px">{widgets["badge"]}</div>'
    if widgets["stars"]:
        widgets["stars"] = f'<div style="width:320px">{widgets["stars"]}</div>'
    if widgets["carousel"]:
        widgets["carousel"] = f"<h2>Wat klanten zeggen</h2>{widgets['carousel']}"
    return PRODUCT.format(**widgets, text=TEXT)


# A page that declares no icon gets /favicon.ico fetched by Chromium right after `load`; the
# "-icon" pages declare one (no request), to tell that fetch apart from the widgets' effect.
ICON = '<link rel="icon" href="data:,">'


def pages(folder: Path, service: str, shop: Shop) -> None:
    """The product page without widgets, and with the three snippets pasted three ways."""
    (folder / "product.svg").write_text(IMAGE)
    made = {"without": product_page({})}
    # the snippets' elements alone, without their scripts: what the slots themselves cost the paint
    made["slots"] = product_page({w: embed_snippet(service, shop, w, "nl", {}).split("\n<script>")[0] for w in WIDGETS})
    for name, make in (("with", embed_snippet), ("plain", plain_snippet), ("iframes", iframe_snippet)):
        made[name] = product_page({w: make(service, shop, w, "nl", {}) for w in WIDGETS})
    for name, html in made.items():
        (folder / f"{name}.html").write_text(html)
        (folder / f"{name}-icon.html").write_text(html.replace("</title>", "</title>" + ICON, 1))


def lighthouse(url: str, out: Path, widgets: str) -> dict[str, Any]:
    subprocess.run(
        [
            str(NODE / "node_modules" / ".bin" / "lighthouse"),
            url,
            f"--chrome-path={CHROMIUM}",
            "--chrome-flags=--headless=new --no-sandbox",
            "--only-categories=performance",
            "--output=json",
            f"--output-path={out}",
            "--quiet",
        ],
        check=True,
        cwd=ROOT,
    )
    return measure(json.loads(out.read_text()), widgets)


def measure(report: dict[str, Any], widgets: str) -> dict[str, Any]:
    """The simulated metrics, and what the observed (unthrottled) load did before its largest paint.

    Lantern builds its LCP estimate from the requests that started and ended before the observed
    LCP (all of them pessimistically, all but low-priority images optimistically) and from the
    main-thread tasks before it; anything of ours among them would cost the page.
    """
    audits = report["audits"]
    observed = audits["metrics"]["details"]["items"][0]
    lcp_at = observed["observedLargestContentfulPaint"]
    requests = audits["network-requests"]["details"]["items"]  # times from the first request's start
    started = [r for r in requests if r.get("rendererStartTime", inf) <= lcp_at]
    counted = [r for r in started if r.get("networkEndTime", inf) <= lcp_at]
    tasks = audits["main-thread-tasks"]["details"]["items"]
    return {
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "observed_lcp": lcp_at,
        "observed_load": observed["observedLoad"],
        "counted": [f"{urlsplit(r['url']).path} ({r.get('priority', '?')})" for r in counted],
        "ours_started": sum(r["url"].startswith(widgets) for r in started),
        "first_ours": min((r["rendererStartTime"] for r in requests if r["url"].startswith(widgets)), default=None),
        "tasks_before": sum(t["duration"] for t in tasks if t["startTime"] <= lcp_at),
    }


def modes(values: list[float]) -> list[list[float]]:
    """The simulated LCPs in their modes: split wherever sorted values are 50 ms or more apart."""
    ordered = sorted(values)
    found: list[list[float]] = []
    for value in ordered:
        if found and value - found[-1][-1] < 50:
            found[-1].append(value)
        else:
            found.append([value])
    return found


def install() -> None:
    if (NODE / "node_modules" / ".bin" / "lighthouse").exists():
        return
    NODE.mkdir(parents=True, exist_ok=True)
    subprocess.run(["npm", "i", "-E", "--no-audit", "--no-fund", f"lighthouse@{LIGHTHOUSE}"], cwd=NODE, check=True)


def write_section(body: str) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text()
    pattern = re.compile(rf"{re.escape(SECTION)}\n.*?(?=\n## |\Z)", re.S)
    section = body.rstrip("\n") + "\n"  # the blank line before the next section stays
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + body
    path.write_text(text.rstrip("\n") + "\n")


LABELS = {
    "without": "product page, no widgets",
    "with": "three preview snippets (loader after the page has loaded)",
    "slots": "the three snippets' slots alone (no script)",
    "plain": "three plain `<script async>` snippets",
    "iframes": "three iframe-only snippets",
}
LABELS.update({f"{name}-icon": f"{label}, the page declaring an icon" for name, label in list(LABELS.items())})


CAUSES = (
    "| page | observed LCP | `load` | a widget request before the LCP | first widget request "
    "| `/product.svg` counted | `/favicon.ico` counted |\n|---|---:|---:|---:|---:|---:|---:|"
)
EXPLANATION = """
**What puts a run in a slower mode.** Not the widgets' requests or tasks: none starts before the
observed largest paint (the loader is requested about 250 ms after it, the frames later still),
so Lantern never counts them. The modes are the page's own: the simulated LCP is about 650 ms when
the product image is still loading at the first paint, about 750 ms when it has finished by then
(Lantern then counts it, one round trip more), and about 900 ms when Chromium's own request for
`/favicon.ico` (made right after `load` on a page that declares no icon) has finished before the
first paint too. Over three sets of runs on 2026-12-03 (this one; a first `--runs 15`: LCP +1 ms,
TBT +22 ms, modes 1/14/0 without and 0/12/3 with; `--pages without,slots,with,with-icon --runs 8`)
the ≈900 mode came 8 times in 38 runs with the snippets and once in 38 without, and every such run
had counted `/favicon.ico`; the ≈650 mode came 4 times with and 5 without. Likely cause: the
snippets' slots (the elements that reserve the heights) add layout to the page's first paint
(two traces each: 19 and 22 ms against 8 and 12 ms), so the paint tends to come later after
`load` (median gap 21, 13 and 5 ms with the snippets against 9, -1 and 8 ms without: later in two
sets of three) and the icon's request more often fits before it. The slots alone, without any script, did the same (1
run in 8 at ≈900), and with a page that declares its icon no run reached ≈900 (0 in 8). The
15-run medians are within the goal (+1 and +4 ms); the 8-run set's +54 ms comes from its
baseline falling in the ≈650 mode 4 times in 8: with few runs the median follows the mode mix.

**TBT.** What the widgets add comes after `load`: making each frame is one task (the loader makes
one per idle period), 7 to 18 ms on this 2-core machine (Lighthouse's `benchmarkIndex` 1,650 to
2,460 across the runs), which the mobile simulation multiplies by 4. The two 15-run sets gave
+22 ms and +5 ms (the page without widgets itself 0 and 37 ms): the goal is missed by 2 ms in one
and met in the other; the figure follows the machine's load (the earlier measurement, 2026-11-29
on the demo shop with the footer instead of the carousel, had +9 ms).

**How the page's own largest paint is protected.** The preview's snippet is an element that
reserves the widget's height (`min-height`, so nothing moves: CLS 0) and holds a plain link, plus
a small inline script that requests the loader only after the page's `load` event, 250 ms and an
idle period; the loader makes frames only then, one per idle task, for slots near the viewport.
So no request to the widgets' host and no task of ours comes before the page's largest paint, and
the widgets' only part in it is the slots' layout. `make test` keeps this:
tests/test_lcp_browser.py loads this product page (bench.lighthouse.product_page) with the three
snippets from the real `embed_snippet` in Chromium and checks, from the browser's Resource Timing
and PerformanceObserver entries, that no request to the widgets' origin starts before `load` or
before the page's own LCP entry, that no layout shift happens over the load and the frames'
insertion, and that each slot reserves exactly the height its frame ends with (and that the
check flags a loader requested while the page parses). Lighthouse itself stays here, in `make
lighthouse`: too slow for every test run, and its simulated LCP jumps between modes.

The plain script tag, still offered for pages whose Content-Security-Policy forbids inline
scripts, and the iframe-only snippets cost about half a second each (`--pages
without,with,plain,iframes`; 2026-11-29 on the demo shop: +528 and +449 ms): their requests
start while the page loads.
"""


def report(args: argparse.Namespace, results: dict[str, list[dict[str, Any]]]) -> str:
    median = {
        name: {k: statistics.median(r[k] for r in runs) for k in ("lcp", "tbt", "cls")}
        for name, runs in results.items()
    }
    clusters = modes([r["lcp"] for runs in results.values() for r in runs])
    names = " / ".join(f"≈{statistics.median(c):,.0f}" for c in clusters)

    def mode(run: dict[str, Any]) -> int:
        return next(i for i, c in enumerate(clusters) if c[0] <= run["lcp"] <= c[-1])

    def counts(runs: list[dict[str, Any]]) -> str:
        return " / ".join(str(sum(mode(r) == i for r in runs)) for i in range(len(clusters)))

    base = median[next(iter(median))]  # the first page measured: the one without widgets
    base_lcp, base_tbt = base["lcp"], base["tbt"]
    rows = "\n".join(
        f"| {LABELS[name]} | {m['lcp']:,.0f} ms | {m['lcp'] - base_lcp:+,.0f} ms | {counts(results[name])} | "
        f"{m['tbt']:,.0f} ms | {m['tbt'] - base_tbt:+,.0f} ms | {max(r['cls'] for r in results[name]):.3f} |"
        for name, m in median.items()
    )
    runs = "\n".join(
        f"- {LABELS[name]}: LCP "
        + ", ".join(f"{r['lcp']:,.0f}" for r in results[name])
        + " ms; TBT "
        + ", ".join(f"{r['tbt']:,.0f}" for r in results[name])
        + " ms"
        for name in median
    )

    def ended(rs: list[dict[str, Any]], path: str) -> int:
        return sum(any(c.startswith(path + " ") for c in r["counted"]) for r in rs)

    causes = "\n".join(
        f"| {LABELS[name]} | {statistics.median(r['observed_lcp'] for r in rs):,.0f} ms | "
        f"{statistics.median(r['observed_load'] for r in rs):,.0f} ms | "
        f"{sum(r['ours_started'] for r in rs)} of {len(rs)} | "
        + (
            f"{statistics.median(r['first_ours'] for r in rs if r['first_ours'] is not None):,.0f} ms"
            if any(r["first_ours"] is not None for r in rs)
            else "–"
        )
        + f" | {ended(rs, '/product.svg')} of {len(rs)} | {ended(rs, '/favicon.ico')} of {len(rs)} |"
        for name, rs in results.items()
    )
    return f"""{SECTION}

Measured {date.today().isoformat()} with `python -m bench.lighthouse --runs {args.runs} --pages {",".join(results)}`
(`make lighthouse`): Lighthouse {LIGHTHOUSE}, mobile profile (simulated throttling), Debian's
Chromium, {args.runs} runs per page, the pages taking turns. The model customer: the Trustpilot shop
`groenhuis` of tests/trustpilot_shops.py (TrustScore leading). Its product page (image, price,
text) is served from `localhost`; the badge in its header, the star snippet beside the price and
the carousel below the text, each the preview's snippet (`embed_snippet`), come from the service
on `127.0.0.1` (another site, as for a real shop). Goal (issue): LCP +≤ 50 ms, TBT +≤ 20 ms, CLS 0.

| page | LCP (median) | vs none | runs per mode ({names} ms) | TBT (median) | vs none | CLS (worst) |
|---|---:|---:|---:|---:|---:|---:|
{rows}

Each run, in the order taken:

{runs}

What the observed (unthrottled) load did before its largest paint, from the saved reports
(`--keep`; audits `metrics` and `network-requests`; request times start at the document's
request, within a few ms of the observed LCP's). Lantern builds the simulated LCP from the
requests that *ended* before the observed LCP and the main-thread work before it:

{CAUSES}
{causes}

(Medians of the observed times; "counted": the request ended before the observed LCP.)
{EXPLANATION}"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--pages", default="without,with", help="the first is the baseline; also plain, iframes, *-icon"
    )
    parser.add_argument("--keep", action="store_true", help="keep the reports (prints their folder)")
    parser.add_argument("--no-write", action="store_true", help="print the section, leave docs/benchmarks.md")
    args = parser.parse_args()
    install()
    with tempfile.TemporaryDirectory(prefix="tw-lighthouse-") as temp:
        folder = Path(temp) if not args.keep else Path(tempfile.mkdtemp(prefix="tw-lighthouse-"))
        open_loaded(folder / "data", AS_OF).close()
        port = free_port()
        service = Server(
            [*CLI, "--data", str(folder / "data"), "serve", "--port", str(port), "--as-of", AS_OF.isoformat()],
            f"http://127.0.0.1:{port}/healthz",
        )
        site = folder / "site"
        site.mkdir()
        store = open_store(folder / "data")
        shop = store.shop(SHOP)
        store.close()
        assert shop is not None
        widgets = f"http://127.0.0.1:{port}"
        pages(site, widgets, shop)
        handler = functools.partial(Quiet, directory=str(site))
        host = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=host.serve_forever, daemon=True).start()
        base = f"http://localhost:{host.server_port}"  # another site than the widgets' 127.0.0.1
        results: dict[str, list[dict[str, Any]]] = {name: [] for name in args.pages.split(",")}
        try:
            for run in range(args.runs):
                for name in results:
                    results[name].append(lighthouse(f"{base}/{name}.html", folder / f"{name}-{run}.json", widgets))
                    print(name, run, {k: v for k, v in results[name][-1].items() if k != "counted"}, flush=True)
        finally:
            host.shutdown()
            host.server_close()
            service.stop()
        if args.keep:
            (folder / "runs.json").write_text(json.dumps(results, indent=1))
            print("reports kept in", folder)
    body = report(args, results)
    print(body)
    if not args.no_write:
        write_section(body)


if __name__ == "__main__":
    main()
