"""Work handed to worker threads runs below the event loop's priority; the loop keeps its own."""

import asyncio
import os
import threading

from widget_server.http.background import BACKGROUND_NICE, in_background


def nice_of_this_thread():
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_background_work_runs_lowered_and_the_caller_is_not():
    before = nice_of_this_thread()

    async def main():
        return await in_background(lambda a, b: (a + b, nice_of_this_thread(), threading.get_native_id()), 2, 3)

    total, nice, worker = asyncio.run(main())
    assert total == 5
    assert worker != threading.get_native_id()
    assert nice == max(before, BACKGROUND_NICE)
    assert nice_of_this_thread() == before
