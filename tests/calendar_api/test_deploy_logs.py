"""The shipped server configurations (deploy/) and every server's access logger leave an ICS
feed's secret out of their lines: gunicorn's config through its logger class, nginx's through
its log_format and map (its regex run here by Python's re, as nginx has no place in CI)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from gunicorn.app.base import Application
from gunicorn.config import Config

from calendar_api.operations.redaction import install_redaction

DEPLOY = Path(settings.BASE_DIR) / "deploy"
SECRET = "Zm9vYmFyX3NlY3JldC1uZXZlci1sb2dnZWQtMTIzNDU2"
FEED = f"/rest/v1/feeds/ics/{SECRET}.ics"
REDACTED = "/rest/v1/feeds/ics/[redacted].ics"


def gunicorn_config() -> Config:
    cfg = Config()
    loader = Application.__new__(Application)  # gunicorn's own loader, without its argv parser
    values = loader.get_config_from_filename(str(DEPLOY / "gunicorn.conf.py"))
    for name, value in values.items():
        if name in cfg.settings:
            cfg.set(name, value)
    return cfg


def access_atoms(cfg: Config) -> Any:
    """The atoms of a feed request's access line, through the config's logger class."""
    logger = cfg.logger_class(cfg)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{FEED}?code=4/0Code",
        "PATH_INFO": FEED,
        "QUERY_STRING": "code=4/0Code",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"https://calendar.example.com{FEED}",
    }
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    response = SimpleNamespace(status="404 Not Found", sent=42, headers=[])
    atoms = logger.atoms(response, request, environ, dt.timedelta(milliseconds=3))
    return logger.atoms_wrapper_class(atoms)


def test_gunicorns_shipped_access_format_writes_a_feed_path_redacted() -> None:
    cfg = gunicorn_config()
    line = cfg.access_log_format % access_atoms(cfg)
    assert f'"GET {REDACTED}" 404' in line
    assert SECRET not in line and "4/0Code" not in line


def test_gunicorns_shipped_logger_redacts_every_atom_whatever_the_format() -> None:
    atoms = access_atoms(gunicorn_config())
    host_format = '"%(r)s" %(U)s %(q)s "%(f)s" "%({referer}i)s"'  # gunicorn's own syntax
    line = host_format % atoms
    assert SECRET not in line and "4/0Code" not in line
    assert f'"GET {REDACTED}?code=[redacted] HTTP/1.1"' in line


def nginx_text() -> str:
    text = (DEPLOY / "nginx-calendar.conf").read_text()
    return re.sub(r"#[^\n]*", "", text)  # comments may name variables


def nginx_map() -> tuple[str, str, str]:
    """The map's regex (in Python's syntax), its value, and the variable it sets."""
    found = re.search(
        r'map \$uri \$(\w+) \{\s*"~([^"]+)"\s+"([^"]+)";\s*default \$uri;', nginx_text()
    )
    assert found, "no map of $uri with one regex and $uri by default"
    return found[2], found[3], found[1]


def nginx_log_path(uri: str) -> str:
    """What the map gives for `uri`, as nginx computes it."""
    regex, value, _ = nginx_map()
    match = re.search(regex, uri)
    if match is None:
        return uri
    return re.sub(r"\$\{(\w+)\}", lambda m: match[m[1]] or "", value)


def test_nginxs_log_format_writes_the_mapped_path_only() -> None:
    text = nginx_text()
    _, _, variable = nginx_map()
    log_format = re.search(r"log_format calendar ([^;]+);", text)
    assert log_format and f"${variable}" in log_format[1]
    for raw in ("$uri", "$request_uri", "$request ", '$request"', "$args", "$query_string"):
        assert raw not in log_format[1]
    access_logs = re.findall(r"access_log ([^;]+);", text)
    assert len(access_logs) == text.count("server {")  # every server writes it
    assert all(line.split()[-1] == "calendar" for line in access_logs)


@pytest.mark.parametrize(
    ("uri", "logged"),
    [
        (FEED, REDACTED),
        (f"/rest/v1/feeds/ics/{SECRET}", "/rest/v1/feeds/ics/[redacted]"),
        (f"/rest/v1/feeds/ics/{SECRET}/x.ics", REDACTED),
        ("/rest/v1/feeds/7/rotate-secret/", "/rest/v1/feeds/7/rotate-secret/"),
        ("/rest/v1/calendar/redirect/", "/rest/v1/calendar/redirect/"),
    ],
)
def test_nginxs_map_redacts_a_feeds_secret_and_keeps_other_paths(uri: str, logged: str) -> None:
    assert nginx_log_path(uri) == logged


@pytest.fixture
def server_lines() -> Iterator[list[str]]:
    """The messages of the servers' own loggers, once the app is loaded (install_redaction)."""
    found: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: found.append(record.getMessage())  # type: ignore[method-assign]
    names = ("django.server", "uvicorn.access", "gunicorn.access", "django.request")
    install_redaction()
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).addHandler(handler)
        logging.getLogger(name).setLevel(logging.INFO)  # uvicorn's access log is off here
    yield found
    for name in names:
        logging.getLogger(name).removeHandler(handler)
        logging.getLogger(name).setLevel(levels[name])


def test_every_servers_access_logger_redacts_a_feeds_secret(server_lines: list[str]) -> None:
    logging.getLogger("django.server").info('"%s" %s %s', f"GET {FEED} HTTP/1.1", "200", "10")
    uvicorn = '%s - "%s %s HTTP/%s" %d'
    logging.getLogger("uvicorn.access").info(uvicorn, "127.0.0.1:5", "GET", FEED, "1.1", 200)
    logging.getLogger("gunicorn.access").info("%(r)s", {"r": f"GET {FEED} HTTP/1.1"})
    logging.getLogger("django.request").warning("%s: %s", "Not Found", FEED)
    assert len(server_lines) == 4
    assert all(REDACTED in line and SECRET not in line for line in server_lines), server_lines
