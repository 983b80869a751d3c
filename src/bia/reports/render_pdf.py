"""PDF rendering (WeasyPrint): the printable, archivable A4 document.

HTML + CSS through WeasyPrint rather than a drawing API, because page breaks inside long
narratives, wrapping of unbroken strings and French typography come for free. Every value is
HTML-escaped by Jinja's autoescape; the few values placed in CSS strings (page footer) go
through :func:`css_string`. The Jinja environment and WeasyPrint's font configuration are built
on first use (nothing at import) and reused, which is what keeps a warm render fast.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from bia.reports.layout import Sheet

TEMPLATES = Path(__file__).resolve().parent / "templates"


def css_string(value: object) -> Markup:
    """Text safe inside a double-quoted CSS string in a <style> element."""
    out = []
    for char in str(value):
        if char in '"\\<>&' or ord(char) < 0x20:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return Markup("".join(out))


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                      autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["css"] = css_string
    return env


@lru_cache(maxsize=1)
def _fonts() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def html(sheet: Sheet) -> str:
    """The HTML given to WeasyPrint (exposed so tests can check escaping)."""
    return _environment().get_template("document.html.j2").render(sheet=sheet)


def render(sheet: Sheet) -> bytes:
    from weasyprint import HTML

    pdf = HTML(string=html(sheet), base_url=str(TEMPLATES)).write_pdf(font_config=_fonts())
    assert pdf is not None
    return bytes(pdf)
