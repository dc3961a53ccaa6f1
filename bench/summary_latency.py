"""Median and p99 time of one shop summary, over every shop of a store.

python -m bench.summary_latency DATA_DIR      prints: MEDIAN_MS P99_MS
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date

from widget_server.core.rules import score_window
from widget_server.core.summary import build_summary
from widget_server.store.open import open_store


def main() -> None:
    store = open_store(sys.argv[1])
    times = []
    for shop, _ in store.shops():
        started = time.perf_counter()
        as_of = date(2026, 11, 23)
        build_summary(shop, store.window_counts(shop.id, score_window(as_of)), as_of)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(statistics.median(times), times[int(len(times) * 0.99) - 1])


if __name__ == "__main__":
    main()
