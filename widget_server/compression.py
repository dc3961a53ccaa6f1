"""Content coding: which encoding a client gets, and compressing bytes (pure)."""

from __future__ import annotations

import gzip

import brotli

MIN_SIZE = 256  # smaller bodies gain nothing from compression


def choose_encoding(accept_encoding: str) -> str | None:
    """`br` when accepted, else `gzip`, else None (identity); q=0 refuses a coding."""
    accepted: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        if name:
            accepted[name.strip()] = quality
    for coding in ("br", "gzip"):
        if accepted.get(coding, accepted.get("*", 0.0)) > 0:
            return coding
    return None


def compress(body: bytes, coding: str) -> bytes:
    """Deterministic output for the same input (no file name or time in the gzip header)."""
    if coding == "br":
        return bytes(brotli.compress(body, quality=11))
    if coding == "gzip":
        return gzip.compress(body, compresslevel=9, mtime=0)
    raise ValueError(coding)
