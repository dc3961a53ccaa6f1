"""Where the gettext catalogs live, which locales they offer, and loading them."""

from __future__ import annotations

import os
from functools import cache
from gettext import GNUTranslations
from pathlib import Path

DOMAIN = "messages"
_SOURCE_LOCALES = Path(__file__).resolve().parents[2] / "locales"
_PACKAGED_LOCALES = Path(__file__).resolve().parents[2] / "widget_templates" / "locales"


class CatalogError(Exception):
    """A catalog is missing or not compiled."""


def locales_dir() -> Path:
    """`TRUSTWIDGETS_LOCALES`, else the source tree's `locales/`, else the packaged copy."""
    configured = os.environ.get("TRUSTWIDGETS_LOCALES")
    return Path(configured) if configured else _default_locales()


@cache
def _default_locales() -> Path:
    return _SOURCE_LOCALES if _SOURCE_LOCALES.is_dir() else _PACKAGED_LOCALES


def available_locales(directory: Path | None = None) -> tuple[str, ...]:
    """Every locale with a catalog: adding a locale takes only a new `.po` file."""
    root = directory or locales_dir()
    found = {p.parent.parent.name for p in root.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    found |= {p.parent.parent.name for p in root.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")}
    return tuple(sorted(found))


@cache
def translations(locale: str, directory: Path) -> GNUTranslations:
    """The compiled catalog of a locale (compiled by `make catalogs` / `pybabel compile`)."""
    path = directory / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with path.open("rb") as handle:
            return GNUTranslations(handle)
    except FileNotFoundError:
        raise CatalogError(
            f"the catalog {path} is not compiled: run `make catalogs` (pybabel compile -d {directory} -D {DOMAIN})"
        ) from None


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message
