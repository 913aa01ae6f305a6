"""Publish stage: ``kg publish``, the exports as a static site for any web host.

For every resource it writes its page and its RDF documents at the resource's path
plus a suffix (``work/x.html``, ``work/x.ttl``, ``.jsonld``, ``.nt``, ``.rdf``), the
paths percent-decoded as web servers map URLs to files (an authorship has none: its
work's describe it, :meth:`kg.publish.store.Published.described_by`); then the index pages, the
search page and its JSON index, ``sitemap.xml``, the VoID at ``.well-known/void.*``, a
404 page, the stylesheet and script, and in ``_config/`` the nginx and Apache
configurations that answer each extensionless IRI as ``kg serve`` does
(:mod:`kg.publish.webconf`).

Deterministic: the same exports give the same bytes in every file, on any number of
processes. Atomic: the site is written to a staging folder beside the output and
renamed into place; a folder that is not a kg site is never replaced.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from urllib.parse import unquote

from kg.errors import InputError
from kg.publish.browse import Indexes, sitemaps
from kg.publish.documents import rdf_document
from kg.publish.negotiation import JSONLD, RDF_REPRESENTATIONS
from kg.publish.pages import resource_page
from kg.publish.render import Site, render, render_page
from kg.publish.store import Published
from kg.publish.webconf import config_files

MARKER = "_config/kg-site"
"""A file only kg publish writes: an existing output folder with it may be replaced."""
BATCH = 500

_published: Published | None = None  # the store a forked worker inherits


@dataclass(frozen=True, slots=True)
class SiteSummary:
    resources: int
    files: int


def file_path(root: str, site_path: str, suffix: str) -> str:
    """Where the document of a site path is written: percent-decoded, inside ``root``
    (empty and ``.`` segments dropped, as a URL path's are; ``..`` refused)."""
    decoded = unquote(site_path) + suffix
    parts = [part for part in decoded.split("/") if part not in ("", ".")]
    if decoded.startswith("/") or ".." in parts:
        raise InputError.at(site_path, None, "an IRI path that cannot be a file name in the site",
                            "such IRIs are not made by kg export; check the base")
    return os.path.join(root, *parts)


def _write(path: str, content: str | bytes, folders: set[str] | None = None) -> None:
    folder = os.path.dirname(path)
    if folders is None or folder not in folders:
        os.makedirs(folder, exist_ok=True)
        if folders is not None:
            folders.add(folder)
    with open(path, "wb") as handle:
        handle.write(content.encode("utf-8") if isinstance(content, str) else content)


def _write_resources(task: tuple[str, list[str], Site]) -> int:
    """Write the documents of a batch of resources (in a worker, or in the main process)."""
    root, iris, site = task
    published = _published
    assert published is not None
    written, folders = 0, set()
    for iri in iris:
        path = published.path_of(iri)
        if path is None:
            continue
        triples = published.describe(iri)
        documents = {r: rdf_document(triples, r) for r in RDF_REPRESENTATIONS}
        page = resource_page(published, iri, triples, documents[JSONLD].decode("utf-8"))
        if page is None:
            continue
        _write(file_path(root, path, ".html"), render_page(page, site), folders)
        for representation, document in documents.items():
            _write(file_path(root, path, representation.suffix), document, folders)
        written += 1 + len(documents)
    return written


def _write_resources_all(published: Published, root: Path, iris: list[str], site: Site, jobs: int) -> int:
    global _published
    _published = published
    tasks = [(str(root), iris[i:i + BATCH], site) for i in range(0, len(iris), BATCH)]
    try:
        if jobs <= 1 or len(tasks) <= 1:
            return sum(map(_write_resources, tasks))
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return sum(pool.imap_unordered(_write_resources, tasks))
    finally:
        _published = None


def _write_rest(published: Published, root: Path, iris: list[str], site: Site, final: Path) -> int:
    """Everything that is not a resource's own document (``iris``: those that have
    documents, the sitemap's pages)."""
    indexes = Indexes(published)
    texts: dict[str, str | bytes] = {"index.html": render_page(indexes.home(), site),
                                     "search.html": render("search.html", site, "search", title="Search"),
                                     "search.json": indexes.search_index(),
                                     "404.html": render("error.html", site, "404", title="Not found",
                                                        message="404 Not Found: this site has no such resource or document.",
                                                        hint="Browse the indexes or search titles and names.")}
    for page in indexes.pages():
        texts[f"{page.path}.html"] = render_page(page, site)
    texts.update(sitemaps(published, iris))
    for representation in RDF_REPRESENTATIONS:
        texts[f".well-known/void{representation.suffix}"] = rdf_document(published.void, representation)
    for asset in files("kg.publish").joinpath("static").iterdir():
        if asset.is_file():
            texts[f"static/{asset.name}"] = asset.read_bytes()
    texts.update(config_files(published, str(final)))
    texts[MARKER] = "This folder was written by kg publish; kg publish may replace it whole.\n"
    for name, content in texts.items():
        _write(str(root / name), content)
    return len(texts)


def write_site(published: Published, output: Path, jobs: int | None = None) -> SiteSummary:
    """Write the site to ``output`` whole, or leave it as it was."""
    output = output.resolve()
    if output.exists() and not (output / MARKER).is_file() and any(output.iterdir()):
        raise InputError.at(str(output), None, "the folder exists and is not a site kg publish wrote",
                            "give a new or empty folder: kg publish replaces its output whole")
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.staging."))
    try:
        iris = published.served_iris()
        own = published.document_iris(iris)
        site = Site(published.title, ", ".join(p.name for p in published.exports), sparql=False)
        count = _write_resources_all(published, staging, own, site, jobs or os.cpu_count() or 1)
        count += _write_rest(published, staging, own, site, output)
        os.chmod(staging, 0o755)
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return SiteSummary(resources=len(iris), files=count)


def _swap(staging: Path, output: Path) -> None:
    """Rename the staging folder to ``output``; an old site is renamed away, then removed."""
    old = None
    if output.exists():
        old = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.old."))
        os.rename(output, old / "site")
    os.rename(staging, output)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
