"""Content coding: which encoding a client gets, and compressing bytes (pure)."""

from __future__ import annotations

from collections.abc import Callable

import brotli
from isal import igzip, isal_zlib

MIN_SIZE = 256  # smaller bodies gain nothing from compression
# Measured on 54 built documents (reviews pages and widgets, 1.0 MB): brotli quality 4 gives
# 93 KB at 0.10 ms a document, quality 5 86 KB at 0.18 ms, quality 11 is 50 times slower; gzip
# level 6 gives 98 KB at 0.13 ms, level 9 92 KB at 0.21 ms. Compression was 40% of a static
# build's CPU time; these levels cut that nearly in half for 6-8% larger twins.
# gzip through ISA-L (isal): on a product shop's 1,415 documents (9.6 MB) its level 3 takes
# 0.037 s for 2.66 MB where zlib's level 6 takes 0.089 s for 2.56 MB (2026-11-29); the gzip
# twins are a fifth of a build's CPU time at zlib's speed.
BROTLI_QUALITY = 4
GZIP_LEVEL = 3


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
        return bytes(brotli.compress(body, quality=BROTLI_QUALITY))
    if coding == "gzip":
        return igzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    raise ValueError(coding)


class Compressor:
    """One coding's compressor fed a piece at a time, for a document written as it is made
    (the review feed): `add` what comes, `finish` once. Deterministic as `compress` is, though
    its bytes may differ from `compress`'s for the same document: each is decoded the same."""

    def __init__(self, coding: str) -> None:
        self.add: Callable[[bytes], bytes]
        self.finish: Callable[[], bytes]
        if coding == "br":
            state = brotli.Compressor(quality=BROTLI_QUALITY)
            self.add, self.finish = state.process, state.finish
        elif coding == "gzip":  # wbits 31: a gzip header with no name and time 0
            deflate = isal_zlib.compressobj(GZIP_LEVEL, isal_zlib.DEFLATED, 31)
            self.add, self.finish = deflate.compress, deflate.flush
        else:
            raise ValueError(coding)
