"""The rules of the Bot Framework's channel-to-bot token that botbuilder does not enforce.

botbuilder checks the signature, the endorsement, the audience and the serviceurl claim, but
PyJWT only checks `exp` and `nbf` when they are present (a token without `exp` never expired),
and a token whose issuer looks like the Emulator's or a skill's is sent down other validation
paths that fetch keys from login.microsoftonline.com. The specification
(https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication)
says for a token from the Bot Connector service:

- it is sent in the Authorization header with the Bearer scheme;
- the issuer is https://api.botframework.com (the configured issuer in a sovereign cloud);
- the audience is the bot's Microsoft App ID;
- it is within its validity period, with at most five minutes of clock skew;
- it is signed with a key from the OpenID metadata (RS256), which botbuilder verifies.

These checks run on the token's unverified header and claims, before botbuilder verifies the
signature of the very same token: a token that passes both has the claims checked here.
"""

from __future__ import annotations

import base64
import json
import math
import re
import time
from numbers import Real
from typing import Any

PUBLIC_CLOUD_ISSUER = "https://api.botframework.com"
MAX_CLOCK_SKEW = 5 * 60  # seconds, the specification's "industry-standard" allowance
ALGORITHM = "RS256"
MAX_TOKEN_CHARS = 8192
_TOKEN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


class TokenRejected(Exception):
    """The request's token breaks a rule of the specification (answer 401)."""


def _segment(part: str) -> dict[str, Any]:
    try:
        value = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (ValueError, UnicodeDecodeError) as error:
        raise TokenRejected("a token segment is not base64url JSON") from error
    if not isinstance(value, dict):
        raise TokenRejected("a token segment is not a JSON object")
    return value


def _time_claim(claims: dict[str, Any], name: str) -> float:
    value = claims.get(name)
    if not isinstance(value, Real) or isinstance(value, bool) or not math.isfinite(value):
        raise TokenRejected(f"'{name}' is required and must be a number")
    return float(value)


def check_channel_token(
    authorization: str, *, app_id: str, issuer: str | None, now: float | None = None
) -> dict[str, Any]:
    """The unverified claims of a Bot Connector token that keeps the rules; else TokenRejected."""
    scheme, _, token = authorization.partition(" ")
    if scheme != "Bearer" or not token:
        raise TokenRejected("expected 'Bearer <token>'")
    if len(token) > MAX_TOKEN_CHARS or not _TOKEN.fullmatch(token):
        raise TokenRejected("the token is not a signed JWT")
    header_part, claims_part, _ = token.split(".")
    header = _segment(header_part)
    if header.get("alg") != ALGORITHM:
        raise TokenRejected(f"the token must be signed with {ALGORITHM}")
    if not isinstance(header.get("kid"), str) or not header["kid"]:
        raise TokenRejected("the token must name its signing key")
    claims = _segment(claims_part)
    if claims.get("iss") != (issuer or PUBLIC_CLOUD_ISSUER):
        raise TokenRejected("the issuer is not the Bot Framework")
    if not app_id or claims.get("aud") != app_id:
        raise TokenRejected("the audience is not this bot")
    current = time.time() if now is None else now
    if _time_claim(claims, "exp") <= current - MAX_CLOCK_SKEW:
        raise TokenRejected("the token has expired")
    if _time_claim(claims, "nbf") > current + MAX_CLOCK_SKEW:
        raise TokenRejected("the token is not valid yet")
    return claims
