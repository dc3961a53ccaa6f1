"""Two realistic Trustpilot shops for browser tests and docs/screenshots, loaded through the real
platform import: `groenhuis` (35 reviews in a Trustpilot API response, TrustScore 4,6 over 1,234)
and `luchtwerk` (the same Trustpilot profile plus 12 Google reviews, Google 4,1 over 87).

The responses follow the documented shapes of tests/data/platforms (fields we read, nothing
invented); texts come from the demo's Dutch and English sets, dates step back from `anchor`.
"""

from __future__ import annotations

import io
import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import orjson

from widget_server.demo import EN, NL, REPLIES_NL
from widget_server.sources.importer import import_document
from widget_server.sources.platform_import import Input, import_platform
from widget_server.store.sqlite import Store

LOCALES = ("en", "nl")
SHOPS = [
    {
        "id": shop_id,
        "name": name,
        "locales": ["nl", "en"],
        "default_locale": "nl",
        "source": "Trustpilot",
        "policy_url": f"https://www.{shop_id}.example/reviews",
        "accent": "#00b67a",
        "language_filter": "all",
    }
    for shop_id, name in (("groenhuis", "Groenhuis Ventilatie"), ("luchtwerk", "Luchtwerk"), ("nieuw", "Nieuw"))
]  # nieuw: a shop that has no review yet
FIRST = ["Jan", "Sanne", "Pieter", "Fleur", "Kees", "Anouk", "Bram", "Lotte", "Daan", "Noor", "Henk", "Ilse"]
LAST = ["de Vries", "Bakker", "Jansen", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos", "Vos"]
RATINGS = (5, 5, 5, 5, 4, 5, 4, 3, 5, 1, 5, 4, 2)  # a Trustpilot profile's usual mix, mostly fives
GOOGLE_STARS = {1: "ONE", 2: "TWO", 3: "THREE", 4: "FOUR", 5: "FIVE"}


def _when(anchor: date, days: int, rng: random.Random) -> str:
    moment = datetime.combine(anchor - timedelta(days=days), time(), UTC) + timedelta(
        seconds=rng.randrange(8 * 3600, 21 * 3600)
    )
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def trustpilot_response(anchor: date, count: int = 35, seed: int = 22) -> dict[str, Any]:
    rng = random.Random(seed)
    reviews = []
    for n in range(count):
        rating = RATINGS[n % len(RATINGS)]
        english = n % 7 == 3
        texts = (EN if english else NL)[rating]
        title, text = texts[(n // len(RATINGS) + n) % len(texts)]  # each text in turn: a profile rarely repeats itself
        created = _when(anchor, 2 + n * 9 + rng.randrange(0, 5), rng)
        review: dict[str, Any] = {
            "id": f"tp{seed:02d}{n:04d}a9e80d1f2a4b71",
            "consumer": {"displayName": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "numberOfReviews": 1},
            "stars": rating,
            "title": title,
            "text": text,
            "language": "en" if english else "nl",
            "createdAt": created,
            "experiencedAt": created[:10] + "T00:00:00Z",
            "isVerified": n % 9 != 4,  # a few organic reviews: published without a purchase check
            "status": "active",
        }
        if rating <= 2 or n % 5 == 0:
            reply_at = created[:10] + "T21:30:00Z"
            review["companyReply"] = {"text": REPLIES_NL["low" if rating <= 3 else "high"], "createdAt": reply_at}
        reviews.append(review)
    return {"reviews": reviews, "links": []}


def business_unit(profile: str) -> dict[str, Any]:
    return {
        "id": "64f1a2b3c4d5e6f708192a3b",
        "displayName": "Groenhuis Ventilatie",
        "score": {"trustScore": 4.6, "stars": 4.5},
        "numberOfReviews": {"total": 1234, "usedForTrustScoreCalculation": 1180},
        "links": [{"href": profile, "method": "GET", "rel": "profileUrl"}],
    }


def google_response(anchor: date, count: int = 12, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    reviews = []
    for n in range(count):
        rating = RATINGS[(n + 3) % len(RATINGS)]
        _, text = NL[rating][(n + 1) % len(NL[rating])]
        created = _when(anchor, 5 + n * 23, rng)
        reviews.append(
            {
                "reviewId": f"g{seed}{n:04d}AbFvOqnX3kR8tY2mWq7pLz9c",
                "reviewer": {
                    "displayName": f"{rng.choice(FIRST)} {rng.choice(LAST).split()[-1][0]}.",
                    "isAnonymous": False,
                },
                "starRating": GOOGLE_STARS[rating],
                "comment": text,
                "createTime": created,
                "updateTime": created,
            }
        )
    return {"reviews": reviews, "averageRating": 4.1, "totalReviewCount": 87}


def _feed(store: Store, format_name: str, shop: str, body: dict[str, Any], read_on: date, profile: str = "") -> None:
    source = Input(f"{shop}.{format_name}.json", io.BytesIO(orjson.dumps(body)))
    report = import_platform(
        store, format_name, shop, [source], read_on=read_on, available_locales=LOCALES, profile_url=profile
    )
    assert report.rejected == 0, (shop, format_name)


def load(store: Store, anchor: date) -> None:
    """Both shops into `store`, each through the platforms' own formats as a shop would import them."""
    assert not import_document(store, {"shops": SHOPS, "reviews": []}, available_locales=LOCALES).rejected
    for shop in ("groenhuis", "luchtwerk"):
        profile = f"https://nl.trustpilot.com/review/www.{shop}.example"
        _feed(store, "trustpilot", shop, trustpilot_response(anchor, seed=22 if shop == "groenhuis" else 23), anchor)
        _feed(store, "trustpilot-business-unit", shop, business_unit(profile), anchor)
    _feed(store, "google", "luchtwerk", google_response(anchor), anchor, "https://maps.google.com/?cid=4827361950")


def open_loaded(folder: Path, anchor: date) -> Store:
    store = Store.open(folder)
    load(store, anchor)
    return store
