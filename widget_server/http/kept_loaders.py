"""The hashed loaders this service has served, kept in DATA/loaders.

A shop's page may pin the loader by its content hash with integrity (docs/embedding.md). After
an upgrade the service renders a new loader under a new hash, and the page's pinned one would be
a 404: every widget on it gone. So each loader the service starts with is written here, and a
request for an earlier hash is answered from the file, checked against its hash, as the static
tree keeps its hashed files and `publish` keeps them in the bucket.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

from ..core.loader import loader

log = logging.getLogger("trustwidgets.loaders")
HELD = 16  # earlier loaders held in memory (a few KB each)


class KeptLoaders:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.held: dict[str, bytes] = {}
        script = loader()
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not self._path(script.digest).exists():
                with tempfile.NamedTemporaryFile(dir=folder, prefix=".loader-", delete=False) as handle:
                    handle.write(script.body)
                os.replace(handle.name, self._path(script.digest))
        except OSError as error:  # a read-only data folder: the current loader is served anyway
            log.warning("cannot keep the loader in %s: %s", folder, error.strerror)

    def _path(self, digest: str) -> Path:
        return self.folder / f"embed.{digest}.js"

    def get(self, digest: str) -> bytes | None:
        """An earlier loader's bytes by its hash (the catalogue's 12 hex digits), or None."""
        body = self.held.get(digest)
        if body is not None:
            return body
        try:
            body = self._path(digest).read_bytes()
        except OSError:
            return None
        if hashlib.sha256(body).hexdigest()[:12] != digest:  # an immutable URL never gets other bytes
            return None
        if len(self.held) < HELD:
            self.held[digest] = body
        return body
