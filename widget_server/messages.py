"""Words of the command line's messages (English, like the rest of the tools)."""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """`1 review`, `2 reviews`, `1,234 reviews`."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
