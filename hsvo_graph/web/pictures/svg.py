"""A small SVG writer: escaped text, wrapped lines, boxes, links and connectors.

Everything that comes from the graph passes through ``esc``, so a label can never
become markup.
"""

import textwrap
from html import escape


def esc(text: object) -> str:
    """Text safe inside SVG/XML content and attribute values."""
    return escape(str(text), quote=True)


def wrap(text: str, width: int, max_lines: int | None = None) -> list[str]:
    """``text`` broken into lines of at most ``width`` characters between words (a word
    longer than a line keeps its own line rather than breaking mid-word); an ellipsis
    marks a cut."""
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(width - 1, 1)].rstrip() + "…"
    return lines


class Canvas:
    """Collects SVG elements and renders them with a title and description for screen
    readers (the pages add a full text alternative below the picture)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.lines: list[str] = []  # the visible text, for links' accessible names

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def rect(self, x: float, y: float, w: float, h: float, *, fill: str, stroke: str = "#767676",
             rx: float = 4, stroke_width: float = 1) -> None:
        self.add(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="{rx}" '
                 f'fill="{fill}" stroke="{stroke}" stroke-width="{stroke_width}"/>')

    def text(self, x: float, y: float, lines: list[str], *, size: float = 12, weight: str = "normal",
             fill: str = "#1b1b1b", anchor: str = "start", line_height: float | None = None,
             lang: str | None = None, lead: int = 0) -> None:
        """Lines of text; ``y`` is the baseline of the first line. ``lang``: the language of
        the text when it is not the page's (a Swedish name on an English page), from the
        ``lead`` first characters of the first line on (a status in the page's words
        before the name), so that a screen reader speaks it in its language."""
        step = line_height or size * 1.3
        self.lines += lines
        # a space ends every line but the last, so the text reads (and is named) as words
        spans = "".join(
            f'<tspan x="{x:.1f}" y="{y + i * step:.1f}">'
            f'{_in(line + (" " if i < len(lines) - 1 else ""), lang, lead if i == 0 else 0)}</tspan>'
            for i, line in enumerate(lines)
        )
        self.add(f'<text font-size="{size}" font-weight="{weight}" fill="{fill}" '
                 f'text-anchor="{anchor}">{spans}</text>')

    def line(self, x1: float, y1: float, x2: float, y2: float, *, stroke: str = "#767676") -> None:
        self.add(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}"/>')

    def connector(self, x1: float, y1: float, x2: float, y2: float, *, stroke: str = "#8a8a8a") -> None:
        """A smooth left-to-right curve from (x1, y1) to (x2, y2)."""
        mid = (x1 + x2) / 2
        self.add(f'<path d="M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f}" '
                 f'fill="none" stroke="{stroke}" stroke-width="1.2"/>')

    def link(self, href: str | None, label: str, inner: "Canvas", lang: str | None = None) -> None:
        """Wrap ``inner``'s elements in a link (or a plain group without ``href``), with the
        full label as tooltip. ``label`` is also the link's accessible name when it contains
        all the visible text (a count "7" named "ÄLN – Nära vård: 7"); otherwise the visible
        text is the name, since a name that differs from what is seen fails speech-input
        users (WCAG 2.5.3). ``lang``: the label's language when it is not the page's."""
        body = "".join(inner.parts)
        title = f"<title{_lang(lang)}>{esc(label)}</title>"
        if href:
            named = " ".join(inner.lines) in " ".join(label.split())
            # a link named by its label is all in the label's language, its text too
            aria = f' aria-label="{esc(label)}"{_lang(lang)}' if named else ""
            self.add(f'<a href="{esc(href)}"{aria}>{title}{body}</a>')
        else:
            self.add(f'<g>{title}{body}</g>')

    def render(self, width: float, height: float, title: str, description: str, ident: str) -> str:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="{width:.0f}" height="{height:.0f}" font-family="system-ui, sans-serif" '
            f'aria-labelledby="{ident}-title {ident}-desc">'
            f'<title id="{ident}-title">{esc(title)}</title><desc id="{ident}-desc">{esc(description)}</desc>'
            + "".join(self.parts) + "</svg>"
        )


def _lang(lang: str | None) -> str:
    """The attributes that mark a language: ``xml:lang`` for SVG as a file, ``lang`` for SVG
    in an HTML page (SVG 2 reads both)."""
    return f' xml:lang="{esc(lang)}" lang="{esc(lang)}"' if lang else ""


def _in(text: str, lang: str | None, lead: int) -> str:
    """``text`` escaped, from character ``lead`` on marked as in ``lang``."""
    if not lang or lead >= len(text):
        return esc(text)
    return f"{esc(text[:lead])}<tspan{_lang(lang)}>{esc(text[lead:])}</tspan>"
