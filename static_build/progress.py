"""Build progress: a bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.width = width
        self.last_tenth = -1

    def __call__(self, done: int, total: int) -> None:
        if total == 0:
            return
        if self.tty:
            filled = self.width * done // total
            self.stream.write(f"\rrendering shops [{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}")
            if done == total:
                self.stream.write("\n")
            self.stream.flush()
            return
        tenth = 10 * done // total
        if tenth != self.last_tenth:
            self.last_tenth = tenth
            print(f"rendering shops: {done}/{total}", file=self.stream, flush=True)
