"""A realistic, generated demo data set: no real person's data, the same for the same seed."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from .core.dates import format_timestamp

SHOPS: list[dict[str, Any]] = [
    {
        "id": "wtw-winkel",
        "name": "WTW Winkel",
        "locales": ["nl", "en"],
        "default_locale": "nl",
        "source": "Trustpilot",
        "policy_url": "https://www.example.nl/reviews-en-klantbeoordelingen",
        "accent": "#00b67a",
        "carousel_count": 10,
        "variants": [{"name": "dark-positive", "theme": "dark", "stars": "4,5"}],
    },
    {
        "id": "greenvent",
        "name": "GreenVent Supplies",
        "locales": ["en", "nl"],
        "default_locale": "en",
        "source": "Trusted Shops",
        "policy_url": "https://shop.example.com/about/reviews",
        "accent": "#f5a400",
        "jsonld": True,
    },
]

FIRST = [
    "Jan",
    "Sanne",
    "Pieter",
    "Fleur",
    "Kees",
    "Anouk",
    "Bram",
    "Lotte",
    "Daan",
    "Noor",
    "Henk",
    "Ilse",
    "Ruud",
    "Marloes",
    "Wim",
    "Femke",
    "Joost",
    "Eva",
    "Tom",
    "Karin",
]
LAST = ["V.", "B.", "de J.", "K.", "van D.", "M.", "S.", "de G.", "H.", "P.", "W.", "T.", "van L."]
FIRST_EN = [
    "Oliver",
    "Amelia",
    "Harry",
    "Isla",
    "George",
    "Ava",
    "Noah",
    "Mia",
    "Jack",
    "Grace",
    "Leo",
    "Emily",
    "Arthur",
    "Lily",
    "Oscar",
    "Sophie",
]
LAST_EN = ["S.", "J.", "W.", "B.", "T.", "R.", "H.", "C.", "M.", "E."]

NL: dict[int, list[tuple[str, str]]] = {
    5: [
        (
            "Snel geleverd en goed advies",
            "De Zehnder ComfoAir Q350 was binnen twee dagen in huis. Vooraf telefonisch goed geadviseerd over de juiste maat voor ons huis.",
        ),
        (
            "Top service!",
            "Bestelling & levering verliepen vlot. De filters passen precies en de prijs/kwaliteit is > verwachting.",
        ),
        (
            "Aanrader",
            "Vragen over de aansluiting van de Brink Flair 325 werden dezelfde dag beantwoord. Installatie ging daardoor zonder problemen.",
        ),
        ("Prima webshop", "Duidelijke site, alle onderdelen op voorraad en netjes verpakt."),
        (
            "Heel tevreden",
            "Na 12 jaar onze oude WTW-unit vervangen. De monteur die ze aanraadden was vakkundig en het huis is merkbaar frisser. We slapen beter en de filters kunnen we nu zelf bestellen met een abonnement, wat ons een hoop gedoe scheelt. Ook de uitleg over de bypass in de zomer was erg nuttig. Kortom: een bedrijf dat weet waar het over praat en dat ook na de verkoop bereikbaar blijft.",
        ),
    ],
    4: [
        (
            "Goed product, levering kon sneller",
            "De Itho HRU ECO 350 werkt prima, maar de levering duurde een week langer dan aangegeven.",
        ),
        ("Fijne afhandeling", "Kleine vraag over de garantie werd netjes opgelost. Verpakking was wel wat beschadigd."),
        ("Goede filters", "Passen goed, iets duurder dan elders maar wel snel geleverd."),
    ],
    3: [
        ("Redelijk", "Product is goed, maar de handleiding was alleen in het Duits en Engels."),
        ("Gemiddeld", "Levering verliep goed, de klantenservice was lastig bereikbaar."),
    ],
    2: [
        ("Verkeerd onderdeel ontvangen", "Ik kreeg een verkeerd filtertype. Omruilen kostte veel mailen."),
    ],
    1: [
        ("Teleurgesteld", "Na drie weken nog steeds niets ontvangen en geen reactie op mijn e-mails."),
    ],
}
EN: dict[int, list[tuple[str, str]]] = {
    5: [
        (
            "Great advice, fast delivery",
            "Ordered a heat-recovery unit for our new build. Clear advice on sizing and it arrived in two days.",
        ),
        ("Excellent", "Replacement filters arrived the next day and fit perfectly. Will order again."),
        (
            "Very helpful team",
            'They answered all my questions about ducting before I bought. Installation was straightforward thanks to their "quick start" sheet.',
        ),
    ],
    4: [
        ("Good value", "Good unit at a fair price. Delivery took a few days longer than expected."),
        ("Solid service", "Small hiccup with the invoice, sorted out quickly by support."),
    ],
    3: [("OK", "The product is fine, but the manual could be clearer about the bypass settings.")],
    2: [("Slow reply", "It took a week to get an answer about my order status.")],
    1: [("Not received", "My order never arrived and I had to ask for a refund.")],
}
# Product reviews speak of the product itself (a shop review's text may name another model).
PRODUCT_NL: dict[int, list[tuple[str, str]]] = {
    5: [
        ("Stil en zuinig", "Je hoort hem nauwelijks, ook niet op de hoogste stand. Het huis is merkbaar frisser."),
        ("Doet wat het belooft", "Eenvoudig te installeren en de bediening is duidelijk."),
    ],
    4: [("Goed product", "Werkt prima; de handleiding had wat uitgebreider gemogen.")],
    3: [("Redelijk", "Doet zijn werk, maar op stand 3 hoorbaar in de slaapkamer.")],
    2: [("Matig", "Na een paar weken een tikkend geluid; de fabrikant kijkt ernaar.")],
    1: [("Defect", "Werkte na twee dagen niet meer.")],
}
PRODUCT_EN: dict[int, list[tuple[str, str]]] = {
    5: [("Quiet and efficient", "You barely hear it, even on the highest setting."), ("Does the job", "Easy to fit.")],
    4: [("Good product", "Works well; the manual could say more.")],
    3: [("Fair", "Does its job, but audible in the bedroom on setting 3.")],
    2: [("So-so", "A ticking noise after a few weeks; the maker is looking into it.")],
    1: [("Faulty", "Stopped working after two days.")],
}
REPLIES_NL = {
    "low": "Vervelend dat het zo gelopen is. We hebben contact met u opgenomen om dit op te lossen.",
    "high": "Dank voor uw review! Veel plezier met de nieuwe unit.",
}
REPLIES_EN = {
    "low": "We are sorry to hear this. Our support team has contacted you to put it right.",
    "high": "Thank you for your kind words!",
}
RATINGS = (5, 4, 3, 2, 1)
WEIGHTS = (62, 22, 7, 4, 5)


def _verification(roll: float, shop: str) -> str:
    """A tenth imported; some Trustpilot reviews not verified (the platform published them without a purchase)."""
    if roll < 0.10:
        return "imported"
    return "unverified" if roll >= 0.96 and shop == "wtw-winkel" else "verified"


def _review(rng: random.Random, shop: str, n: int, anchor: date, english_first: bool) -> dict[str, Any]:
    english = rng.random() < (0.75 if english_first else 0.15)
    rating = rng.choices(RATINGS, WEIGHTS)[0]
    title, text = rng.choice((EN if english else NL)[rating])
    given = datetime.combine(anchor - timedelta(days=rng.randrange(0, 548)), time(), UTC)
    given += timedelta(seconds=rng.randrange(8 * 3600, 22 * 3600))
    experienced = given.date() - timedelta(days=rng.randrange(0, 40))
    first, last = (FIRST_EN, LAST_EN) if english else (FIRST, LAST)
    roll = rng.random()
    review: dict[str, Any] = {
        "id": f"{shop}-{n:04d}",
        "shop": shop,
        "rating": rating,
        "title": title,
        "text": text,
        "author": f"{rng.choice(first)} {rng.choice(last)}",
        "email": f"customer{n}@example.{'com' if english else 'nl'}",
        "language": "en" if english else "nl",
        "experienced_at": experienced.isoformat(),
        "created_at": format_timestamp(given),
        "verification": _verification(roll, shop),
        "status": "removed" if 0.10 <= roll < 0.13 else "flagged" if 0.13 <= roll < 0.16 else "published",
    }
    if rating <= 2 or rng.random() < 0.08:
        replies = REPLIES_EN if english else REPLIES_NL
        reply_at = given + timedelta(hours=rng.randrange(2, 72))
        review["reply"] = {
            "text": replies["low" if rating <= 3 else "high"],
            "created_at": format_timestamp(reply_at),
        }
    return review


# Made-up products (made-up GTINs with valid check digits).
PRODUCTS: dict[str, list[dict[str, str]]] = {
    "wtw-winkel": [
        {"sku": "ZEH-Q350", "name": "Zehnder ComfoAir Q350", "gtin": "4012345000009"},
        {"sku": "BRINK-FLAIR-300", "name": "Brink Flair 300", "gtin": "4012345000016"},
        {"sku": "FILTER-G4-F7", "name": "Filterset G4/F7"},
    ],
    "greenvent": [
        {"sku": "GV-DUCT-125", "name": "Insulated duct 125 mm, 10 m"},
        {"sku": "GV-VALVE-100", "name": "Supply valve 100 mm", "gtin": "4012345000023"},
    ],
}


def demo_document(anchor: date, seed: int = 2161) -> dict[str, Any]:
    """Two shops with reviews spread over the 18 months before `anchor`, and a few products."""
    rng = random.Random(seed)
    reviews = [_review(rng, "wtw-winkel", n, anchor, False) for n in range(1, 341)]
    reviews += [_review(rng, "greenvent", n, anchor, True) for n in range(1, 121)]
    products = random.Random(seed + 1)  # its own sequence: the shops' reviews stay as they were
    for shop, items in PRODUCTS.items():
        for index, item in enumerate(items):
            for n in range(1, 9 + 6 * (len(items) - index)):
                review = _review(products, shop, 1000 + 100 * index + n, anchor, shop == "greenvent")
                review["id"] = f"{shop}-{item['sku'].lower()}-{n:03d}"
                texts = PRODUCT_EN if review["language"] == "en" else PRODUCT_NL
                review["title"], review["text"] = products.choice(texts[review["rating"]])
                review["product"] = {**item, "url": f"https://www.example.nl/p/{item['sku'].lower()}"}
                reviews.append(review)
    shops = [dict(shop) for shop in SHOPS]
    # The platform's own score as a shop would read it from Trustpilot (made up, like the rest).
    shops[0]["platform"] = {
        "name": "Trustpilot",
        "score_name": "TrustScore",
        "score": "4.6",
        "review_count": 1234,
        "profile_url": "https://www.trustpilot.com/review/www.example.nl",
        "read_on": anchor.isoformat(),
    }
    return {"shops": shops, "reviews": reviews}
