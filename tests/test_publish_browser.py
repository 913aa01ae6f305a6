"""A real headless Chromium (Debian's chromium and chromium-driver, driven by Selenium)
opens kg publish's site served by a real nginx: pages render, every link on a work and
a person page resolves, search finds a work by a word of its title, each page's embedded
JSON-LD equals its resource's triples. Screenshots of a work and a person page (desktop
and phone widths) are kept in out/screenshots/."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from tests.publish_fixtures import EXPORT, ROOT, expected, path_of, samples, store
from tests.rdfcompare import assert_same_triples, canonical_triples
from tests.servers import require_binary
from tests.webservers import start_nginx

SCREENSHOTS = ROOT / "out" / "screenshots"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1000")
WAIT_SECONDS = 20


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    folder = Path(tempfile.mkdtemp(prefix="kg-site-"))
    folder.chmod(0o755)
    site = folder / "site"
    result = CliRunner().invoke(app, ["publish", str(EXPORT), "-o", str(site), "--quiet"])
    assert result.exit_code == 0, result.output
    web = start_nginx(site, tmp_path_factory.mktemp("nginx"))
    yield web
    web.stop()
    shutil.rmtree(folder)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = require_binary("chromium", install="run tests/system-deps.sh (Debian chromium)")
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    driver_path = require_binary("chromedriver", install="run tests/system-deps.sh (Debian chromium-driver)")
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(WAIT_SECONDS)
    driver.set_script_timeout(WAIT_SECONDS)
    yield driver
    driver.quit()


def label(iri: str) -> str:
    rows = store().query(f"SELECT ?n WHERE {{ <{iri}> <http://schema.org/name> ?n }} ORDER BY ?n LIMIT 1",
                         use_default_graph_as_union=True)
    return next(iter(rows))["n"].value


def check_page(browser, nginx, kind: str, capsys) -> None:
    from selenium.webdriver.common.by import By

    iri = samples()[kind]
    browser.set_window_size(1280, 1000)
    browser.get(f"http://127.0.0.1:{nginx.port}{path_of(iri)}")
    assert urlsplit(browser.current_url).path == path_of(iri) + ".html"  # followed the 303
    assert browser.execute_script("return document.documentElement.lang") == "en"
    assert browser.find_element(By.TAG_NAME, "h1").text == label(iri)
    script = browser.find_element(By.CSS_SELECTOR, 'script[type="application/ld+json"]').get_attribute("textContent")
    assert_same_triples(canonical_triples(ox.parse(script.encode("utf-8"), format=ox.RdfFormat.JSON_LD)), set(expected(iri)))
    hrefs = sorted({a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "a[href]")})
    local = [h for h in hrefs if urlsplit(h).netloc == f"127.0.0.1:{nginx.port}"]
    assert len(local) > 5, hrefs
    for href in local:
        path = urlsplit(href).path
        status, headers, _ = nginx.get(path, BROWSER_ACCEPT)
        if status == 303:  # an authorship's is to its work's page (at an anchor)
            status, _, _ = nginx.get(urljoin(path, headers["location"]).split("#")[0], BROWSER_ACCEPT)
        assert status == 200, (href, status)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / f"{kind}.png"))
    browser.set_window_size(390, 844)  # a phone: nothing wider than the screen
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
    browser.save_screenshot(str(SCREENSHOTS / f"{kind}-phone.png"))
    with capsys.disabled():
        print(f"\n{kind} page: {len(local)} links on this site resolve, {len(hrefs) - len(local)} external; "
              f"screenshots in {SCREENSHOTS}/{kind}.png, {kind}-phone.png")


def test_work_page_renders_and_every_link_resolves(browser, nginx, capsys):
    check_page(browser, nginx, "work", capsys)


def test_person_page_renders_and_every_link_resolves(browser, nginx, capsys):
    check_page(browser, nginx, "person", capsys)


def test_search_finds_a_work_by_a_title_word(browser, nginx):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    work = samples()["work"]
    word = max(label(work).split(), key=len)
    browser.set_window_size(1280, 1000)
    browser.get(f"http://127.0.0.1:{nginx.port}/search.html")
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: "indexed" in d.find_element(By.ID, "search-status").text)
    browser.find_element(By.ID, "q").send_keys(word.lower(), Keys.ENTER)
    results = WebDriverWait(browser, WAIT_SECONDS).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results a") or None)
    assert any(urlsplit(a.get_attribute("href")).path == path_of(work) for a in results), word


def test_keyboard_reaches_the_skip_link_first(browser, nginx):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(f"http://127.0.0.1:{nginx.port}{path_of(samples()['person'])}")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Skip to content"
