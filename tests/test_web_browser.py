"""The key flow in a real browser: headless Debian Chromium through selenium.

Anonymous home -> sign in -> search -> open a hit's thread -> follow a topic
link; private content shows up only after sign-in. Screenshots are saved to
the test's tmp dir (and to $BACKCHANNEL_SCREENSHOTS when set).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.webdata import ALICE, DM_WORD, PASSWORDS, PRIVATE_WORD, WebData, build
from web import create_app

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
    pytest.skip(
        "needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver): "
        "apt-get install chromium chromium-driver",
        allow_module_level=True,
    )
webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium 4 (pip install selenium)")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> WebData:
    return build(tmp_path_factory.mktemp("web_browser"))


@pytest.fixture(scope="module")
def base_url(data: WebData) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, create_app(data.settings), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture()
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("SE_OFFLINE", "true")  # selenium-manager must never download anything
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1000",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _shot(driver: Any, tmp_path: Path, name: str) -> Path:
    """Save a full-page screenshot to tmp_path (and $BACKCHANNEL_SCREENSHOTS if set)."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, max(800, min(int(height) + 40, 4000)))
    path = tmp_path / f"{name}.png"
    assert driver.save_screenshot(str(path))
    extra = os.environ.get("BACKCHANNEL_SCREENSHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(extra) / path.name)
    driver.set_window_size(1280, 1000)
    return path


def _search(driver: Any, text: str) -> None:
    box = driver.find_element(By.CSS_SELECTOR, "header .searchbox input[name=q]")
    box.clear()
    box.send_keys(text)
    box.submit()
    WebDriverWait(driver, 10).until(ec.title_contains("Search"))


def test_web_browser_sign_in_search_thread_topic(browser: Any, base_url: str, tmp_path: Path) -> None:
    wait = WebDriverWait(browser, 10)

    # Anonymous: public content, the banner, no private channel or DM.
    browser.get(base_url + "/")
    assert "Sign in to see your private channels, DMs and mail" in browser.page_source
    assert "Has anyone read the" in browser.page_source
    assert PRIVATE_WORD not in browser.page_source.lower()
    _shot(browser, tmp_path, "home-anonymous")
    _search(browser, DM_WORD)
    assert browser.find_elements(By.ID, "no-results")

    # Sign in through the form; we come back to the page we were on.
    browser.find_element(By.ID, "login-link").click()
    wait.until(ec.presence_of_element_located((By.ID, "email"))).send_keys(ALICE)
    browser.find_element(By.ID, "password").send_keys(PASSWORDS[ALICE])
    browser.find_element(By.ID, "login-submit").click()
    wait.until(ec.presence_of_element_located((By.ID, "logout")))
    assert browser.find_elements(By.CSS_SELECTOR, ".hit"), "the DM is found once signed in"
    assert "Sign in to see your private channels" not in browser.page_source

    browser.get(base_url + "/")
    assert PRIVATE_WORD in browser.page_source.lower()
    _shot(browser, tmp_path, "home")

    # Search, open the hit's thread at the message.
    _search(browser, "annual report")
    assert browser.find_element(By.CSS_SELECTOR, ".snippet mark").text.lower() in ("annual", "report")
    _shot(browser, tmp_path, "search")

    # A misspelt query offers the correction; a facet narrows the results with its operator.
    _search(browser, "anual report")
    browser.find_element(By.CSS_SELECTOR, "#did-you-mean a").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".hit")))
    assert browser.find_element(By.CSS_SELECTOR, ".snippet mark").text.lower() in ("annual", "report")
    year = browser.find_element(By.CSS_SELECTOR, "#facet-year .facet-values a")
    year_count = int(year.find_element(By.XPATH, "following-sibling::span").text)
    year.click()
    wait.until(ec.url_contains("during:"))
    assert len(browser.find_elements(By.CSS_SELECTOR, ".hit")) <= year_count
    _search(browser, "annual report")
    browser.find_element(By.CSS_SELECTOR, "a.hit-link").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "article.message")))
    assert "#m-" in browser.current_url
    assert browser.find_elements(By.XPATH, "//*[contains(text(), \"<script>alert('xss')</script>\")]")
    _shot(browser, tmp_path, "thread")

    # Follow a topic link in the message body.
    browser.find_element(By.CSS_SELECTOR, "a.mention[href='/topic/enron']").click()
    wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Enron"))
    link = browser.find_element(By.CSS_SELECTOR, "a.external")
    assert link.get_attribute("href") == "https://en.wikipedia.org/wiki/Enron"
    _shot(browser, tmp_path, "topic")

    # Sign out: private content is gone again.
    browser.find_element(By.ID, "logout").click()
    wait.until(ec.presence_of_element_located((By.ID, "login-link")))
    assert PRIVATE_WORD not in browser.page_source.lower()
    assert all((tmp_path / f"{n}.png").stat().st_size > 10_000 for n in ("home", "search", "thread", "topic"))
