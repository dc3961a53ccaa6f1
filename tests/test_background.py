"""Work handed to worker threads runs below the event loop's priority; the loop keeps its own."""

import asyncio
import os
import threading

from widget_server.http.background import BACKGROUND_NICE, in_background


def nice_of_this_thread():
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def in_a_thread_of_its_own(work):
    """`work()`'s result, run in a new thread: the test's own thread may already run an event
    loop (Playwright's sync API keeps one in the thread of any browser test before)."""
    results = []
    thread = threading.Thread(target=lambda: results.append(work()))
    thread.start()
    thread.join()
    return results[0]


def test_background_work_runs_lowered_and_the_caller_is_not():
    def loop_thread():
        before = nice_of_this_thread()

        async def main():
            return await in_background(lambda a, b: (a + b, nice_of_this_thread(), threading.get_native_id()), 2, 3)

        return before, threading.get_native_id(), asyncio.run(main()), nice_of_this_thread()

    before, caller, (total, nice, worker), after = in_a_thread_of_its_own(loop_thread)
    assert total == 5
    assert worker != caller
    assert nice == max(before, BACKGROUND_NICE)
    assert after == before
