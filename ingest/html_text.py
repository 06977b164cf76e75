"""HTML mail bodies to plain text, with the standard library only.

Keeps what a reader sees and its shape: paragraphs and headings are separated
by a blank line, ``<br>`` and table rows end a line, list items become
``- item`` (``1. item`` in an ordered list), table cells are separated by a
tab, a link keeps its text. Scripts, styles and the ``<head>`` go; entities
are decoded. Whitespace inside text collapses as a browser collapses it,
except inside ``<pre>``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_PARAGRAPH_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 table blockquote pre ul ol dl section article header footer "
    "address form fieldset figure hr center".split()
)
_LINE_TAGS = frozenset({"br", "tr", "dt", "dd", "caption"})
_CELL_TAGS = frozenset({"td", "th"})
_SKIP_TAGS = frozenset({"script", "style", "head", "title", "template", "svg"})
_SPACES = re.compile(r"\s+")
_LINE_SPACES = re.compile(r"[ \t\f\v\r]*\t[ \t\f\v\r]*|[ \f\v\r]+")
_BLANK_RUNS = re.compile(r"\n{3,}")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0
        self._pre_depth = 0
        self._lists: list[int | None] = []  # one entry per open list: next number, None for <ul>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self._skip_depth = 0  # a <head> that was never closed ends here
        elif tag in _SKIP_TAGS:
            self._skip_depth += 1
        elif tag == "li":
            self.parts.append("\n" + self._bullet())
        elif tag in _CELL_TAGS:
            self.parts.append("\t")
        elif tag in _LINE_TAGS:
            self.parts.append("\n")
        elif tag in _PARAGRAPH_TAGS:
            self.parts.append("\n\n")
        if tag in ("ul", "ol"):
            self._lists.append(1 if tag == "ol" else None)
        elif tag == "pre":
            self._pre_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _LINE_TAGS or tag == "hr":
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _PARAGRAPH_TAGS:
            self.parts.append("\n\n")
        if tag in ("ul", "ol") and self._lists:
            self._lists.pop()
        elif tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        if self._pre_depth:
            self.parts.append(data)
        else:
            self.parts.append(_SPACES.sub(" ", data))

    def _bullet(self) -> str:
        if not self._lists or self._lists[-1] is None:
            return "- "
        number = self._lists[-1]
        self._lists[-1] = number + 1
        return f"{number}. "


def html_to_text(html: str) -> str:
    """Visible text of an HTML document, laid out as plain text (see the module doc)."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    text = "".join(collector.parts).replace("\xa0", " ")
    lines = [
        _LINE_SPACES.sub(lambda m: "\t" if "\t" in m.group(0) else " ", line) for line in text.split("\n")
    ]
    text = "\n".join(line.strip() for line in lines)
    return _BLANK_RUNS.sub("\n\n", text).strip()
