"""A stand-in for the Bot Framework's OpenID/JWKS endpoints and Entra ID's token endpoint.

It serves HTTPS on 127.0.0.1 with a self-signed certificate (msal refuses non-https authorities;
point `REQUESTS_CA_BUNDLE` at `ca_file`), and it runs in a thread with its own event loop,
because msal fetches the bot's token with blocking `requests` calls from inside the bot's event
loop: a server on that loop would never answer. (Signing keys are fetched in a worker thread,
see bot/identity.py.)

The login URL ends in `/adfs` so that msal skips instance discovery, which would otherwise ask
https://login.microsoftonline.com about the unknown host: the SDK builds msal's
ConfidentialClientApplication without passing on `validate_authority`.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import ipaddress
import secrets
import ssl
import threading
import time
from pathlib import Path
from typing import Any

import jwt
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com"


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_jwk(key: rsa.RSAPrivateKey, kid: str, endorsements: list[str]) -> dict[str, Any]:
    """A JWKS entry as login.botframework.com publishes it, endorsements included."""
    numbers = key.public_key().public_numbers()
    return {
        "kty": "RSA",
        "use": "sig",
        "kid": kid,
        "n": _b64(numbers.n),
        "e": _b64(numbers.e),
        "endorsements": endorsements,
    }


def _tls_context(ca_file: Path) -> ssl.SSLContext:
    """A self-signed certificate for 127.0.0.1, written to `ca_file` for clients to trust."""
    key = new_rsa_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    ca_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file = ca_file.with_suffix(".key")
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(ca_file, key_file)
    return context


class FakeIdentity:
    """Publishes one signing key endorsed for Teams and issues the bot's outgoing token."""

    issuer = BOT_FRAMEWORK_ISSUER

    def __init__(self, directory: Path, *, endorsements: tuple[str, ...] = ("msteams",)) -> None:
        self.signing_key = new_rsa_key()
        self.kid = f"stegvis-test-{secrets.token_hex(4)}"
        self.keys = [public_jwk(self.signing_key, self.kid, list(endorsements))]
        self.bot_token = f"bot-token-{secrets.token_urlsafe(16)}"
        # Cleared by `hold_tokens`: the token endpoint keeps each request until `answer_tokens`.
        self._token_answer = threading.Event()
        self._token_answer.set()
        self._token_arrived = threading.Event()
        self.token_expires_in = 3599
        self.token_requests: list[dict[str, str]] = []
        self.keys_status = 200  # what the JWKS endpoint answers (500: a broken identity service)
        self.openid_requests = 0
        self.jwks_requests = 0
        self.login_discovery_requests = 0
        self.ca_file = directory / "fake-identity.pem"
        self._tls = _tls_context(self.ca_file)
        app = web.Application()
        app.router.add_get("/v1/.well-known/openidconfiguration", self._openid)
        app.router.add_get("/v1/.well-known/keys", self._jwks)
        app.router.add_get("/adfs/.well-known/openid-configuration", self._login_discovery)
        app.router.add_post("/adfs/oauth2/token", self._token)
        self._server = TestServer(app, host="127.0.0.1")
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="fake-identity", daemon=True
        )

    # -- lifecycle (blocking, from any thread) --

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(
            self._server.start_server(ssl=self._tls), self._loop
        ).result(timeout=10)

    def close(self) -> None:
        self._token_answer.set()  # a held token request must not keep a thread waiting
        asyncio.run_coroutine_threadsafe(self._server.close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    # -- a slow or hung Entra ID, under the test's control rather than a race with the clock --

    def hold_tokens(self) -> None:
        """From now on the token endpoint answers no request until `answer_tokens`."""
        self._token_arrived.clear()
        self._token_answer.clear()

    def answer_tokens(self) -> None:
        self._token_answer.set()

    async def token_request_held(self) -> None:
        """Wait, without blocking the caller's event loop, until a held token request is in."""
        if not await asyncio.to_thread(self._token_arrived.wait, 30):
            raise AssertionError("no token request reached the identity service")

    # -- what the bot's Settings point at --

    @property
    def root(self) -> str:
        return str(self._server.make_url("")).rstrip("/")

    @property
    def openid_url(self) -> str:
        """TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL (login.botframework.com in the public cloud)."""
        return f"{self.root}/v1/.well-known/openidconfiguration"

    @property
    def login_url(self) -> str:
        """TO_CHANNEL_FROM_BOT_LOGIN_URL, the msal authority for the bot's outgoing token."""
        return f"{self.root}/adfs"

    # -- tokens the Bot Connector would send --

    def channel_token(
        self,
        *,
        audience: str,
        service_url: str,
        issuer: str | None = None,
        not_before: float | None = None,
        expires: float | None = None,
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
        omit: tuple[str, ...] = (),
        extra: dict[str, Any] | None = None,
        algorithm: str = "RS256",
    ) -> str:
        """A token shaped like the Bot Connector's: RS256, kid header, iss/aud/serviceurl;
        `omit` drops claims, `extra` adds or replaces them."""
        now = time.time()
        claims: dict[str, Any] = {
            "serviceurl": service_url,
            "nbf": int(now - 60 if not_before is None else not_before),
            "exp": int(now + 3600 if expires is None else expires),
            "iss": issuer or self.issuer,
            "aud": audience,
        }
        claims.update(extra or {})
        for name in omit:
            claims.pop(name, None)
        headers = {"kid": kid or self.kid, "typ": "JWT"}
        if "kid" in omit:
            del headers["kid"]
        return jwt.encode(claims, key or self.signing_key, algorithm=algorithm, headers=headers)

    # -- handlers (run on the fake's own loop) --

    async def _openid(self, request: web.Request) -> web.Response:
        self.openid_requests += 1
        return web.json_response(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.root}/v1/authorize",
                "jwks_uri": f"{self.root}/v1/.well-known/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    async def _jwks(self, request: web.Request) -> web.Response:
        self.jwks_requests += 1
        if self.keys_status != 200:
            return web.json_response({"error": "unavailable"}, status=self.keys_status)
        return web.json_response({"keys": self.keys})

    async def _login_discovery(self, request: web.Request) -> web.Response:
        self.login_discovery_requests += 1
        return web.json_response(
            {
                "issuer": f"{self.root}/adfs",
                "authorization_endpoint": f"{self.root}/adfs/oauth2/authorize",
                "token_endpoint": f"{self.root}/adfs/oauth2/token",
            }
        )

    async def _token(self, request: web.Request) -> web.Response:
        form = {key: str(value) for key, value in (await request.post()).items()}
        self.token_requests.append(form)
        self._token_arrived.set()
        if not self._token_answer.is_set():
            await asyncio.get_running_loop().run_in_executor(None, self._token_answer.wait)
        if form.get("grant_type") != "client_credentials":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        return web.json_response(
            {
                "token_type": "Bearer",
                "expires_in": self.token_expires_in,
                "ext_expires_in": self.token_expires_in,
                "access_token": self.bot_token,
            }
        )
