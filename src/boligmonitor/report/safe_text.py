"""Input text made fit to show in every file of the report.

An area name, a source or a citation comes from the user's files or the Python API, and may hold
characters no report format should carry raw: C0 control characters (ESC, BEL, NUL: XML, and so
XLSX and PPTX, forbids them; HTML calls them parse errors), DEL and the C1 controls, lone
surrogates and the XML non-characters U+FFFE/U+FFFF, and the bidirectional embedding, override
and isolate controls (U+202A-U+202E, U+2066-U+2069), which reorder the text that follows them on
screen: a name with U+202E could turn the numbers after it around. :func:`visible` replaces each
with U+FFFD (the replacement character, �), the same in all four files. (The control pictures,
␛ for ESC, would say more, but the PDF's font has no glyph for them.) Tab and line breaks are
kept. Escaping for a format's markup is the renderer's job, after this.

>>> visible("Vester\x1bvang\u202e")
'Vester�vang�'
"""

from __future__ import annotations

import re

_ANY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                  r"\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def visible(text: str) -> str:
    """Return ``text`` with every character no report format may carry raw replaced by U+FFFD
    (see the module docstring)."""
    if _ANY.search(text) is None:  # the common case: nothing to replace, no copy
        return text
    return _ANY.sub(REPLACEMENT, text)
