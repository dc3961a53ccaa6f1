"""Every template string is translated in every catalog; a new locale needs only a .po file."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.widgets import AS_OF, DATA, fixture_store
from widget_server.core.i18n import available_locales, locales_dir
from widget_server.core.options import Options
from widget_server.core.render import render_method, render_widget

ROOT = Path(__file__).resolve().parent.parent
LOCALES = locales_dir()


def extracted(tmp_path):
    out = tmp_path / "extracted.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "--no-location",
            "--sort-output",
            "--omit-header",
            "-o",
            str(out),
            "widget_templates",  # the folders `make extract` names (not mutants/ or a worktree)
            "widget_server",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with out.open() as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


def test_pot_is_up_to_date(tmp_path):
    with (LOCALES / "messages.pot").open() as handle:
        committed = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert committed == extracted(tmp_path), "run `make extract` and translate the new strings"


PLACEHOLDER = re.compile(r"%\(\w+\)s")


@pytest.mark.parametrize("locale", ["nl", "en", "de"])
def test_catalog_translates_every_string_and_has_no_fuzzy_or_empty_entry(tmp_path, locale):
    with (LOCALES / locale / "LC_MESSAGES" / "messages.po").open() as handle:
        catalog = read_po(handle)
    messages = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    missing = extracted(tmp_path) - set(messages)
    assert not missing, f"{locale}: not in the catalog: {sorted(missing)}"
    for key, message in messages.items():
        assert not message.fuzzy, f"{locale}: fuzzy entry {key!r}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{locale}: empty entry {key!r}"
        # Each form keeps exactly the placeholders of its source: an unknown one fails the
        # render, a lost one silently drops a number or a name from the sentence.
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        for n, string in enumerate(strings):
            source = sources[min(n, len(sources) - 1)]
            assert sorted(PLACEHOLDER.findall(string)) == sorted(PLACEHOLDER.findall(source)), (locale, key, n)


def test_a_new_locale_takes_only_a_po_file(tmp_path, monkeypatch):
    # The catalogs without German, then German added as nothing but a small .po file.
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES, locales, ignore=lambda folder, names: ["de"] if Path(folder) == LOCALES else [])
    before = available_locales(locales)
    assert "de" not in before
    target = locales / "de" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(DATA / "de.po", target / "messages.po")
    with (target / "messages.po").open("rb") as source, (target / "messages.mo").open("wb") as compiled:
        write_mo(compiled, read_po(source))
    monkeypatch.setenv("TRUSTWIDGETS_LOCALES", str(locales))
    assert available_locales() == tuple(sorted((*before, "de")))

    document = json.loads((DATA / "widgets.json").read_text())
    document["shops"][0]["locales"] = ["nl", "en", "de"]
    store = fixture_store(tmp_path / "store", document)
    snapshot = store.snapshot("wtw-winkel", AS_OF)
    html = render_widget(snapshot, "carousel", "de", Options().resolve(snapshot.shop)).decode()
    for phrase in (
        'lang="de"',
        "sehr gut",
        "4,50",
        "2 Bewertungen",
        "über Trustpilot",
        "20.11.2026",
        "vor {0} Tagen",
        "verifiziert",
    ):
        assert phrase in html, phrase


def test_the_german_catalog_speaks_as_a_german_shop_would(tmp_path):
    document = json.loads((DATA / "widgets.json").read_text())
    document["shops"][0]["locales"] = ["nl", "en", "de"]
    store = fixture_store(tmp_path / "store", document)
    snapshot = store.snapshot("wtw-winkel", AS_OF)
    html = render_widget(snapshot, "carousel", "de", Options(lang=()).resolve(snapshot.shop)).decode()
    for phrase in (
        'lang="de"',
        "sehr gut",  # Trusted Shops' own grade word for 4.50 and up
        "4,50",
        "2 Bewertungen",
        "über Trustpilot",
        "✓ </span>verifiziert",
        "importierte Bewertung",
        "20.11.2026",  # the day; the script reads it as "vor 3 Tagen" by these phrases
        "vor {0} Tagen",
        "heute",
        "Wie Bewertungen geprüft werden",
    ):
        assert phrase in html, phrase
    method = render_method(snapshot, "de").decode()
    for phrase in ("Stand: 23. November 2026.", "vom 23. November 2025 bis einschließlich 23. November 2026"):
        assert phrase in method, phrase
