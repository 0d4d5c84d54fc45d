"""Draw the two app icons Teams requires, so they can be regenerated rather than hand-edited.

Run `python -m manifest.icons` to rewrite `color.png` and `outline.png` next to this file.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

MANIFEST_DIR = Path(__file__).resolve().parent
ACCENT_COLOR = "#1F6F5C"  # keep equal to accentColor in manifest.template.json
COLOR_SIZE = 192
OUTLINE_SIZE = 32
_WHITE = (255, 255, 255, 255)
_TRANSPARENT = (255, 255, 255, 0)  # white even where invisible, so scaling leaves no dark fringe
_STEPS = 4  # "Stegvis" means step by step: the motif is a staircase


def _draw_stairs(image: Image.Image, left: int, top: int, size: int) -> None:
    """Fill a white staircase rising to the right inside the square at (left, top)."""
    draw = ImageDraw.Draw(image)
    step = size // _STEPS
    bottom = top + size - 1
    for i in range(_STEPS):
        x0 = left + i * step
        draw.rectangle((x0, bottom - (i + 1) * step + 1, x0 + step - 1, bottom), fill=_WHITE)


def color_icon() -> Image.Image:
    """192x192 full-colour icon; the motif stays in the central 96x96 area Teams recommends."""
    image = Image.new("RGB", (COLOR_SIZE, COLOR_SIZE), ACCENT_COLOR)
    _draw_stairs(image, left=48, top=48, size=96)
    return image


def outline_icon() -> Image.Image:
    """32x32 icon of pure white on full transparency, the only colours Teams accepts here."""
    image = Image.new("RGBA", (OUTLINE_SIZE, OUTLINE_SIZE), _TRANSPARENT)
    _draw_stairs(image, left=4, top=4, size=24)
    return image


def write_icons(directory: Path = MANIFEST_DIR) -> tuple[Path, Path]:
    """Write color.png and outline.png into `directory` and return their paths."""
    color_path = directory / "color.png"
    outline_path = directory / "outline.png"
    color_icon().save(color_path, format="PNG")
    outline_icon().save(outline_path, format="PNG")
    return color_path, outline_path


if __name__ == "__main__":
    for path in write_icons():
        print(f"Skrev {path}")
