"""The emulator in a host's tests: a pytest plugin (the `pytest11` entry point of the
google-calendar-emulator distribution, so installing it is enough; or `-p
google_emulator.pytest_plugin`). See docs/pytest-plugin.md.

- `google_emulator_server` (session): one emulator per test process (per xdist worker) on a
  free loopback port, seeded by `--google-emulator-seed` (or the `google_emulator_seed` ini
  option; `demo` by default), auto-consent on; stopped at the end of the session.
- `google_emulator`: that emulator freshly reset for the test (its seed, or the one a
  `@pytest.mark.google_emulator(seed="empty")` marker names), auto-consent on, no faults, no
  latency.
- `google_control`: a `GoogleControl` on it (latency, faults, the official client as an account).

With pytest-django active, `google_emulator.pytest_django_plugin` adds the Django fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from google_emulator import start
from google_emulator.server import EmulatorServer
from google_emulator.testing import GoogleControl

SEEDS = ("demo", "empty")
DJANGO_PLUGIN = "google_emulator.pytest_django_plugin"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("google_emulator", "Google emulator")
    group.addoption(
        "--google-emulator-seed",
        choices=SEEDS,
        default=None,
        help="the emulator's seed data for the session (default: the ini option, or demo)",
    )
    parser.addini("google_emulator_seed", "the emulator's seed data: demo or empty", default="demo")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "google_emulator(seed): the seed (demo or empty) the google_emulator fixture resets "
        "the emulator to for this test",
    )
    seed = session_seed(config)
    if seed not in SEEDS:
        raise pytest.UsageError(f"google_emulator_seed = {seed!r}: expected one of {SEEDS}")
    # The Django fixtures need pytest-django (its `settings` fixture and database); without it
    # (or with `-p no:django`) they are not registered and Django is never imported.
    if config.pluginmanager.has_plugin("django"):
        config.pluginmanager.import_plugin(DJANGO_PLUGIN)


def session_seed(config: pytest.Config) -> str:
    return str(config.getoption("google_emulator_seed") or config.getini("google_emulator_seed"))


@pytest.fixture(scope="session")
def google_emulator_server(pytestconfig: pytest.Config) -> Iterator[EmulatorServer]:
    """The session's emulator, running on a free loopback port (`.base_url`)."""
    server = start(seed=session_seed(pytestconfig), auto_consent=True)
    yield server
    server.stop()


@pytest.fixture
def google_emulator(
    request: pytest.FixtureRequest, google_emulator_server: EmulatorServer
) -> EmulatorServer:
    """The running emulator, freshly seeded, auto-consent on, no faults, no latency."""
    marker = request.node.get_closest_marker("google_emulator")
    seed = marker.kwargs.get("seed", "") if marker else session_seed(request.config)
    if seed not in SEEDS:
        pytest.fail(f"google_emulator(seed={seed!r}): expected one of {SEEDS}")
    google_emulator_server.emulator.reset(seed)
    google_emulator_server.emulator.auto_consent = True
    return google_emulator_server


@pytest.fixture
def google_control(google_emulator: EmulatorServer) -> GoogleControl:
    """The fresh emulator's control: `.latency(ms)`, `.fault(...)`, `.clear_faults()`,
    `.service(email)` (the official Calendar client as that account), `.base_url`."""
    return GoogleControl(google_emulator.base_url)
