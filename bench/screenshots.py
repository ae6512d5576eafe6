"""Write the README's screenshots of the web calendar, and those of the first five minutes
(docs/first-five-minutes.md), into docs/screenshots/.

Runs the browser tests that take them (a live server, the emulator's seed data, Debian's
Chromium): `make screenshots`, or `python bench/screenshots.py`. They run under a pinned clock
(TEST_NOW, tests/support/clock.py), a Wednesday morning in London unless TEST_NOW says otherwise:
the page opens at the current hour, and each run shows the same morning and the same events.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MORNING = "2026-11-04T08:30:00Z@Europe/London"  # a Wednesday, 08:30 in London (GMT)

if __name__ == "__main__":
    os.chdir(ROOT)
    os.environ["SCREENSHOTS_DIR"] = str(ROOT / "docs" / "screenshots")
    os.environ.setdefault("TEST_NOW", MORNING)
    tests = ["tests/browser/test_screenshots.py", "tests/browser/test_first_five_minutes.py"]
    sys.exit(pytest.main([*tests, "-q", "-p", "no:cacheprovider"]))
