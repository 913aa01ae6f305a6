"""Publish stage: pages to HTML with the package's Jinja2 templates.

Autoescaping is on for every template: titles, names and abstracts come from untrusted
text files, so nothing is marked safe but the JSON-LD (escaped for a script element by
:func:`kg.publish.documents.script_jsonld`) and the links, items and facts made here,
every part escaped by :func:`_escape`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from kg import __version__
from kg.publish.views import Fact, Item, Link, Page


@dataclass(frozen=True, slots=True)
class Site:
    """What every page's frame shows."""

    title: str
    exports: str
    sparql: bool
    version: str = __version__


def _escape(text: str) -> str:
    """``text`` escaped for HTML as :func:`markupsafe.escape` does (``&<>'"``: the same
    characters, the same entities), as a plain string: pages have hundreds of links, each
    escaped two or three times, and markupsafe.escape with its Markup objects took a tenth
    of kg publish's time under cProfile (tests/test_publish_site.py checks they agree)."""
    return (text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;")
            .replace('"', "&#34;"))


def _link(value: Link) -> str:
    text = f'<a href="{_escape(value.href)}">{_escape(value.text)}</a>' if value.href else _escape(value.text)
    return f"{text} <small>({_escape(value.note)})</small>" if value.note else text


def _links(values: tuple[Link, ...]) -> str:
    return ", ".join(map(_link, values))


def _item(value: Item) -> str:
    anchor = f' id="{_escape(value.anchor)}"' if value.anchor else ""
    details = ""
    if value.details:
        lead = f"{_escape(value.lead)} " if value.lead else ""
        details = f'<span class="details"> — {lead}{_links(value.details)}</span>'
    return f"<li{anchor}>{_link(value.link)}{details}</li>"


def link(value: Link) -> Markup:
    """A link (or text) with its note, every part escaped."""
    return Markup(_link(value))


def items(values: tuple[Item, ...]) -> Markup:
    """A section's ``<li>`` elements, each on a line of its own: its link, then its
    details after a dash (made here in one call, not by a template loop: a person's or a
    large work's page has thousands of items)."""
    return Markup("".join(f"\n{_item(value)}" for value in values))


def facts(values: tuple[Fact, ...]) -> Markup:
    """``<dt>`` label and ``<dd>`` links of each fact (a page's facts and statements),
    each on lines of their own."""
    return Markup("".join(f"\n<dt>{_escape(fact.label)}</dt>\n<dd>{_links(fact.values)}</dd>" for fact in values))


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("kg.publish", "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True,
                      auto_reload=False)  # the package's templates do not change while it runs: no stat a page
    env.globals.update(link=link, items=items, facts=facts)
    return env


def root_of(path: str) -> str:
    """The relative link from a page at ``path`` to the site's root."""
    return "../" * path.count("/")


def render_page(page: Page, site: Site) -> str:
    return environment().get_template("page.html").render(page=page, site=site, title=page.title, root=root_of(page.path))


def render(template: str, site: Site, path: str, **values: object) -> str:
    """Any other template (search, SPARQL, error) as the page at ``path``."""
    return environment().get_template(template).render(site=site, root=root_of(path), **values)
