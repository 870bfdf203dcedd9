"""Text written into the Markdown export, escaped so it reads as the text it is.

Titles, notes, workload names (anyone with edit rights writes them) and the knowledge's
wording are plain text: a ``<script>``, an ``[a link](…)``, a ``# heading`` or a ``|`` that
ends a table cell must come out as those characters, not as Markdown or HTML. Every
character that Markdown or HTML would read is backslash-escaped (CommonMark turns ``\\<``
back into ``<``), and line starts that would open a block are escaped too.
"""

from __future__ import annotations

import re

from django import template

register = template.Library()

# Inline: emphasis, code, links and images, raw HTML and entities, tables, strikethrough.
_INLINE = re.compile(r"([\\`*_\[\]<>&|~!])")
# Block openers at the start of a line: headings, quotes, lists, rules, setext underlines.
_BLOCK_START = re.compile(r"^(\s*)([#>+\-=]|\d+(?=[.)]))")


def _line(text: str) -> str:
    escaped = _INLINE.sub(r"\\\1", text.lstrip(" \t"))  # 4 spaces would open a code block
    return _BLOCK_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", escaped)


@register.filter
def md(value: object) -> str:
    """One line of plain text (line breaks become spaces)."""
    return _line(" ".join(str(value).split("\n")).replace("\r", " "))


@register.filter
def md_block(value: object) -> str:
    """Plain text keeping its lines (notes, descriptions): each line escaped on its own."""
    lines = str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(_line(line) for line in lines)
