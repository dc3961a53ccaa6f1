"""Review platforms' own formats, mapped to our native review objects (pure).

Each format turns one platform object into a native review dict (which records.parse_review
then checks like any other), or says why the object is skipped (not an error: a review still
in moderation) or rejected. The field names follow the platforms' public documentation; where
it differs from what one might expect, docs/import.md says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .dates import parse_timestamp
from .profiles import profile_url_problem
from .records import MAX_PLATFORM_COUNT, Invalid, shown


class Skipped(Exception):
    """The object is not imported yet, and that is not an error (the reason is safe to show)."""


@dataclass(frozen=True, slots=True)
class PlatformScore:
    """What a platform publishes about the shop as a whole (becomes the shop's `platform`)."""

    name: str
    score_name: str
    score: str
    review_count: int
    profile_url: str = ""
    scale: int = 5  # the best score: 5, or 10 for Kiyoh's

    def record(self, read_on: date) -> dict[str, Any]:
        return {
            "name": self.name,
            "score_name": self.score_name,
            "score": self.score,
            "scale": self.scale,
            "review_count": self.review_count,
            "profile_url": self.profile_url,
            "read_on": read_on.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class NoScore:
    """A platform's answer saying it has no score for the shop now (Kiyoh, when its 12 months
    hold no review): a score stored from an earlier answer goes, it is no longer the platform's."""

    name: str


@dataclass(frozen=True, slots=True)
class ReviewFormat:
    name: str
    platform: str  # as visitors know it
    containers: tuple[str, ...]  # the response's key(s) holding the list of reviews
    documented: frozenset[str]  # review fields the documentation names (others are listed as unknown)
    response_fields: frozenset[str]  # other top-level fields of a response page
    to_native: Callable[[Mapping[str, Any], str, str], dict[str, Any]]  # (object, shop, language)
    id_field: str  # the review field holding the platform's id (named in a rejected row's report)
    # The response's own score: None where the response has no figures, NoScore where they say none.
    score: Callable[[Mapping[str, Any]], PlatformScore | NoScore | None] | None = None


def _object(value: object, what: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise Invalid(f"{what} must be a JSON object")
    return value


def _named(value: object, allowed: Mapping[str, Any]) -> bool:
    """Whether a platform's value is one of the names a mapping knows: text only (a list or an
    object where a name belongs is refused as a wrong value, never looked up)."""
    return isinstance(value, str) and value in allowed


def _count(value: object, name: str) -> int:
    """A platform's review count: a whole number from 0 to MAX_PLATFORM_COUNT."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PLATFORM_COUNT:
        raise Invalid(f"{name} must be a whole number from 0 to {MAX_PLATFORM_COUNT:,} (got {shown(value)})")
    return value


def _score(value: object, name: str, low: int, high: int) -> int | float:
    """A platform's published score: a finite number from low to high (NaN and inf are not)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise Invalid(f"{name} must be a number from {low} to {high} (got {shown(value)})")
    return value


def _utc_date(value: object, name: str) -> str | None:
    """The UTC date of a date-time (or a date), as YYYY-MM-DD; None when absent."""
    if value in (None, ""):
        return None
    try:
        return parse_timestamp(value).date().isoformat()
    except ValueError as error:
        raise Invalid(f"{name} {error}") from None


def _reply(text: object, created_at: object) -> dict[str, Any] | None:
    if text in (None, "") and created_at in (None, ""):
        return None
    return {"text": text, "created_at": created_at}


# -- Trustpilot ---------------------------------------------------------------------------

TRUSTPILOT_STATUSES = {"active": "published", "reported": "flagged"}
TRUSTPILOT_FIELDS = frozenset(
    {
        "id",
        "stars",
        "title",
        "text",
        "language",
        "createdAt",
        "updatedAt",
        "experiencedAt",
        "consumer",
        "companyReply",
        "referralEmail",
        "referenceId",
        "isVerified",
        "verification",
        "reviewVerificationLevel",
        "status",
        "links",
        "location",
        "numberOfLikes",
        "complianceLabels",
        "countsTowardsTrustScore",
        "countsTowardsLocationTrustScore",
        "invitation",
        "businessUnit",
        "businessUnitHistory",
        "reportData",
        "tags",
        "source",
        "findReviewer",
        "hasUnhandledReports",
        "isRetracted",
    }
)


def trustpilot_review(obj: Mapping[str, Any], shop: str, language: str) -> dict[str, Any]:
    status = obj.get("status", "active")
    if not _named(status, TRUSTPILOT_STATUSES):
        raise Invalid(f"status {shown(status)} is not one we show: only active and reported reviews are imported")
    reply = _object(obj.get("companyReply"), "companyReply")
    return {
        "id": obj.get("id"),
        "shop": shop,
        "rating": obj.get("stars"),
        "title": obj.get("title"),
        "text": obj.get("text"),
        "author": _object(obj.get("consumer"), "consumer").get("displayName"),
        "email": obj.get("referralEmail") or None,
        "language": obj.get("language") or language,
        "created_at": obj.get("createdAt"),
        "experienced_at": _utc_date(obj.get("experiencedAt"), "experiencedAt"),
        "verification": "verified" if obj.get("isVerified") is True else "unverified",
        "status": TRUSTPILOT_STATUSES[status],
        "reply": _reply(reply.get("text"), reply.get("createdAt")),
    }


def trustpilot_business_unit(obj: Mapping[str, Any], profile_url: str = "") -> PlatformScore:
    """The shop's TrustScore and total review count from a business unit object."""
    score = _object(obj.get("score"), "score")
    total = _count(_object(obj.get("numberOfReviews"), "numberOfReviews").get("total"), "numberOfReviews.total")
    trust_score = _score(score.get("trustScore"), "score.trustScore", 0, 5)
    profile = profile_url or _profile_link(obj.get("links")) or _profile_from_domain(obj.get("name"))
    if profile and (problem := profile_url_problem("Trustpilot", profile)):
        raise Invalid(problem)
    return PlatformScore(
        name="Trustpilot",
        score_name="TrustScore",
        score=_published(trust_score, 1),
        review_count=total,
        profile_url=profile,
    )


def _profile_from_domain(name: object) -> str:
    """Trustpilot's public profile lives at /review/<identifying domain>."""
    identifying = name.get("identifying") if isinstance(name, Mapping) else None
    if isinstance(identifying, str) and re.fullmatch(r"[a-z0-9.-]{1,253}", identifying):
        return f"https://www.trustpilot.com/review/{identifying}"
    return ""


def _profile_link(links: object) -> str:
    """The public profile from a business unit's `links` (rel `profileUrl`, else `evaluateUrl`)."""
    if not isinstance(links, list):
        return ""
    found = {
        link["rel"]: link.get("href")
        for link in links
        if isinstance(link, Mapping) and isinstance(link.get("rel"), str)
    }
    for rel in ("profileUrl", "profile", "public-profile"):
        if isinstance(found.get(rel), str):
            return str(found[rel])
    return ""


def _published(value: int | float, decimals: int) -> str:
    """A platform's number as the platform shows it: one decimal for TrustScore and Google stars."""
    quantum = Decimal(1).scaleb(-decimals)
    return str(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))


# -- eTrusted (Trusted Shops) -----------------------------------------------------------

ETRUSTED_STATES = {"APPROVED": "published", "REJECTED": "removed", "DISCARDED": "removed"}
ETRUSTED_WAITING = ("MODERATION", "SUBMITTED")
ETRUSTED_VERIFICATION = {"VERIFIED": "verified", "UNDEFINED": "imported"}
ETRUSTED_FIELDS = frozenset(
    {
        "id",
        "_object",
        "accountRef",
        "channel",
        "channelRef",
        "rating",
        "title",
        "comment",
        "submittedAt",
        "createdAt",
        "updatedAt",
        "transaction",
        "customer",
        "verificationType",
        "state",
        "type",
        "reply",
        "product",
        "feedbackRef",
        "hasAttachments",
        "questionnaire",
        "questionnaireRef",
        "eventRef",
        "metadata",
        "veto",
        "additionalInformation",
        "inviteRef",
        "feedbackType",
        "event",
        "surveyData",
        "editedAt",
        "originalReview",
    }
)


def _etrusted_rating(value: object) -> int:
    """A whole rating: 5 and 5.0 are 5; 4.5 is refused (we never round a rating)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"rating must be a whole number from 1 to 5 (got {shown(value)})")
    return value


def _initial_name(customer: Mapping[str, Any]) -> object:
    """ "Jan D." from firstName Jan and lastName de Vries: the last name's first letter. With no
    firstName, a fullName's first word is the first name and the rest the last ("Jan de Vries")."""
    first, last = customer.get("firstName"), customer.get("lastName")
    full = customer.get("fullName")
    if (not isinstance(first, str) or not first.strip()) and isinstance(full, str) and full.split():
        first, *rest = full.split()
        last = rest[0] if rest else None
    if not isinstance(first, str) or not first.strip():
        return first
    if isinstance(last, str) and last.strip():
        return f"{first.strip()} {last.strip()[0].upper()}."
    return first.strip()


def _questionnaire_language(questionnaire: object) -> str | None:
    """The language of the questionnaire the customer answered: locale `nl_NL` is `nl-NL`."""
    locale = questionnaire.get("locale") if isinstance(questionnaire, Mapping) else None
    return locale.replace("_", "-") if isinstance(locale, str) and locale else None


def _etrusted_product(obj: Mapping[str, Any]) -> dict[str, Any] | None:
    """A PRODUCT_REVIEW's product: sku, name, gtin and url as the documentation names them."""
    if obj.get("type") != "PRODUCT_REVIEW":
        return None
    product = _object(obj.get("product"), "product")
    if not product:
        raise Invalid("a product review without its product")
    return {key: product.get(key) for key in ("sku", "name", "gtin", "url") if product.get(key) not in (None, "")}


def etrusted_review(obj: Mapping[str, Any], shop: str, language: str) -> dict[str, Any]:
    state = obj.get("state")
    if isinstance(state, str) and state in ETRUSTED_WAITING:
        raise Skipped(f"state {state}: not published yet")
    if not _named(state, ETRUSTED_STATES):
        raise Invalid(f"state {shown(state)} is not an eTrusted review state we know")
    verification = obj.get("verificationType")
    if not _named(verification, ETRUSTED_VERIFICATION):
        raise Invalid(f"verificationType {shown(verification)} is not VERIFIED or UNDEFINED")
    customer = _object(obj.get("customer"), "customer")
    reply = _object(obj.get("reply"), "reply")
    return {
        "id": obj.get("id"),
        "shop": shop,
        "rating": _etrusted_rating(obj.get("rating")),
        "title": obj.get("title"),
        "text": obj.get("comment"),
        "author": _initial_name(customer),
        "email": customer.get("email") or None,
        "language": _questionnaire_language(obj.get("questionnaire")) or language,
        "created_at": obj.get("submittedAt") or obj.get("createdAt"),
        "experienced_at": _utc_date(_object(obj.get("transaction"), "transaction").get("date"), "transaction.date"),
        "verification": ETRUSTED_VERIFICATION[str(verification)],
        "status": ETRUSTED_STATES[str(state)],
        "reply": _reply(reply.get("comment"), reply.get("createdAt")),
        **({"product": product} if (product := _etrusted_product(obj)) else {}),
    }


# -- Google Business Profile ------------------------------------------------------------

GOOGLE_STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
GOOGLE_FIELDS = frozenset(
    {
        "name",
        "reviewId",
        "reviewer",
        "starRating",
        "comment",
        "createTime",
        "updateTime",
        "reviewReply",
        "reviewMediaItems",
    }
)


def google_review(obj: Mapping[str, Any], shop: str, language: str) -> dict[str, Any]:
    reviewer = _object(obj.get("reviewer"), "reviewer")
    if reviewer.get("isAnonymous") is True or not reviewer.get("displayName"):
        raise Invalid("an anonymous reviewer: a review we show always names its author")
    stars = obj.get("starRating")
    if not _named(stars, GOOGLE_STARS):
        raise Invalid(f"starRating must be ONE to FIVE (got {shown(stars)})")
    reply = _object(obj.get("reviewReply"), "reviewReply")
    return {
        "id": obj.get("reviewId"),
        "shop": shop,
        "rating": GOOGLE_STARS[str(stars)],
        "text": obj.get("comment"),
        "author": reviewer.get("displayName"),
        "language": language,
        "created_at": obj.get("createTime"),
        "verification": "unverified",  # Google does not tie a review to a purchase
        "status": "published",
        "reply": _reply(reply.get("comment"), reply.get("updateTime")),
    }


def google_score(response: Mapping[str, Any]) -> PlatformScore | None:
    average, total = response.get("averageRating"), response.get("totalReviewCount")
    if average is None and total is None:
        return None
    return PlatformScore(
        name="Google",
        score_name="",
        score=_published(_score(average, "averageRating", 1, 5), 1),
        review_count=_count(total, "totalReviewCount"),
    )


# -- Kiyoh (KlantenVertellen) -----------------------------------------------------------

KIYOH_SCALE = 10
KIYOH_FIELDS = frozenset(
    {
        "reviewId",
        "reviewAuthor",
        "city",
        "rating",
        "reviewContent",
        "dateSince",
        "updatedSince",
        "reviewLanguage",
        "referenceCode",
        "comment",
        "locationId",
        "reviewComments",
    }
)
KIYOH_RESPONSE_FIELDS = frozenset(
    {
        "locationId",
        "locationName",
        "averageRating",
        "numberReviews",
        "last12MonthAverageRating",
        "last12MonthNumberReviews",
        "percentageRecommendation",
        "viewReviewUrl",
        "createReviewUrl",
    }
)


def _whole(value: object, name: str, high: int) -> int:
    """A whole rating from 1 to high: 8 and 8.0 are 8; 7.5 is refused (we never round a rating)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
        raise Invalid(f"{name} must be a whole number from 1 to {high} (got {shown(value)})")
    return value


def _answers(content: object) -> dict[str, object]:
    """A Kiyoh review's answers by question group (DEFAULT_OVERALL, DEFAULT_ONELINER, ...)."""
    if content is None:
        return {}
    if not isinstance(content, list):
        raise Invalid("reviewContent must be a list")
    found: dict[str, object] = {}
    for item in content:
        if isinstance(item, Mapping) and isinstance(item.get("questionGroup"), str):
            found.setdefault(item["questionGroup"], item.get("rating"))
    return found


def kiyoh_review(obj: Mapping[str, Any], shop: str, language: str) -> dict[str, Any]:
    """A Kiyoh review keeps its 1-10 score (scale 10): never converted to stars, never counted."""
    answers = _answers(obj.get("reviewContent"))
    overall = obj.get("rating") if obj.get("rating") is not None else answers.get("DEFAULT_OVERALL")
    reply = obj.get("comment")
    return {
        "id": obj.get("reviewId"),
        "shop": shop,
        "rating": _whole(overall, "rating", KIYOH_SCALE),
        "scale": KIYOH_SCALE,
        "title": answers.get("DEFAULT_ONELINER"),
        "text": answers.get("DEFAULT_OPINION"),
        "author": obj.get("reviewAuthor"),
        "language": obj.get("reviewLanguage") or language,
        "created_at": obj.get("dateSince"),
        # An invited review carries the shop's order reference: tied to a purchase.
        "verification": "verified" if obj.get("referenceCode") not in (None, "") else "unverified",
        "status": "published",
        # Kiyoh gives the reply no date of its own: the review's last change is the closest.
        "reply": _reply(reply, (obj.get("updatedSince") or obj.get("dateSince")) if reply not in (None, "") else None),
    }


def kiyoh_score(response: Mapping[str, Any]) -> PlatformScore | NoScore | None:
    """Kiyoh's own score: its average of the last 12 months, out of 10, and their count. None
    without the figures, and NoScore when the 12 months hold no review: an average of nothing is
    no score (Kiyoh's answer then holds 0), so none is shown, nor one read before."""
    average, total = response.get("last12MonthAverageRating"), response.get("last12MonthNumberReviews")
    if average is None and total is None:
        return None
    if _count(total, "last12MonthNumberReviews") == 0:
        return NoScore("Kiyoh")
    profile = response.get("viewReviewUrl")
    profile = profile if isinstance(profile, str) else ""
    if profile and (problem := profile_url_problem("Kiyoh", profile)):
        raise Invalid(problem)
    return PlatformScore(
        name="Kiyoh",
        score_name="",
        score=_published(_score(average, "last12MonthAverageRating", 0, KIYOH_SCALE), 1),
        review_count=_count(total, "last12MonthNumberReviews"),
        profile_url=profile,
        scale=KIYOH_SCALE,
    )


# -- The Feedback Company ---------------------------------------------------------------

FEEDBACKCOMPANY_FIELDS = frozenset(
    {
        "id",
        "date_created",
        "date_updated",
        "total_score",
        "recommends",
        "client",
        "questions",
        "product",
        "comment",
        "shop_comment",
    }
)


def _feedbackcompany_text(questions: object) -> object:
    """The review's words: the answer to the main open question (type `main_open`)."""
    if not isinstance(questions, list):
        return None
    for question in questions:
        if isinstance(question, Mapping) and question.get("type") == "main_open":
            return question.get("value")
    return None


def feedbackcompany_review(obj: Mapping[str, Any], shop: str, language: str) -> dict[str, Any]:
    if obj.get("product") not in (None, "", {}):
        raise Skipped("a product review: this feed imports the shop's reviews")
    review_id = obj.get("id")
    reply = obj.get("shop_comment")
    return {
        "id": str(review_id) if isinstance(review_id, int) and not isinstance(review_id, bool) else review_id,
        "shop": shop,
        "rating": _whole(obj.get("total_score"), "total_score", 5),
        "text": obj.get("comment") or _feedbackcompany_text(obj.get("questions")),
        "author": _object(obj.get("client"), "client").get("name"),
        "language": language,
        "created_at": obj.get("date_created"),
        "verification": "unverified",  # the feed does not say the review is tied to a purchase
        "status": "published",
        "reply": _reply(
            reply, (obj.get("date_updated") or obj.get("date_created")) if reply not in (None, "") else None
        ),
    }


FORMATS: dict[str, ReviewFormat] = {
    spec.name: spec
    for spec in (
        ReviewFormat(
            "trustpilot",
            "Trustpilot",
            ("reviews",),
            TRUSTPILOT_FIELDS,
            frozenset({"links", "totalNumberOfReviews", "nextPageToken"}),
            trustpilot_review,
            "id",
        ),
        ReviewFormat(
            "etrusted",
            "Trusted Shops",
            ("items",),
            ETRUSTED_FIELDS,
            frozenset({"paging", "totalElements", "cursor", "_object"}),
            etrusted_review,
            "id",
        ),
        ReviewFormat(
            "google",
            "Google",
            ("reviews",),
            GOOGLE_FIELDS,
            frozenset({"averageRating", "totalReviewCount", "nextPageToken"}),
            google_review,
            "reviewId",
            google_score,
        ),
        ReviewFormat(
            "kiyoh",
            "Kiyoh",
            ("reviews",),
            KIYOH_FIELDS,
            KIYOH_RESPONSE_FIELDS,
            kiyoh_review,
            "reviewId",
            kiyoh_score,
        ),
        ReviewFormat(
            "feedbackcompany",
            "The Feedback Company",
            ("reviews",),
            FEEDBACKCOMPANY_FIELDS,
            frozenset({"success", "count", "message"}),
            feedbackcompany_review,
            "id",
        ),
    )
}
BUSINESS_UNIT = "trustpilot-business-unit"  # a format of its own: the shop's TrustScore, no reviews
FORMAT_NAMES = (*FORMATS, BUSINESS_UNIT)
# The formats that carry the platform's score, and so may take the profile URL beside it.
SCORED = (BUSINESS_UNIT, *(name for name, spec in FORMATS.items() if spec.score is not None))

# -- what a push token may push ----------------------------------------------------------

NATIVE = "native"
TOKEN_FORMATS = (NATIVE, *FORMAT_NAMES)
EVERY_FORMAT = "*"  # stored for tokens made before tokens named formats: they push any, as before
# The platform (as reviews and scores name it) each platform format writes for.
FORMAT_PLATFORMS = {**{name: spec.platform for name, spec in FORMATS.items()}, BUSINESS_UNIT: "Trustpilot"}


def parse_token_formats(text: str) -> tuple[str, ...]:
    """The formats `token create --formats` names (a comma list, or `all`), in TOKEN_FORMATS order;
    ValueError with one line for an unknown or empty one."""
    if text.strip() == "all":
        return TOKEN_FORMATS
    names = {name.strip() for name in text.split(",")}
    unknown = sorted(name for name in names if name not in TOKEN_FORMATS)
    if unknown or not names:
        raise ValueError(
            f"unknown format {shown(unknown[0] if unknown else '')}: name some of all, {', '.join(TOKEN_FORMATS)}"
        )
    return tuple(name for name in TOKEN_FORMATS if name in names)


def default_token_formats(platforms: Iterable[str]) -> tuple[str, ...]:
    """A new token's formats when none are named: native, and the formats of the platforms the
    shop already has reviews or a score from (names as stored; case aside)."""
    known = {name.casefold() for name in platforms}
    return (NATIVE, *(name for name in FORMAT_NAMES if FORMAT_PLATFORMS[name].casefold() in known))


def token_formats(stored: str) -> tuple[str, ...]:
    """The formats a stored token may push."""
    return TOKEN_FORMATS if stored == EVERY_FORMAT else tuple(name for name in stored.split(",") if name)


def token_platforms(formats: Iterable[str]) -> frozenset[str]:
    """The platforms (casefolded) whose reviews a token with these formats may write: those of
    its review formats. The business unit format brings a TrustScore and no review, so it lets
    a native push write no Trustpilot review."""
    return frozenset(
        FORMAT_PLATFORMS[name].casefold() for name in formats if name in FORMAT_PLATFORMS and name != BUSINESS_UNIT
    )


def platform_needs_format(platform: str) -> bool:
    """Whether a review naming this platform comes only through a token that may push its format:
    a platform we have a format for. Any other name (a back-office's own) goes with native."""
    return canonical_platform(platform) in FORMAT_PLATFORMS.values()


def canonical_platform(name: str) -> str:
    """A platform's name as its format writes it ("trustpilot " is "Trustpilot"), any other name
    trimmed. A review is one row per (shop, platform, id): an import refuses a review that spells
    a platform we have a format for otherwise, as it would be a second review beside the one the
    format stored."""
    trimmed = name.strip()
    return next((known for known in FORMAT_PLATFORMS.values() if known.casefold() == trimmed.casefold()), trimmed)
