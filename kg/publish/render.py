"""Publish stage: pages to HTML with the package's Jinja2 templates.

Autoescaping is on for every template: titles, names and abstracts come from untrusted
text files, so nothing is marked safe but the JSON-LD (escaped for a script element by
:func:`kg.publish.documents.script_jsonld`) and the links made by :func:`link`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from kg import __version__
from kg.publish.views import Item, Link, Page


@dataclass(frozen=True, slots=True)
class Site:
    """What every page's frame shows."""

    title: str
    exports: str
    sparql: bool
    version: str = __version__


def _link(value: Link) -> str:
    text = f'<a href="{escape(value.href)}">{escape(value.text)}</a>' if value.href else escape(value.text)
    return f"{text} <small>({escape(value.note)})</small>" if value.note else text


def link(value: Link) -> Markup:
    """A link (or text) with its note, every part escaped."""
    return Markup(_link(value))


def links(values: tuple[Link, ...]) -> Markup:
    """Links separated by commas (a page's facts and statements: made here, not by a
    template loop, since pages have thousands)."""
    return Markup(", ".join(map(_link, values)))


def item(value: Item) -> Markup:
    """One ``<li>`` of a section: its link, then its details after a dash."""
    anchor = f' id="{escape(value.anchor)}"' if value.anchor else ""
    details = ""
    if value.details:
        lead = f"{escape(value.lead)} " if value.lead else ""
        details = f'<span class="details"> — {lead}{", ".join(map(_link, value.details))}</span>'
    return Markup(f"<li{anchor}>{_link(value.link)}{details}</li>")


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("kg.publish", "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True,
                      auto_reload=False)  # the package's templates do not change while it runs: no stat a page
    env.globals.update(link=link, links=links, item=item)
    return env


def root_of(path: str) -> str:
    """The relative link from a page at ``path`` to the site's root."""
    return "../" * path.count("/")


def render_page(page: Page, site: Site) -> str:
    return environment().get_template("page.html").render(page=page, site=site, title=page.title, root=root_of(page.path))


def render(template: str, site: Site, path: str, **values: object) -> str:
    """Any other template (search, SPARQL, error) as the page at ``path``."""
    return environment().get_template(template).render(site=site, root=root_of(path), **values)
