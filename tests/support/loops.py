"""Running a coroutine from a test, as an ASGI server's event loop would."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_apart(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` in a thread of its own (a browser test before may have left an event loop
    running in the test's thread), its answer or its error handed back. Threads that ended
    meanwhile (Django's per-request ones, the loop's executor) leave database connections in
    reference cycles: collected here, they close, and PostgreSQL can drop the test database."""
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(asyncio.run, coroutine).result()
    gc.collect()
    return answer
