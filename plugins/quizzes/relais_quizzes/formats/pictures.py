"""SVG pictures of imported questions, turned into PNG.

An SVG is active content (scripts, event handlers, links to elsewhere): rather than
trust a sanitiser to find every way a script can hide in one, the picture is drawn
into pixels by CairoSVG in its safe mode (no XML entities, nothing fetched but
``data:`` URLs), and only the PNG is kept. What cannot be drawn is refused.
"""

import re

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

# Large enough for a diagram in a question, small enough that a file declaring a
# 100,000-pixel-wide picture cannot fill the server's memory.
LONGEST_SIDE = 1200
DEFAULT_SIZE = (300.0, 150.0)  # a browser's size for an SVG that gives none
_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")


class NotAPicture(ValueError):
    """The SVG cannot be read or drawn."""


def _size(root):
    def length(name):
        match = _LENGTH.match(root.get(name) or "")
        return float(match.group(1)) if match else None

    width, height = length("width"), length("height")
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if (width is None or height is None) and len(box) == 4:
        try:
            box_width, box_height = float(box[2]), float(box[3])
        except ValueError:
            box_width = box_height = 0
        if box_width > 0 and box_height > 0:
            if width is None and height is None:
                width, height = box_width, box_height
            elif width is None:
                width = height * box_width / box_height
            else:
                height = width * box_height / box_width
    if not width or not height:
        return DEFAULT_SIZE
    return width, height


def svg_to_png(data: bytes) -> tuple[bytes, str]:
    """(PNG bytes, the picture's own title or "") of an SVG document."""
    try:
        root = fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise NotAPicture(str(error)) from error
    if not root.tag.endswith("svg"):
        raise NotAPicture(root.tag)
    width, height = _size(root)
    scale = min(1.0, LONGEST_SIDE / max(width, height))
    try:
        # Imported here: CairoSVG loads the system's libcairo2, and a server
        # without it must still import every question that has no SVG.
        import cairosvg
    except OSError as error:
        raise NotAPicture(f"libcairo2 is not installed: {error}") from error
    try:
        png = cairosvg.svg2png(
            bytestring=data,
            output_width=max(1, round(width * scale)),
            output_height=max(1, round(height * scale)),
            unsafe=False,
        )
    except Exception as error:  # CairoSVG raises many kinds; each one is said
        raise NotAPicture(str(error)) from error
    title = next(
        (
            (element.text or "").strip()
            for element in root
            if element.tag.rsplit("}", 1)[-1] == "title"
        ),
        "",
    )
    return png, title or (root.get("aria-label") or "").strip()
