"""Jinja2 templates and assets of the widgets, the preview and the embed loader."""

from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent
