"""The RSA key that signs id_tokens, and its public half as a JWKS (`/oauth2/v3/certs`)."""

from __future__ import annotations

import base64
import datetime
import hashlib
import threading
import time
from functools import cached_property
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

ISSUER = "https://accounts.google.com"  # what Google puts in `iss`; the key is the emulator's own


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class SigningKey:
    """An RSA key, generated on first use (not at start-up, which must stay fast)."""

    def __init__(self, pem: bytes | None = None) -> None:
        self._pem = pem
        self._lock = threading.Lock()

    @property
    def pem(self) -> bytes:
        with self._lock:
            if self._pem is None:
                key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
                self._pem = key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            return self._pem

    @cached_property
    def _key(self) -> rsa.RSAPrivateKey:
        key = serialization.load_pem_private_key(self.pem, password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key

    @cached_property
    def kid(self) -> str:
        return hashlib.sha1(self.pem, usedforsecurity=False).hexdigest()

    def jwks(self) -> dict[str, Any]:
        numbers = self._key.public_key().public_numbers()
        jwk = {
            "kty": "RSA",
            "alg": "RS256",
            "use": "sig",
            "kid": self.kid,
            "n": _b64(numbers.n),
            "e": _b64(numbers.e),
        }
        return {"keys": [jwk]}

    @cached_property
    def certificate(self) -> str:
        """The public key in a self-signed X.509 certificate (`/oauth2/v1/certs` serves PEMs)."""
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "google-emulator-signing")])
        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self._key.public_key())
            .serial_number(int(self.kid[:16], 16))
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=14))
            .sign(self._key, hashes.SHA256())
        )
        return cert.public_bytes(serialization.Encoding.PEM).decode()

    def id_token(self, *, client_id: str, claims: dict[str, Any], access_token: str) -> str:
        now = int(time.time())
        digest = hashlib.sha256(access_token.encode()).digest()
        at_hash = base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()
        payload = {
            "iss": ISSUER,
            "azp": client_id,
            "aud": client_id,
            "at_hash": at_hash,
            "iat": now,
            "exp": now + 3600,
            **claims,
        }
        return jwt.encode(payload, self._key, algorithm="RS256", headers={"kid": self.kid})

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of an id_token this key signed; ValueError when bad or expired."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token, self._key.public_key(), algorithms=["RS256"], options={"verify_aud": False}
            )
        except jwt.PyJWTError as exc:
            raise ValueError(str(exc)) from exc
        return claims
