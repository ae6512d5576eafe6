"""Reading an iterator one item ahead, on a thread of its own: a sync fetches Google's next
page while it stores this one."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from typing import Any, TypeVar

T = TypeVar("T")
END = object()  # what the thread gets once the items run out


def prefetched(pages: Iterator[T]) -> Iterator[T]:
    """Yield what `pages` yields, fetching the next item in a thread while the caller works
    on this one, and no further: two pages in memory at most. An error of the fetch is
    raised here; when the caller stops early, the thread stops too."""
    box: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)
    wanted = threading.Semaphore(1)  # released each time the caller takes an item
    stop = threading.Event()

    def put(entry: tuple[bool, Any]) -> bool:
        while not stop.is_set():
            with contextlib.suppress(queue.Full):
                box.put(entry, timeout=0.1)
                return True
        return False

    def fetch() -> None:
        try:
            while not stop.is_set():
                if not wanted.acquire(timeout=0.1):
                    continue
                page = next(pages, END)
                if page is END:
                    break
                if not put((True, page)):
                    return
        except BaseException as exc:  # handed to the caller's thread
            put((False, exc))
            return
        put((False, None))

    threading.Thread(target=fetch, name="sync-prefetch", daemon=True).start()
    try:
        while True:
            more, value = box.get()
            if not more:
                if value is not None:
                    raise value
                return
            wanted.release()
            yield value
    finally:
        stop.set()
