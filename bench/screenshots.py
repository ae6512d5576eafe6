"""Write the README's screenshots of the web calendar into docs/screenshots/.

Runs the browser test that takes them (a live server, the emulator's seed data, Debian's
Chromium): `make screenshots`, or `python bench/screenshots.py`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    os.chdir(ROOT)
    os.environ["SCREENSHOTS_DIR"] = str(ROOT / "docs" / "screenshots")
    sys.exit(pytest.main(["tests/browser/test_screenshots.py", "-q", "-p", "no:cacheprovider"]))
