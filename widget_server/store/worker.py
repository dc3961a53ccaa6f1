"""A process that reads the store for another one (a build's worker, the service's reader).

Such a process waits for its next task on a queue whose writing end it holds itself (a
`multiprocessing` queue carries both ends to the child it is handed to), so the queue never
tells it that its parent is gone: after a kill -9 or the out-of-memory killer it would wait,
with its store connection open, forever. `exit_with_parent` ends it when its parent does.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading


def exit_with_parent() -> None:
    """Watch the parent process from a daemon thread and end this one when it has gone.

    Call it in the child's initializer; it does nothing in a process that has no parent
    of multiprocessing's."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
