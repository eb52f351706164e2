"""The page around every view: header, identity, styles. Text goes in escaped."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from werkzeug.wrappers import Response

STYLE = """
:root { --line: #e2e3e3; --head: #f8f9fa; --ink: #202124; --muted: #5f6368; --blue: #1a73e8; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       color: var(--ink); background: #fff; }
header.bar { display: flex; align-items: center; gap: 16px; padding: 8px 16px;
             border-bottom: 1px solid #dadce0; background: #fff; }
header.bar .home { font-weight: 600; color: #188038; text-decoration: none; }
header.bar h1 { font-size: 18px; font-weight: 400; margin: 0; flex: 1;
                overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
header.bar .who { color: var(--muted); font-size: 13px; }
main { padding: 12px 16px; }
h2 { font-size: 15px; font-weight: 600; margin: 18px 0 6px; }
table.list { border-collapse: collapse; min-width: 60%; }
table.list th, table.list td { text-align: left; padding: 5px 12px 5px 0;
                               border-bottom: 1px solid var(--line); }
table.list th { color: var(--muted); font-weight: 500; }
.muted { color: var(--muted); }
nav.tabs { display: flex; flex-wrap: wrap; gap: 2px; padding: 6px 16px 0;
           border-bottom: 1px solid #dadce0; background: var(--head); }
nav.tabs a { padding: 6px 14px; border: 1px solid transparent; border-bottom: 3px solid transparent;
             color: var(--muted); text-decoration: none; border-radius: 6px 6px 0 0; }
nav.tabs a.active { background: #fff; color: #188038; font-weight: 600; border-color: #dadce0;
                    border-bottom-color: #fff; }
.sheet { overflow: auto; max-height: calc(100vh - 96px); position: relative; }
.sheet div.chart { position: absolute; z-index: 4; box-shadow: 0 1px 3px rgba(60,64,67,.3); }
table.grid { border-collapse: separate; border-spacing: 0; table-layout: fixed; width: max-content;
             font: 13px Arial, Helvetica, sans-serif; }
table.grid td, table.grid th { border-right: 1px solid var(--line);
             border-bottom: 1px solid var(--line); padding: 0 4px; overflow: hidden;
             white-space: nowrap; background-color: #fff; vertical-align: bottom; }
table.grid thead th { position: sticky; top: 0; z-index: 5; height: 22px;
             background-color: var(--head); color: var(--muted); font-weight: 400;
             text-align: center; }
table.grid th.row { position: sticky; left: 0; z-index: 3; background-color: var(--head);
             color: var(--muted); font-weight: 400; text-align: center; }
table.grid th.corner { position: sticky; left: 0; top: 0; z-index: 7; }
table.grid tr.last td, table.grid tr.last th { border-bottom: 3px solid #c4c7c5; }
table.grid td.note { background-image: linear-gradient(225deg, #e37400 6px, transparent 6px); }
table.grid td.hl { background-color: #fce8b2 !important; box-shadow: inset 0 0 0 2px var(--blue);
             scroll-margin: 96px 160px; }
table.grid a { color: #1155cc; }
p.more { color: var(--muted); padding: 6px 0; }
ol.agenda { list-style: none; padding: 0; margin: 0; }
ol.agenda li { display: flex; gap: 16px; padding: 6px 0; border-bottom: 1px solid var(--line); }
ol.agenda .when { width: 210px; flex: none; color: var(--muted); }
ol.agenda .cancelled { text-decoration: line-through; color: var(--muted); }
.picker { display: flex; gap: 8px; align-items: center; }
table.mailbox tr.unread td { font-weight: 600; }
table.headers th { width: 140px; }
iframe.mail { display: block; width: 100%; height: 70vh; margin: 12px 0;
              border: 1px solid var(--line); background: #fff; }
pre.mailtext { white-space: pre-wrap; font: 13px/1.5 system-ui, sans-serif; margin: 12px 0; }
details { margin: 10px 0; }
"""

# Brings the highlighted cell into view even when the fragment scroll ran before layout.
_SCROLL = (
    "<script>addEventListener('load',function(){var c=document.querySelector('td.hl');"
    "if(c){c.scrollIntoView({block:'center',inline:'center'});}});</script>"
)


def page(title: str, body: str, *, as_user: str | None = None, status: int = 200) -> Response:
    who = f"viewing as {escape(as_user)}" if as_user else "viewing everything (local tool)"
    home = "/" + (("?" + urlencode({"as": as_user})) if as_user else "")
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)} · TST Sheets viewer</title>"
        f'<meta name="viewport" content="width=device-width"><style>{STYLE}</style></head>'
        f'<body><header class="bar"><a class="home" href="{escape(home, quote=True)}">'
        f'TST Sheets</a><h1>{escape(title)}</h1><span class="who">{who}</span></header>'
        f"{body}{_SCROLL}</body></html>"
    )
    return Response(html, status=status, content_type="text/html; charset=utf-8")


def not_found(what: str, as_user: str | None) -> Response:
    return page("Not found", f"<main><p>{escape(what)}</p></main>", as_user=as_user, status=404)


def link(href: str, text: str) -> str:
    return f'<a href="{escape(href, quote=True)}">{escape(text)}</a>'


def with_as(params: dict[str, str], as_user: str | None) -> str:
    """A query string that keeps the viewing identity."""
    if as_user:
        params = {**params, "as": as_user}
    return ("?" + urlencode(params)) if params else ""
