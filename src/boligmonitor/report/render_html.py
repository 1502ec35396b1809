"""The report as one self-contained HTML page (report.html): readable on screen, printable.

Jinja2 with autoescape: every text from the input (area names, sources, citations) is escaped,
after :func:`~boligmonitor.report.safe_text.visible` has replaced the characters HTML forbids
(control characters) or that would reorder the page's text (bidi overrides); the template's
``finalize`` hook does both for every ``{{ ... }}`` it prints.
Charts are inline PNG data URIs; the page loads nothing from the network and runs no script (its
content security policy says so, so a browser would refuse even an injected one).
"""

from __future__ import annotations

import base64
import struct
from functools import cache
from importlib import resources

import jinja2
from markupsafe import Markup

from boligmonitor.report.charts import DEFAULT_DPI
from boligmonitor.report.content import ReportContent
from boligmonitor.report.safe_text import visible


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("boligmonitor.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
        finalize=_visible,
    )


def _visible(value):
    # Markup is the template's own (macros, the style sheet); text is made visible, then escaped.
    if isinstance(value, str) and not isinstance(value, Markup):
        return visible(value)
    return value


def _css() -> str:
    return (resources.files("boligmonitor.report").joinpath("templates", "report.css")
            .read_text(encoding="utf-8"))


def png_size(png: bytes) -> tuple[int, int]:
    """Return the (width, height) of a PNG image in pixels, from its header."""
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def render_html(content: ReportContent, images: dict[str, bytes]) -> bytes:
    """Return the report as UTF-8 HTML bytes; ``images`` maps chart keys to PNG bytes."""
    sizes = {}
    for key, png in images.items():
        w, h = png_size(png)
        # Shown at its size in inches on a 96-dpi screen; the extra pixels print sharply.
        sizes[key] = (round(w * 96 / DEFAULT_DPI), round(h * 96 / DEFAULT_DPI))
    encoded = {k: base64.b64encode(v).decode("ascii") for k, v in images.items()}
    html = _environment().get_template("report.html.j2").render(
        c=content, images=encoded, sizes=sizes, css=Markup(_css()),
    )
    return html.encode("utf-8")
