"""A report's exits as a PNG bar chart for the chat, labelled as the card is."""

from __future__ import annotations

import io
from typing import Any

from dialogs.report_text import key_label, percent, work_or_studies_goal
from dialogs.texts import t
from storage.reports import GENDER_COLUMNS, TOTAL, Report

_WIDTH, _HEIGHT = 720, 420
_PLOT = (70, 60, 500, 360)  # left, top, right, bottom
_SUS_COLOURS = {
    "employment": (38, 110, 74),
    "studies": (96, 170, 120),
    "job_seeking": (230, 170, 60),
    "other": (170, 170, 175),
}
_GOAL_COLOUR = (200, 40, 40)


# Pillow's built-in font has no å, ä or ö: use a common system font that has them.
_FONTS = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf", "arial.ttf",
          "segoeui.ttf")


def _font(size: int) -> Any:
    from PIL import ImageFont

    for name in _FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def exits_chart(report: Report, locale: str | None = "sv") -> bytes:
    """Exits by SUS group as 100 % bars for women, men and everyone, work and studies at the
    bottom, so their height meets the dashed line of the goal (when one is configured). Masked
    bars are left empty. Pillow is imported here, on first use, not when the bot starts."""
    from PIL import Image, ImageDraw

    table = report.tables["exits_sus"]
    image = Image.new("RGB", (_WIDTH, _HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font, small = _font(15), _font(12)
    left, top, right, bottom = _PLOT
    draw.text((left, 18), t("report_chart_title", locale), fill="black", font=font)
    for tick in range(0, 101, 20):
        y = bottom - (bottom - top) * tick / 100
        draw.line((left, y, right, y), fill=(230, 230, 230))
        draw.text((left - 40, y - 7), f"{tick} %", fill="black", font=small)
    groups = [g for g in (*GENDER_COLUMNS, TOTAL) if g != "other"]
    slot = (right - left) / len(groups)
    n = len(table.rows)
    for k, group in enumerate(groups):
        j = table.column(group)
        x0, x1 = left + slot * k + slot * 0.2, left + slot * (k + 1) - slot * 0.2
        draw.text((x0, bottom + 8), key_label("gender", group, locale), fill="black", font=small)
        whole = table.value(n, j)
        if any(table.is_masked(i, j) for i in range(n + 1)) or not whole:
            draw.rectangle((x0, top, x1, bottom), outline=(150, 150, 150))
            mark = t("report_chart_hidden" if whole else "report_chart_none", locale)
            draw.text((x0 + 6, (top + bottom) / 2), mark, fill=(90, 90, 90), font=small)
            continue
        y = float(bottom)
        for i, key in enumerate(table.rows):
            height = (bottom - top) * table.value(i, j) / whole
            if height:
                draw.rectangle((x0, y - height, x1, y), fill=_SUS_COLOURS[key])
            y -= height
        draw.text((x0, bottom + 22), f"n={whole}", fill=(90, 90, 90), font=small)
    goal = work_or_studies_goal(report)
    if goal is not None:
        goal_y = bottom - (bottom - top) * goal
        for x in range(left, right, 12):
            draw.line((x, goal_y, min(x + 7, right), goal_y), fill=_GOAL_COLOUR, width=2)
        draw.text((right + 8, goal_y - 8), t("report_chart_goal", locale, goal=percent(goal)),
                  fill=_GOAL_COLOUR, font=small)
    y = top + 40
    for key in reversed(table.rows):
        draw.rectangle((right + 8, y, right + 22, y + 14), fill=_SUS_COLOURS[key])
        draw.text((right + 28, y), key_label("sus", key, locale), fill="black", font=small)
        y += 22
    out = io.BytesIO()
    image.convert("P", palette=Image.Palette.ADAPTIVE, colors=32).save(out, "PNG", optimize=True)
    return out.getvalue()
