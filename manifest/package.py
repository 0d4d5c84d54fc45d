"""Build the Teams app package (a zip) that an IT admin uploads to the Teams admin centre."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

MANIFEST_DIR = Path(__file__).resolve().parent
TEMPLATE = MANIFEST_DIR / "manifest.template.json"
# Copied unchanged into the package; the names are the ones the template refers to.
PACKAGE_FILES = ("color.png", "outline.png", "en-us.json")

DEFAULT_DEVELOPER_NAME = "RAR i Sörmland"
DEFAULT_WEBSITE_URL = "https://example.org/stegvis"
DEFAULT_PRIVACY_URL = "https://example.org/stegvis/integritet"
DEFAULT_TERMS_URL = "https://example.org/stegvis/villkor"

# Same patterns as the manifest schema, so a bad value fails here and not at upload.
_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_SEMVER = re.compile(r"(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)")
_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
_DEVELOPER_NAME_MAX = 32
# A fixed timestamp makes the same inputs give a byte-identical zip.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _substitute(node: Any, values: dict[str, Any]) -> Any:
    """Replace string values that are exactly "{{NAME}}" in the parsed template.

    Working on parsed JSON rather than text means values need no escaping and may be lists.
    """
    if isinstance(node, dict):
        return {key: _substitute(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [_substitute(value, values) for value in node]
    if isinstance(node, str) and (match := _PLACEHOLDER.fullmatch(node)):
        return values[match.group(1)]
    return node


def render_manifest(
    app_id: str,
    *,
    version: str = "1.0.0",
    developer_name: str = DEFAULT_DEVELOPER_NAME,
    website_url: str = DEFAULT_WEBSITE_URL,
    privacy_url: str = DEFAULT_PRIVACY_URL,
    terms_url: str = DEFAULT_TERMS_URL,
    valid_domains: list[str] | None = None,
) -> dict[str, Any]:
    """Return manifest.json as a dict; raise ValueError for inputs Teams would reject."""
    if not _GUID.fullmatch(app_id):
        raise ValueError(
            "App-id:t måste vara botens Microsoft App ID, ett GUID som "
            f"00000000-0000-0000-0000-000000000000, men var {app_id!r}."
        )
    if not _SEMVER.fullmatch(version):
        raise ValueError(f"Versionen måste ha formen 1.2.3, men var {version!r}.")
    if not 0 < len(developer_name) <= _DEVELOPER_NAME_MAX:
        raise ValueError(
            f"Utvecklarnamnet får vara högst {_DEVELOPER_NAME_MAX} tecken: {developer_name!r}."
        )
    for url in (website_url, privacy_url, terms_url):
        if not url.lower().startswith("https://"):
            raise ValueError(f"Teams kräver https-adresser, men fick {url!r}.")
    template = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    manifest: dict[str, Any] = _substitute(
        template,
        {
            "APP_ID": app_id,
            "VERSION": version,
            "DEVELOPER_NAME": developer_name,
            "WEBSITE_URL": website_url,
            "PRIVACY_URL": privacy_url,
            "TERMS_URL": terms_url,
            "VALID_DOMAINS": list(valid_domains or []),
        },
    )
    return manifest


def build_package(
    app_id: str,
    out: Path,
    *,
    version: str = "1.0.0",
    developer_name: str = DEFAULT_DEVELOPER_NAME,
    website_url: str = DEFAULT_WEBSITE_URL,
    privacy_url: str = DEFAULT_PRIVACY_URL,
    terms_url: str = DEFAULT_TERMS_URL,
    valid_domains: list[str] | None = None,
) -> Path:
    """Write the app package zip to `out` (creating its folder) and return `out`.

    Teams wants manifest.json, the icons and the language files at the root of the zip.
    """
    manifest = render_manifest(
        app_id,
        version=version,
        developer_name=developer_name,
        website_url=website_url,
        privacy_url=privacy_url,
        terms_url=terms_url,
        valid_domains=valid_domains,
    )
    entries = {"manifest.json": json.dumps(manifest, ensure_ascii=False, indent=2).encode()}
    entries.update({name: (MANIFEST_DIR / name).read_bytes() for name in PACKAGE_FILES})
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as package:
        for name, data in entries.items():
            package.writestr(zipfile.ZipInfo(name, date_time=_ZIP_DATE), data, zipfile.ZIP_DEFLATED)
    return out
