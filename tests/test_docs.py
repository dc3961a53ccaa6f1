"""The docs stay true: the numbers and examples they give are the code's."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.factories import write_json
from tests.server import cli_args
from widget_server.core.platforms import etrusted_review
from widget_server.core.widgets import HEIGHTS, WIDGETS

DOCS = Path(__file__).resolve().parent.parent / "docs"
EMBEDDING = " ".join((DOCS / "embedding.md").read_text(encoding="utf-8").split())  # prose wraps anywhere

# How docs/embedding.md's prose names each widget.
PROSE_NAMES = {"star snippet": "stars", "badge": "badge", "carousel": "carousel", "footer": "footer", "list": "list"}


def reserved_in_snippets(text: str) -> list[tuple[str, int]]:
    """(widget, px) for every example element or iframe that reserves a height."""
    found = []
    for element in re.findall(r'<div class="trustwidget"[^>]*>', text):
        height = re.search(r"min-height:(\d+)px", element)
        if height:
            found.append((re.search(r'data-widget="(\w+)"', element)[1], int(height[1])))
    for frame in re.findall(r"<iframe[^>]*>", text):
        height = re.search(r"height:(\d+)px", frame)
        if height:
            found.append((re.search(r"/(\w+)\.html", frame)[1], int(height[1])))
    return found


def heights_in_prose(text: str) -> dict[str, int]:
    """Reads "`badge`, `stars`, `carousel` or `footer`. Each reserves a height (184, 24, 316 and 290 px)"."""
    match = re.search(r"((?:`\w+`(?:, | or ))+`\w+`)\. Each reserves a height \(([\d, and]+) px\)", text)
    assert match, "docs/embedding.md no longer states each widget's height"
    names = re.findall(r"`(\w+)`", match[1])
    numbers = [int(n) for n in re.findall(r"\d+", match[2])]
    assert len(names) == len(numbers)
    return dict(zip(names, numbers, strict=True))


def narrowest_in_prose(text: str) -> dict[str, int]:
    """Reads "(star snippet 160 px, badge 200 px, carousel and footer 280 px: `narrowest`"."""
    match = re.search(r"from its narrowest \(([^:]+): `narrowest`", text)
    assert match, "docs/embedding.md no longer states each widget's narrowest slot"
    found = {}
    for names, px in re.findall(r"([a-z ]+?) (\d+) px", match[1].replace(",", "")):
        for name in names.split(" and "):
            found[PROSE_NAMES[name.strip()]] = int(px)
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('<div class="trustwidget" data-widget="badge" style="min-height:160px">', [("badge", 160)]),
        ('<div class="trustwidget" data-widget="stars" data-jsonld></div>', []),
        ('<iframe src="…/v1/s/nl/carousel.html#theme=dark" style="height:316px"></iframe>', [("carousel", 316)]),
    ],
)
def test_reserved_in_snippets_reads_elements_and_iframes(text, expected):
    assert reserved_in_snippets(text) == expected


def test_every_height_the_embedding_doc_reserves_is_the_registrys():
    snippets = reserved_in_snippets(EMBEDDING)
    assert {widget for widget, _ in snippets} >= {"badge"}  # the examples are still there
    assert [(widget, px) for widget, px in snippets if px != HEIGHTS[widget]] == []
    assert heights_in_prose(EMBEDDING) == HEIGHTS


def test_every_narrowest_slot_the_embedding_doc_states_is_the_registrys():
    assert narrowest_in_prose(EMBEDDING) == {name: spec.narrowest for name, spec in WIDGETS.items()}


IMPORT = (DOCS / "import.md").read_text(encoding="utf-8")
PLATFORMS = Path(__file__).resolve().parent / "data" / "platforms"


def section(text: str, heading: str) -> str:
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def code_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def test_the_first_shop_example_imports_as_the_doc_says(tmp_path):
    steps = section(IMPORT, "A first shop, step by step")
    (record,) = code_blocks(steps, "json")
    (commands,) = code_blocks(steps, "sh")
    reviews = json.loads((PLATFORMS / "trustpilot-reviews.json").read_text())
    reviews["reviews"] = [r for r in reviews["reviews"] if r["status"] != "archived"]  # the fixture's one bad row
    files = {
        "groenhuis.json": write_json(tmp_path / "groenhuis.json", json.loads(record)),
        "trustpilot-reviews.json": write_json(tmp_path / "trustpilot-reviews.json", reviews),
        "business-unit.json": PLATFORMS / "trustpilot-business-unit.json",
    }
    outputs = []
    for line in commands.splitlines():
        program, *args = shlex.split(line, comments=True)
        assert program == "trustwidgets"
        result = subprocess.run(
            cli_args(tmp_path / "data", *(str(files.get(a, a)) for a in args)),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, f"{line}\n{result.stderr}"
        outputs.append(result.stdout)
    assert "1 shop new or updated" in outputs[0]
    assert f"imported: {len(reviews['reviews'])} reviews new or updated" in outputs[1]
    assert "platform score read" in outputs[2]
    assert outputs[3].startswith("groenhuis\tGroenhuis Tuinmeubelen\tnl,en\tTrustpilot\t")


def test_the_etrusted_table_says_a_product_review_is_imported_with_its_product():
    row = next(line for line in IMPORT.splitlines() if line.startswith("| `type` `PRODUCT_REVIEW`"))
    assert "skipped" not in row and "`product`" in row
    assert not re.search(r"product\s+reviews\s+are\s+\*?skipped", IMPORT)
    product = {"sku": "WTW-350", "name": "WTW-unit 350", "gtin": "4012345000009", "url": "https://example.nl/p"}
    native = etrusted_review(
        {
            "type": "PRODUCT_REVIEW",
            "state": "APPROVED",
            "verificationType": "VERIFIED",
            "rating": 5,
            "product": product,
        },
        "wtw-winkel",
        "nl",
    )
    assert native["product"] == product
    assert all(name in row for name in ("product.sku", "product.name", "product.gtin", "product.url"))


def test_every_file_the_four_changes_name_exists():
    """docs/architecture.md names the files each of four changes takes: they must be there."""
    text = (DOCS / "architecture.md").read_text()
    section = text.split("## Four changes, file by file", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`((?:widget_server|widget_templates|static_build|locales|tests|docs)/[^`]*)`", section))
    assert len(named) >= 20
    missing = sorted(name for name in named if "NAME" not in name and not (DOCS.parent / name).exists())
    assert missing == []


@pytest.mark.parametrize(
    ("doc", "line"),
    [
        ("README.md", r"\| `/v1/\{shop\}/\{locale\}/\{widget\}\.html` \| (.*?): standalone documents \|"),
        ("docs/static-build.md", r"v1/<shop>/<locale>/<widget>\.html +(.*)"),
    ],
)
def test_the_tree_layouts_name_every_widget_of_the_registry(doc, line):
    """A new widget must reach the lists of a shop's documents, not leave them a widget short."""
    text = (DOCS.parent / doc).read_text()
    found = re.search(line, text)
    assert found, f"{doc} no longer lists the widget documents"
    assert re.findall(r"[a-z]+", found.group(1)) == list(WIDGETS)


def test_the_cloudfront_example_sends_the_documents_own_csp():
    """The list widget reads reviews.json (connect-src): a CSP of an older version breaks it there."""
    from widget_server.core.csp import DOCUMENT_CSP

    text = (Path(__file__).parent.parent / "docs" / "static-build.md").read_text()
    written = re.search(r'^var CSP = "([^"]*)";$', text, re.M)
    assert written is not None and written.group(1) == DOCUMENT_CSP
