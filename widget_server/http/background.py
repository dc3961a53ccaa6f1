"""Work the event loop hands to worker threads, run below the event loop's CPU priority.

Reading a big shop takes seconds of CPU; so does a push into one. On a machine with few cores
that work competes with the event loop for the CPU, and a cached answer for another shop would
wait for the scheduler. A worker thread therefore lowers its own priority (nice) once, the first
time it runs such work: the event loop, which only answers from memory and hands everything else
on, always comes first.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool

T = TypeVar("T")
BACKGROUND_NICE = 10  # CFS gives a nice-10 thread about a tenth of the CPU of a nice-0 one when both want it
_lowered = threading.local()


def lower_this_thread() -> None:
    """Lower the calling thread's priority (Linux: setpriority on its own thread id); once."""
    if getattr(_lowered, "done", False):
        return
    _lowered.done = True
    try:
        current = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), max(current, BACKGROUND_NICE))
    except OSError:  # not allowed or not supported here: the work still runs, at the same priority
        pass


async def in_background(work: Callable[..., T], *args: object) -> T:
    """Run work(*args) in a worker thread below the event loop's priority."""

    def lowered() -> T:
        lower_this_thread()
        return work(*args)

    return await run_in_threadpool(lowered)
