"""What the loader costs a shop's product page: Lighthouse (mobile profile) with and without widgets.

    python -m bench.lighthouse [--runs 5]

Installs npm `lighthouse` (pinned) into bench/node/ when missing, serves the demo data with the
service on 127.0.0.1 and a product page from `localhost` (another site, as a shop's page is),
and runs Lighthouse on Debian's Chromium, alternating the page with the badge, the star snippet
beside the price and the footer widget, and the same page without them. Writes the medians to
the "Loader on a product page" section of docs/benchmarks.md.
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
from pathlib import Path

from bench.harness import AS_OF, CLI, ROOT, Server
from tests.server import free_port
from widget_server.core.models import Shop
from widget_server.preview import embed_snippet, iframe_snippet, plain_snippet
from widget_server.stores import open_store

LIGHTHOUSE = "12.2.3"  # 13 wants Node 22; Debian 12 has Node 20
NODE = ROOT / "bench" / "node"
CHROMIUM = "/usr/bin/chromium"
SECTION = "## Loader on a product page (Lighthouse)"

PRODUCT = """<!doctype html><html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>Zehnder ComfoAir Q350 – WTW Winkel</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1f2328}}
header,footer{{padding:12px 16px;background:#eef2ef}}
header{{display:flex;justify-content:space-between;align-items:center;gap:12px;flex-wrap:wrap}}
main{{max-width:960px;margin:0 auto;padding:16px}}img{{width:100%;height:auto;display:block}}
.buy{{display:flex;gap:16px;align-items:center;flex-wrap:wrap}}.price{{font-size:1.6em;font-weight:700}}</style></head>
<body><header><strong>WTW Winkel</strong>{badge}</header>
<main><h1>Zehnder ComfoAir Q350 warmteterugwinunit</h1>
<img src="/product.svg" width="960" height="540" alt="De ComfoAir Q350">
<div class="buy"><span class="price">€ 2.499</span>{stars}</div>
<p>{text}</p><p>{text}</p><p>{text}</p></main>
<footer>{footer}<p>WTW Winkel · Klantenservice · Verzending en retour</p></footer></body></html>"""
TEXT = (
    "De ComfoAir Q350 ventileert een woning tot ongeveer 350 m³/h en wint tot 95% van de warmte uit de "
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


def pages(folder: Path, service: str, shop: Shop) -> None:
    """The product page without widgets, and with the badge, star snippet and footer pasted three ways."""
    (folder / "product.svg").write_text(IMAGE)
    (folder / "without.html").write_text(PRODUCT.format(badge="", stars="", footer="", text=TEXT))
    for name, make in (("with", embed_snippet), ("plain", plain_snippet), ("iframes", iframe_snippet)):
        widgets = {w: make(service, shop, w, "nl", {}) for w in ("badge", "stars", "footer")}
        widgets["badge"] = f'<div style="width:260px">{widgets["badge"]}</div>'
        widgets["stars"] = f'<div style="width:320px">{widgets["stars"]}</div>'
        (folder / f"{name}.html").write_text(PRODUCT.format(**widgets, text=TEXT))


def lighthouse(url: str, out: Path) -> dict[str, float]:
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
    audits = json.loads(out.read_text())["audits"]
    return {
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
    }


def install() -> None:
    if (NODE / "node_modules" / ".bin" / "lighthouse").exists():
        return
    NODE.mkdir(parents=True, exist_ok=True)
    subprocess.run(["npm", "i", "-E", "--no-audit", "--no-fund", f"lighthouse@{LIGHTHOUSE}"], cwd=NODE, check=True)


def write_section(body: str) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text()
    pattern = re.compile(rf"{re.escape(SECTION)}\n.*?(?=\n## |\Z)", re.S)
    text = pattern.sub(lambda _: body.rstrip("\n"), text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + body
    path.write_text(text.rstrip("\n") + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", default="without,with,plain,iframes")
    parser.add_argument("--keep", action="store_true", help="keep the reports (prints their folder)")
    args = parser.parse_args()
    install()
    with tempfile.TemporaryDirectory(prefix="tw-lighthouse-") as temp:
        folder = Path(temp) if not args.keep else Path(tempfile.mkdtemp(prefix="tw-lighthouse-"))
        subprocess.run([*CLI, "--data", str(folder / "data"), "demo"], check=True, cwd=ROOT, capture_output=True)
        port = free_port()
        service = Server(
            [*CLI, "--data", str(folder / "data"), "serve", "--port", str(port), "--as-of", AS_OF.isoformat()],
            f"http://127.0.0.1:{port}/healthz",
        )
        site = folder / "site"
        site.mkdir()
        store = open_store(folder / "data")
        shop = store.shop("wtw-winkel")
        store.close()
        assert shop is not None
        pages(site, f"http://127.0.0.1:{port}", shop)
        handler = functools.partial(Quiet, directory=str(site))
        host = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=host.serve_forever, daemon=True).start()
        base = f"http://localhost:{host.server_port}"  # another site than the widgets' 127.0.0.1
        results: dict[str, list[dict[str, float]]] = {name: [] for name in args.pages.split(",")}
        try:
            for run in range(args.runs):
                for name in results:
                    results[name].append(lighthouse(f"{base}/{name}.html", folder / f"{name}-{run}.json"))
        finally:
            host.shutdown()
            host.server_close()
            service.stop()
    for name, runs in results.items():
        print(name, [round(r["lcp"]) for r in runs], [round(r["tbt"]) for r in runs])
    median = {
        name: {k: statistics.median(r[k] for r in runs) for k in ("lcp", "tbt", "cls")}
        for name, runs in results.items()
    }
    labels = {
        "without": "product page, no widgets",
        "with": "the preview's snippet (loader after the page has loaded)",
        "plain": "plain `<script async>` snippet",
        "iframes": "iframe-only snippets",
    }
    base_lcp, base_tbt = median["without"]["lcp"], median["without"]["tbt"]
    rows = "\n".join(
        f"| {labels[name]} | {m['lcp']:,.0f} ms | {m['lcp'] - base_lcp:+,.0f} ms | {m['tbt']:,.0f} ms | "
        f"{m['tbt'] - base_tbt:+,.0f} ms | {m['cls']:.3f} |"
        for name, m in median.items()
    )
    runs = "\n".join(
        f"- {labels[name]}: LCP "
        + ", ".join(f"{r['lcp']:,.0f}" for r in results[name])
        + " ms; TBT "
        + ", ".join(f"{r['tbt']:,.0f}" for r in results[name])
        + " ms"
        for name in median
    )
    body = f"""{SECTION}

Measured {date.today().isoformat()} with `python -m bench.lighthouse --runs {args.runs}`: Lighthouse {LIGHTHOUSE},
mobile profile (simulated throttling), Debian's Chromium, median of {args.runs} runs per page, the pages
taking turns. A product page (image, price, text) is served from `localhost`; the badge in its
header, the star snippet beside the price and the footer widget come from the service on
`127.0.0.1` (another site, as for a real shop). Goal: LCP +≤ 50 ms, TBT +≤ 20 ms.

| page | LCP | vs none | TBT | vs none | CLS |
|---|---:|---:|---:|---:|---:|
{rows}

Each run, in the order taken (the simulation is bimodal on this page even without widgets:
about 750 ms or 900 ms):

{runs}

Lighthouse's simulation counts every request that starts before the page's largest paint, and a
request to a new host costs a mobile page about half a second there. The preview's snippet
therefore loads the loader only after the page's `load` event, 250 ms and an idle period later;
the loader then makes one frame per task, as slots near the viewport. The plain script tag is
still offered for pages whose Content-Security-Policy forbids inline scripts.
"""
    print(body)
    write_section(body)


if __name__ == "__main__":
    main()
