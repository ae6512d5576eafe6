"""POST /batch/calendar/v3: multipart/mixed batches, as google-api-python-client sends them.

Each `application/http` part is an HTTP request; it runs through the emulator itself (its own
Authorization header, else the batch's), and its response comes back as a part whose
Content-ID is `<response-` + the request part's id + `>`.
"""

from __future__ import annotations

import email.message
import email.parser
import email.policy
import secrets
from http import HTTPStatus
from urllib.parse import urlsplit

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from google_emulator.context import Ctx
from google_emulator.errors import GoogleError

MAX_PARTS = 1000
Part = tuple[str, Response]


def _parts(ctx: Ctx) -> list[email.message.Message]:
    content_type = ctx.request.headers.get("Content-Type", "")
    if not content_type.lower().startswith("multipart/"):
        raise GoogleError(400, "badRequest", "Batch requests must be multipart/mixed.")
    raw = b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + ctx.request.get_data()
    message = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(raw)
    payload = message.get_payload()
    if not message.is_multipart() or not isinstance(payload, list) or not payload:
        raise GoogleError(400, "badRequest", "Bad Request")
    if len(payload) > MAX_PARTS:
        raise GoogleError(400, "badRequest", f"A batch may hold at most {MAX_PARTS} calls.")
    return [part for part in payload if isinstance(part, email.message.Message)]


def _inner_request(ctx: Ctx, part: email.message.Message) -> Request:
    raw = part.get_payload(decode=True)
    text = raw if isinstance(raw, bytes) else b""
    status_line, _, rest = text.replace(b"\r\n", b"\n").partition(b"\n")
    method, target = status_line.decode("latin-1").split(" ")[:2]
    head, _, body = rest.partition(b"\n\n")
    headers = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(
        head + b"\n\n", headersonly=True
    )
    url = urlsplit(target)
    header_list = [
        (k, v) for k, v in headers.items() if k.lower() not in ("host", "content-length")
    ]
    if not any(k.lower() == "authorization" for k, _ in header_list):
        outer = ctx.request.headers.get("Authorization")
        if outer:
            header_list.append(("Authorization", outer))
    builder = EnvironBuilder(
        path=url.path,
        query_string=url.query,
        method=method.upper(),
        headers=header_list,
        data=body.rstrip(b"\n") if body.strip() else None,
        base_url=ctx.request.host_url,
    )
    return Request(builder.get_environ())


def _render(boundary: str, parts: list[Part]) -> bytes:
    chunks: list[bytes] = []
    for content_id, response in parts:
        reason = HTTPStatus(response.status_code).phrase
        head = [f"HTTP/1.1 {response.status_code} {reason}"]
        head += [f"{k}: {v}" for k, v in response.headers.items() if k.lower() != "content-length"]
        body = response.get_data()
        head.append(f"Content-Length: {len(body)}")
        chunks.append(
            (
                f"--{boundary}\r\nContent-Type: application/http\r\n"
                f"Content-ID: <response-{content_id}>\r\n\r\n" + "\r\n".join(head) + "\r\n\r\n"
            ).encode()
            + body
            + b"\r\n"
        )
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks)


def batch(ctx: Ctx) -> Response:
    answered: list[Part] = []
    for part in _parts(ctx):
        content_id = (part.get("Content-ID") or "").strip().strip("<>")
        try:
            inner = _inner_request(ctx, part)
        except (ValueError, IndexError, UnicodeDecodeError):
            answered.append((content_id, GoogleError(400, "badRequest", "Bad Request").response()))
            continue
        answered.append((content_id, ctx.emulator.dispatch(inner, in_batch=True)))
    boundary = "batch_" + secrets.token_hex(12)
    return Response(
        _render(boundary, answered),
        status=200,
        content_type=f"multipart/mixed; boundary={boundary}",
    )
