"""An HTML mail body made safe to show in a sandboxed ``<iframe srcdoc>``.

Three layers, each enough on its own for scripts: the iframe's ``sandbox`` has no
``allow-scripts``; the document's Content-Security-Policy allows no script and no remote
resource; and this rewrite drops ``<script>`` and other active elements, every ``on…``
attribute, and every URL that is not ``http``, ``https`` or ``mailto`` (``javascript:``
links become plain text). Links open in a new tab (``<base target="_blank">``); links into
spreadsheets the emulator holds open in the viewer.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

from tst_sheets.emulator.viewer.grid import LinkRewriter

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "form-action 'none'; base-uri 'none'"
)
SANDBOX = "allow-popups allow-popups-to-escape-sandbox"
_DROPPED = {  # gone with everything inside
    "script",
    "noscript",
    "template",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "title",
    "svg",
    "math",
}
_UNWRAPPED = {"html", "head", "body", "meta", "link", "base", "form"}  # tag gone, content kept
_NAME = re.compile(r"^[a-z][a-z0-9:_-]*$")  # tag and attribute names kept as written
_LINKS = {"href"}
_SOURCES = {"src", "background", "poster", "srcset", "action", "formaction", "xlink:href",
            "cite", "longdesc", "data", "ping", "srcdoc", "lowsrc", "dynsrc"}  # fmt: skip


def document(body_html: str, rewrite: LinkRewriter) -> str:
    """The ``srcdoc`` text: a fixed head (CSP, base target) and the cleaned body."""
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<base target="_blank"></head><body>'
        f"{clean(body_html, rewrite)}</body></html>"
    )


def iframe(body_html: str, rewrite: LinkRewriter) -> str:
    srcdoc = escape(document(body_html, rewrite), quote=True)
    return (
        f'<iframe class="mail" sandbox="{SANDBOX}" referrerpolicy="no-referrer" '
        f'title="Message body (HTML)" srcdoc="{srcdoc}"></iframe>'
    )


def clean(body_html: str, rewrite: LinkRewriter) -> str:
    cleaner = _Cleaner(rewrite)
    cleaner.feed(body_html)
    cleaner.close()
    return "".join(cleaner.out)


class _Cleaner(HTMLParser):
    def __init__(self, rewrite: LinkRewriter) -> None:
        super().__init__(convert_charrefs=True)
        self.rewrite = rewrite
        self.out: list[str] = []
        self.dropping: list[str] = []  # the open dropped elements
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=True)

    def handle_endtag(self, tag: str) -> None:
        if self.dropping:
            if tag == self.dropping[-1]:
                self.dropping.pop()
            return
        if tag == "style":
            self.in_style = False
        if tag not in _UNWRAPPED and tag not in _DROPPED and _NAME.match(tag):
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.dropping:
            return
        if self.in_style:  # CSS stays CSS, but can never close its element early
            self.out.append(data.replace("<", "\\3c "))
        else:
            self.out.append(escape(data, quote=False))

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        if self.dropping:
            if tag == self.dropping[-1] and not closed:
                self.dropping.append(tag)
            return
        if tag in _DROPPED:
            if not closed:
                self.dropping.append(tag)
            return
        if tag in _UNWRAPPED or not _NAME.match(tag):
            return
        kept = []
        for name, value in attrs:
            name = name.lower()
            if name.startswith("on") or name in ("rel", "target") or not _NAME.match(name):
                continue
            if name in _LINKS:
                href = self.rewrite(value or "")
                if href is None:
                    continue
                value = href
            elif name in _SOURCES and not (
                name == "src" and (value or "").lower().startswith("data:image/")
            ):
                continue
            kept.append(f' {name}="{escape(value or "", quote=True)}"' if value else f" {name}")
        if tag == "a":
            kept.append(' rel="noopener noreferrer"')
        if tag == "style":
            self.in_style = not closed
        self.out.append(f"<{tag}{''.join(kept)}{' /' if closed else ''}>")
