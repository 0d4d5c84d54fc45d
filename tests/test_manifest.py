"""The Teams app package: schema-valid manifest and language file, icons Teams accepts, inputs
checked before upload.

The schemas (Teams manifest v1.30, kept in manifest/schemas so the tests never depend on
anything outside the repository) are draft-04, where jsonschema ignores `const` and any keyword
next to a `$ref`; the manifestVersion and the language file's lengths are therefore checked
explicitly.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema.validators import validator_for
from PIL import Image

from manifest.icons import color_icon, outline_icon
from manifest.package import MANIFEST_DIR, build_package, render_manifest

APP_ID = "3f1c2b7a-9d4e-4c61-8a2b-5e6f7a8b9c0d"
SCHEMA_DIR = MANIFEST_DIR / "schemas"
PACKAGE_NAMES = {"manifest.json", "color.png", "outline.png", "en-us.json"}


def _schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


def _validate(instance: dict[str, Any], schema: dict[str, Any]) -> None:
    # Not `check_schema`: v1.30 writes some patterns with ECMAScript's \p{L}, which Python's re
    # cannot compile; none of them is on a property our manifest uses.
    cls = validator_for(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in cls(schema).iter_errors(instance)]
    assert errors == []


@pytest.fixture
def package(tmp_path: Path) -> Iterator[zipfile.ZipFile]:
    out = build_package(APP_ID, tmp_path / "build" / "stegvis.zip", valid_domains=["example.org"])
    assert out == tmp_path / "build" / "stegvis.zip"
    with zipfile.ZipFile(out) as archive:
        yield archive


def _json(package: zipfile.ZipFile, name: str) -> dict[str, Any]:
    return json.loads(package.read(name).decode("utf-8"))


def _image(package: zipfile.ZipFile, name: str) -> Image.Image:
    image = Image.open(io.BytesIO(package.read(name)))
    image.load()
    return image


def test_package_holds_the_files_at_the_zip_root(package: zipfile.ZipFile) -> None:
    assert set(package.namelist()) == PACKAGE_NAMES


def test_manifest_is_valid_for_v1_30(package: zipfile.ZipFile) -> None:
    schema = _schema("MicrosoftTeams.schema.json")
    manifest = _json(package, "manifest.json")
    _validate(manifest, schema)
    assert manifest["manifestVersion"] == schema["properties"]["manifestVersion"]["const"]
    assert "{{" not in json.dumps(manifest)


def test_language_file_is_valid(package: zipfile.ZipFile) -> None:
    schema = _schema("MicrosoftTeams.Localization.schema.json")
    strings = _json(package, "en-us.json")
    _validate(strings, schema)
    for key, rule in schema["properties"].items():
        if key in strings and "maxLength" in rule:
            assert len(strings[key]) <= rule["maxLength"], key
    manifest = _json(package, "manifest.json")
    assert manifest["localizationInfo"]["additionalLanguages"] == [
        {"languageTag": "en-US", "file": "en-us.json"}
    ]


def test_manifest_content(package: zipfile.ZipFile) -> None:
    manifest = _json(package, "manifest.json")
    assert manifest["id"] == APP_ID
    [bot] = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    assert bot["supportsFiles"] is True
    assert bot["isNotificationOnly"] is False
    titles = {tuple(c["scopes"]): [x["title"] for x in c["commands"]] for c in bot["commandLists"]}
    assert titles[("personal",)][0] == "hjälp"
    assert titles[("team", "groupChat")] == ["hjälp", "protokoll", "rapport"]
    assert manifest["validDomains"] == ["example.org"]
    assert manifest["localizationInfo"]["defaultLanguageTag"] == "sv-SE"


def test_icons_have_the_sizes_and_colours_teams_requires(package: zipfile.ZipFile) -> None:
    color = _image(package, "color.png")
    assert (color.format, color.size, color.mode) == ("PNG", (192, 192), "RGB")
    accent = _json(package, "manifest.json")["accentColor"]
    assert "#{:02X}{:02X}{:02X}".format(*color.getpixel((0, 0))) == accent.upper()

    outline = _image(package, "outline.png")
    assert (outline.format, outline.size, outline.mode) == ("PNG", (32, 32), "RGBA")
    pixels = set(outline.getdata())
    assert (255, 255, 255, 255) in pixels
    assert all(p == (255, 255, 255, 255) or p[3] == 0 for p in pixels)


def test_committed_icons_match_the_generator() -> None:
    for name, render in (("color.png", color_icon), ("outline.png", outline_icon)):
        with Image.open(MANIFEST_DIR / name) as committed:
            assert list(committed.getdata()) == list(render().getdata()), name


@pytest.mark.parametrize(
    "app_id", ["", "not-a-guid", "{" + APP_ID + "}", APP_ID.replace("-", ""), APP_ID + " "]
)
def test_app_id_must_be_a_guid(app_id: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="GUID"):
        build_package(app_id, tmp_path / "stegvis.zip")
    assert not (tmp_path / "stegvis.zip").exists()


@pytest.mark.parametrize(
    "override",
    [
        {"version": "1.0"},
        {"developer_name": "Samordningsförbundet RAR i Sörmland"},
        {"privacy_url": "http://example.org/integritet"},
    ],
)
def test_other_inputs_teams_would_reject(override: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        render_manifest(APP_ID, **override)


def test_same_inputs_give_the_same_zip(tmp_path: Path) -> None:
    first = build_package(APP_ID, tmp_path / "a.zip").read_bytes()
    assert build_package(APP_ID, tmp_path / "b.zip").read_bytes() == first
