"""Bad import inputs, as tables: each row a file's name and bytes, the exit code and message the
import must give, and the review ids stored afterwards. tests/test_import_bad_input.py runs them
through the import command; tests/test_push.py pushes the platform rows and the huge numbers."""

import codecs
import json

from tests.factories import SHOP, review

GOOD = json.dumps(review(id="new-good"))


def jsonl(*lines):
    return ("\n".join(lines) + "\n").encode()


CSV_HEADER = "id,shop,rating,author,email,created_at,verification,language\n"
CASES = [
    # name, file name, content, exit code, message, ids stored afterwards (besides "kept")
    ("truncated json", "in.json", b'{"reviews": [{"id": "x"', 2, "not valid JSON (line 1", set()),
    ("json not an object", "in.json", b'"reviews"', 2, 'expected an object with "shops" and "reviews"', set()),
    (
        "a trustpilot file without --format",
        "in.json",
        json.dumps({"reviews": [{"id": "tp1", "stars": 5, "consumer": {"displayName": "Jan"}}], "links": []}).encode(),
        2,
        'expected an object with "shops" and "reviews" lists; nothing was stored\n'
        "this looks like a Trustpilot export: try --format trustpilot --shop SHOP\n",
        set(),
    ),
    (
        "wrong type of rating",
        "in.jsonl",
        jsonl(json.dumps(review(id="t", rating="5")), GOOD),
        1,
        ":1: review 't': rating must be a whole number from 1 to 5 (got '5')",
        {"new-good"},
    ),
    (
        "wrong type of text",
        "in.jsonl",
        jsonl(json.dumps(review(id="t", text=["a"])), GOOD),
        1,
        "review 't': text must be text",
        {"new-good"},
    ),
    (
        "null rating",
        "in.jsonl",
        jsonl(json.dumps(review(id="t", rating=None)), GOOD),
        1,
        "rating must be a whole number from 1 to 5 (got missing)",
        {"new-good"},
    ),
    (
        "a product url that is not unicode",  # a lone surrogate passed the check and failed the store
        "in.jsonl",
        jsonl(json.dumps(review(id="t", product={"sku": "p1", "name": "Pomp", "url": "https://x.nl/\ud800"})), GOOD),
        1,
        ":1: review 't': product url must be an http(s) URL",
        {"new-good"},
    ),
    ("utf-8 bom", "in.jsonl", codecs.BOM_UTF8 + jsonl(GOOD), 0, "1 review new or updated", {"new-good"}),
    (
        "csv with bom",
        "in.csv",
        codecs.BOM_UTF8 + (CSV_HEADER + "c1,wtw-winkel,5,Jan,j@example.nl,2026-10-01T00:00:00Z,verified,nl\n").encode(),
        0,
        "1 review new or updated",
        {"c1"},
    ),
    (
        "utf-16 file",
        "in.jsonl",
        codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le"),
        2,
        "UTF-16 or UTF-32; save it as UTF-8",
        set(),
    ),
    (
        "latin-1 line",
        "in.jsonl",
        jsonl(json.dumps(review(id="l", author="Jos")).replace("Jos", "Jos\\u00e9"), GOOD).replace(
            b"Jos\\u00e9", "José".encode("latin-1")
        ),
        1,
        ":1: not UTF-8 text",
        {"new-good"},
    ),
    (
        "latin-1 csv",
        "in.csv",
        (CSV_HEADER + "c1,wtw-winkel,5,José,j@example.nl,2026-10-01T00:00:00Z,verified,nl\n").encode("latin-1"),
        2,
        "not UTF-8 text near line 2",
        set(),
    ),
    (
        "duplicate ids",
        "in.jsonl",
        jsonl(GOOD, json.dumps(review(id="new-good", title="again"))),
        1,
        ":2: review 'new-good': duplicate id in this import (first at",
        {"new-good"},
    ),
    (
        "csv missing columns",
        "in.csv",
        b"id,shop,rating\nx,wtw-winkel,5\n",
        2,
        "missing column(s) author, created_at, verification",
        set(),
    ),
    ("csv short row", "in.csv", (CSV_HEADER + "c1,wtw-winkel,5\n").encode(), 1, ":2: expected 8 columns", set()),
    (
        "unknown field",
        "in.jsonl",
        jsonl(json.dumps({**review(id="u"), "ratng": 5}), GOOD),
        1,
        "review 'u': unknown review field 'ratng'",
        {"new-good"},
    ),
    ("unknown csv column", "in.csv", (CSV_HEADER.strip() + ",stars\n").encode(), 2, "unknown column(s) stars", set()),
    (  # issue 23: an unknown name is masked like an unknown value (records.shown_name)
        "unknown csv column named like an email",
        "in.csv",
        (CSV_HEADER.strip() + ",stars,jan.jansen@example.com\n").encode(),
        2,
        "unknown column(s) stars, a name of 22 characters",
        set(),
    ),
    (
        "unknown field named like an email",
        "in.jsonl",
        jsonl(json.dumps({**review(id="u"), "jan.jansen@example.com": 5}), GOOD),
        1,
        "review 'u': unknown review field a name of 22 characters",
        {"new-good"},
    ),
    *[  # issue 23: a platform's profile link is https on its own hosts; another platform's https only
        (
            f"a shop record's {name} profile at {url}",
            "in.json",
            json.dumps(
                {
                    "shops": [
                        {
                            **SHOP,
                            "platforms": [
                                {
                                    "name": name,
                                    "score": "4.9",
                                    "review_count": 9,
                                    "profile_url": url,
                                    "read_on": "2026-11-20",
                                }
                            ],
                        }
                    ]
                }
            ).encode(),
            1,
            f"shop 'wtw-winkel': platform: the {name} profile URL must be {rule}",
            set(),
        )
        for name, url, rule in [
            ("Trustpilot", "https://phish.example/trustpilot-login", "an https link on trustpilot.com"),
            ("Trustpilot", "https://trustpilot.com.evil.example/review/x", "an https link on trustpilot.com"),
            ("Trustpilot", "http://www.trustpilot.com/review/x", "an https URL"),
            ("Google", "https://attacker.example/", "an https link on maps.google.com"),
            ("Trusted Shops", "javascript:alert(1)", "an https URL"),
            ("Kiyoh", "http://www.kiyoh.com/x", "an https URL"),
            ("Kiyoh", "data:text/html,x", "an https URL"),
        ]
    ],
    (  # issue 23, point 9: which of two columns of one name would count is anyone's guess
        "csv with two email columns",
        "in.csv",
        (
            CSV_HEADER.strip()
            + ",email\nc1,wtw-winkel,5,Jan,j@example.nl,2026-10-01T00:00:00Z,verified,nl,x@example.nl\n"
        ).encode(),
        2,
        "in.csv: the header names column email twice",
        set(),
    ),
    (
        "csv with a column named like an email twice",
        "in.csv",
        (CSV_HEADER.strip() + ",jan@example.nl,jan@example.nl\n").encode(),
        2,
        "the header names column a name of 14 characters twice",
        set(),
    ),
    ("missing file", "absent.json", None, 2, "no such file", set()),
    ("not json or csv", "in.xml", b"<reviews/>", 2, "not a .json, .jsonl or .csv file", set()),
    ("empty jsonl", "in.jsonl", b"", 0, "0 reviews new or updated", set()),
    # Issue 10: what one stranger's row must not do to the rest.
    *[
        (
            f"lone surrogate in {field}",
            "in.jsonl",
            jsonl(json.dumps(review(id="s", **{field: "a\ud800b"})), GOOD),
            1,
            f"review 's': {field} is not valid Unicode (it holds an unpaired surrogate)",
            {"new-good"},
        )
        for field in ("title", "text", "author")
    ],
    (
        "lone surrogate in the id",
        "in.jsonl",
        jsonl(json.dumps(review(id="s\ud800")), GOOD),
        1,
        ":1: id is not valid Unicode",
        {"new-good"},
    ),
    (
        "lone surrogate in a reply",
        "in.jsonl",
        jsonl(json.dumps(review(id="s", reply={"text": "\udfff", "created_at": "2026-10-02T00:00:00Z"})), GOOD),
        1,
        "review 's': text is not valid Unicode",
        {"new-good"},
    ),
    *[
        (
            f"created_at {moment}",
            "in.jsonl",
            jsonl(json.dumps(review(id="t", created_at=moment, experienced_at=None)), GOOD),
            1,
            reason,
            {"new-good"},
        )
        for moment, reason in [
            ("0001-01-01T00:00:00+14:00", "created_at is outside the calendar once converted to UTC"),
            ("9999-12-31T23:59:59-12:00", "created_at is outside the calendar once converted to UTC"),
            ("9999-12-31T00:00:00Z", "created_at must fall in the years 1900–2999"),
            ("1899-12-31T23:59:59Z", "created_at must fall in the years 1900–2999"),
        ]
    ],
    (
        "experienced_at in the year 9999",
        "in.jsonl",
        jsonl(json.dumps(review(id="t", experienced_at="9999-06-01", created_at="9999-07-01T00:00:00Z")), GOOD),
        1,
        "created_at must fall in the years 1900–2999",
        {"new-good"},
    ),
    (
        "a line nesting 5,000 objects",
        "in.jsonl",
        jsonl('{"a":' * 5000 + "1" + "}" * 5000, GOOD),
        1,
        ":1: nests deeper than 100 levels",
        {"new-good"},
    ),
    (
        "a line nesting 101 lists",
        "in.jsonl",
        jsonl(json.dumps({**review(id="n"), "text": [[[]]]}).replace("[[[]]]", "[" * 101 + "]" * 101), GOOD),
        1,
        ":1: nests deeper than 100 levels",
        {"new-good"},
    ),
    (
        "a json file nesting 5,000 lists",
        "in.json",
        b'{"reviews": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        2,
        "the JSON nests deeper than 100 levels",
        set(),
    ),
    (
        "an author that is an email address",
        "in.jsonl",
        jsonl(json.dumps(review(id="e", author="jan.devries@example.nl")), GOOD),
        1,
        "review 'e': author looks like an email address",
        {"new-good"},
    ),
    (
        "an email where the verification goes",
        "in.jsonl",
        jsonl(json.dumps(review(id="v", verification="piet@example.nl")), GOOD),
        1,
        "verification must be one of verified, imported, unverified (got a text of 15 characters)",
        {"new-good"},
    ),
    (
        "an email where created_at goes",
        "in.jsonl",
        jsonl(json.dumps(review(id="c", created_at="piet@example.nl")), GOOD),
        1,
        "created_at is not an ISO 8601 date-time",
        {"new-good"},
    ),
    (
        "an email where the reply date goes",
        "in.jsonl",
        jsonl(json.dumps(review(id="r", reply={"text": "ok", "created_at": "piet@example.nl"})), GOOD),
        1,
        "reply created_at is not an ISO 8601 date-time",
        {"new-good"},
    ),
    (
        "an email as the id",
        "in.jsonl",
        jsonl(json.dumps(review(id="piet@example.nl", rating=9)), GOOD),
        1,
        ":1: id looks like an email address: a review's id is published with it",
        {"new-good"},
    ),
    (
        "csv with email and rating columns swapped",
        "in.csv",
        (
            CSV_HEADER.replace("rating,author,email", "email,author,rating") + "c1,wtw-winkel,5,Jan,piet@example.nl,"
            "2026-10-01T00:00:00Z,verified,nl\n"
        ).encode(),
        1,
        ":2: review 'c1': rating must be a whole number from 1 to 5 (got a text of 15 characters)",
        set(),
    ),
    *[
        (
            f"csv rating {digit!r}",
            "in.csv",
            (CSV_HEADER + f"c1,wtw-winkel,{digit},Jan,j@example.nl,2026-10-01T00:00:00Z,verified,nl\n").encode(),
            1,
            "rating must be a whole number from 1 to 5",
            set(),
        )
        for digit in ("５", "٥", "²", "05", "5.0", "6", "0")
    ],
    (
        "csv rating with spaces around it",
        "in.csv",
        (CSV_HEADER + "c1,wtw-winkel, 5 ,Jan,j@example.nl,2026-10-01T00:00:00Z,verified,nl\n").encode(),
        0,
        "1 review new or updated",
        {"c1"},
    ),
    (
        "csv with an unclosed quote",
        "in.csv",
        (
            CSV_HEADER
            + 'c1,wtw-winkel,5,"Jan,j@example.nl,2026-10-01T00:00:00Z,verified,nl\n'
            + "".join(f"c{n},wtw-winkel,5,Jan,j@example.nl,2026-10-01T00:00:00Z,verified,nl\n" for n in range(2, 40))
        ).encode(),
        1,
        "in.csv:2-40:",
        set(),
    ),
]


# Issue 23, point 1: one stranger's value in a platform format.
TP = {"id": "tp-good", "stars": 5, "consumer": {"displayName": "Jan"}, "createdAt": "2026-10-01T12:00:00Z"}
GG = {
    "reviewId": "g-good",
    "reviewer": {"displayName": "Jan"},
    "starRating": "FIVE",
    "createTime": "2026-10-01T12:00:00Z",
}
ET = {
    "id": "e-good",
    "rating": 5,
    "state": "APPROVED",
    "verificationType": "VERIFIED",
    "customer": {"firstName": "Jan"},
    "submittedAt": "2026-10-01T12:00:00Z",
}
HUGE = "1" * 5000  # past Python's 4,300-digit limit for turning text into an int
UNIT = '{"score": {"trustScore": %s}, "numberOfReviews": {"total": %s}}'


def page(key, *items):
    return json.dumps({key: list(items)}).encode()


PLATFORM_CASES = [
    # name, format, content, exit code, message, ids stored afterwards (besides "kept")
    *[
        (
            name,
            fmt,
            page(key, {**good, "id" if fmt != "google" else "reviewId": "bad", **bad}, good),
            1,
            reason,
            {good_id},
        )
        for name, fmt, key, good, good_id, bad, reason in [
            (
                "a trustpilot status list",
                "trustpilot",
                "reviews",
                TP,
                "tp-good",
                {"status": ["active"]},
                "review 'bad': status a list is not one we show",
            ),
            (
                "a google starRating list",
                "google",
                "reviews",
                GG,
                "g-good",
                {"starRating": ["FIVE"]},
                "review 'bad': starRating must be ONE to FIVE (got a list)",
            ),
            (
                "an etrusted state object",
                "etrusted",
                "items",
                ET,
                "e-good",
                {"state": {"a": 1}},
                "review 'bad': state an object is not an eTrusted review state we know",
            ),
            (
                "an etrusted verificationType list",
                "etrusted",
                "items",
                ET,
                "e-good",
                {"verificationType": ["VERIFIED"]},
                "review 'bad': verificationType a list is not VERIFIED or UNDEFINED",
            ),
        ]
    ],
    (
        "a 5,000-digit trustpilot stars",
        "trustpilot",
        page("reviews", {**TP, "id": "bad"}, TP).replace(b'"stars": 5', b'"stars": ' + HUGE.encode(), 1),
        1,
        "review 'bad': rating must be a whole number from 1 to 5 (got a number of 5,000 digits)",
        {"tp-good"},
    ),
    (
        "a 5,000-digit number in a json lines line",
        "google",
        (
            json.dumps({**GG, "reviewId": "bad", "comment": 0}).replace(": 0}", f": {HUGE}}}")
            + "\n"
            + json.dumps(GG)
            + "\n"
        ).encode(),
        1,
        ":1: review 'bad': text must be text",
        {"g-good"},
    ),
    (
        "a 5,000-digit google totalReviewCount",
        "google",
        json.dumps({"reviews": [GG], "averageRating": 4.5, "totalReviewCount": 0})
        .replace(": 0}", f": {HUGE}}}")
        .encode(),
        1,
        "the platform's score: totalReviewCount must be a whole number",
        {"g-good"},
    ),
    (
        "a google totalReviewCount of 10^20",
        "google",
        json.dumps({"reviews": [GG], "averageRating": 4.5, "totalReviewCount": 10**20}).encode(),
        1,
        "the platform's score: totalReviewCount must be a whole number from 0 to 1,000,000,000",
        {"g-good"},
    ),
    (
        "a non-UTF-8 byte on the first line",
        "google",
        b"[\x80]",
        2,
        "not UTF-8 text near line 1; nothing was stored",
        set(),
    ),
    *[
        (
            "a business unit " + body.replace(HUGE, "<5,000 digits>"),
            "trustpilot-business-unit",
            body.encode(),
            2,
            reason,
            set(),
        )
        for body, reason in [
            (UNIT % (4.5, "1e20"), "numberOfReviews.total must be a whole number"),
            (UNIT % (4.5, 10**20), "numberOfReviews.total must be a whole number from 0 to 1,000,000,000"),
            (UNIT % (4.5, -5), "numberOfReviews.total must be a whole number from 0 to 1,000,000,000 (got -5)"),
            (UNIT % (4.5, HUGE), "numberOfReviews.total must be a whole number from 0 to 1,000,000,000"),
            (UNIT % ("NaN", 5), "score.trustScore must be a number from 0 to 5 (got nan)"),
            (UNIT % ("1e30", 5), "score.trustScore must be a number from 0 to 5 (got 1e+30)"),
            (UNIT % ("Infinity", 5), "score.trustScore must be a number from 0 to 5 (got inf)"),
            (UNIT % ("-Infinity", 5), "score.trustScore must be a number from 0 to 5 (got -inf)"),
            (UNIT % ("1e400", 5), "score.trustScore must be a number from 0 to 5 (got inf)"),
            (UNIT % (HUGE, 5), "score.trustScore must be a number from 0 to 5 (got a number of 5,000 digits)"),
        ]
    ],
]


NATIVE_HUGE = [
    (
        "a 5,000-digit rating in json lines",
        "in.jsonl",
        jsonl(json.dumps(review(id="h", rating=0)).replace('"rating": 0', '"rating": ' + HUGE), GOOD),
        ":1: review 'h': rating must be a whole number from 1 to 5 (got a number of 5,000 digits)",
    ),
    (
        "a 5,000-digit rating in a json file",
        "in.json",
        json.dumps({"reviews": [review(id="h", rating=0), review(id="new-good")]})
        .replace('"rating": 0', '"rating": ' + HUGE)
        .encode(),
        "review 'h': rating must be a whole number from 1 to 5 (got a number of 5,000 digits)",
    ),
    (
        "a negative 5,000-digit number in an unknown field",
        "in.jsonl",
        jsonl(json.dumps({**review(id="h"), "x": 0}).replace('"x": 0', '"x": -' + HUGE), GOOD),
        "review 'h': unknown review field 'x'",
    ),
]
