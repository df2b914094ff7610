"""The web UI in a real browser: Playwright for Python driving Debian's Chromium, headless.

The server runs on uvicorn on a free loopback port over the demo store of ``test_server.py``. Set
``NEWSFOLD_SCREENSHOTS=1`` to write laptop and phone screenshots into ``docs/screenshots/``.
Skipped when ``/usr/bin/chromium`` (``apt-get install chromium``) or Playwright is missing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found (apt-get install chromium chromium-driver)", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="browser tests need: pip install playwright")
pytest.importorskip("fastapi", reason="the server needs: pip install 'newsfold[serve]'")

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

from newsfold.server import create_app  # noqa: E402
from newsfold.store import Store  # noqa: E402
from test_server import HOSTILE_TEXT, HOSTILE_TITLE, TOKEN, populate_demo_store, serve_in_thread  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-gpu",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    """Save ``docs/screenshots/NAME.png`` when NEWSFOLD_SCREENSHOTS=1 (so CI leaves the tree clean)."""
    if os.environ.get("NEWSFOLD_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("browser") / "ui.db"
    with Store(path) as store:
        populate_demo_store(store)
    with serve_in_thread(create_app(path, token=TOKEN)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def new_page(browser: Browser, base_url: str, viewport: dict[str, int]) -> Page:
    context = browser.new_context(viewport=viewport, base_url=base_url)  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def laptop(browser: Browser, base_url: str) -> Iterator[Page]:
    page = new_page(browser, base_url, LAPTOP)
    yield page
    page.context.close()


@pytest.fixture
def phone(browser: Browser, base_url: str) -> Iterator[Page]:
    page = new_page(browser, base_url, PHONE)
    yield page
    page.context.close()


def test_timeline_event_and_copy_comparison(laptop: Page) -> None:
    laptop.goto("/")
    expect(laptop.get_by_role("heading", name="Storylines", exact=True)).to_be_visible()
    expect(laptop.locator("svg.timeline circle.dot")).to_have_count(5)
    screenshot(laptop, "timeline-laptop")

    laptop.locator('a.dot-link[href="/ui/events/ev-bridge-opens"] circle').click()
    expect(laptop.locator("h1")).to_have_text("Harbour Bridge reopens in Portmere after three years")
    expect(laptop.locator(".facts")).to_contain_text("Irena Hollis")
    copies = laptop.locator("details.copies").first
    copies.locator("summary").click()
    expect(copies.locator("li")).to_have_count(3)
    screenshot(laptop, "event-laptop")

    copies.locator("li", has_text="Harbour Bridge open again").get_by_role("link", name="compare").click()
    expect(laptop.locator("h1")).to_have_text("Side by side")
    sides = laptop.locator(".compare-side")
    expect(sides).to_have_count(2)
    first_mark = sides.nth(0).locator("mark[data-p]").first
    partner = sides.nth(1).locator(f'mark[data-p="{first_mark.get_attribute("data-p")}"]')
    first_mark.click()
    expect(partner).to_have_class("p0 active")
    screenshot(laptop, "compare-laptop", full_page=False)


def test_story_page_and_event_filters(laptop: Page) -> None:
    laptop.goto("/")
    laptop.get_by_role("link", name="The Gull Banks wind farm").first.click()
    expect(laptop.locator("h1")).to_have_text("The Gull Banks wind farm")
    expect(laptop.locator(".story-events > li")).to_have_count(2)
    laptop.get_by_role("link", name="Events", exact=True).click()
    laptop.get_by_label("Entity").fill("Greywater")
    laptop.get_by_role("button", name="Filter").click()
    expect(laptop.locator(".cards > li.card")).to_have_count(2)
    screenshot(laptop, "events-laptop")


def test_search_from_the_header(laptop: Page) -> None:
    laptop.goto("/")
    box = laptop.get_by_role("searchbox", name="Search articles")
    box.fill("valdors")
    box.press("Enter")
    expect(laptop.locator("h1")).to_have_text("Search")
    expect(laptop.locator(".results mark").first).to_have_text("valdors")
    expect(laptop.locator(".results > li")).to_have_count(5)
    screenshot(laptop, "search-laptop")


def test_ingest_through_the_form_and_see_it_appear(laptop: Page) -> None:
    laptop.goto("/ui/ingest")
    laptop.get_by_label("Title").fill("Ferry strike ends in Portmere")
    laptop.get_by_label("Text").fill(
        "PORTMERE, May 2. /NWA/. The ferry crews of Portmere returned to work on Friday after a nine-day "
        "strike over night shifts, the harbour authority said.\n\nThe first ferry left for the islands at "
        "six in the morning."
    )
    laptop.get_by_label("Published").fill("2025-05-02")
    laptop.get_by_label("Outlet").fill("NWA")
    laptop.get_by_label("Token").fill(TOKEN)
    screenshot(laptop, "ingest-laptop")
    laptop.get_by_role("button", name="Ingest").click()
    expect(laptop.locator(".flash")).to_have_text("Stored and folded.")
    expect(laptop.locator("h1")).to_have_text("Ferry strike ends in Portmere")
    laptop.goto("/")
    expect(laptop.locator("aside")).to_contain_text("Ferry strike ends in Portmere")
    laptop.goto("/ui/search?q=ferry")
    expect(laptop.locator(".results")).to_contain_text("Ferry strike ends in Portmere")


def test_ingest_form_refuses_a_wrong_token(laptop: Page) -> None:
    laptop.goto("/ui/ingest")
    laptop.get_by_label("Text").fill("An article that must not be stored.")
    laptop.get_by_label("Token").fill("not-the-token")
    laptop.get_by_role("button", name="Ingest").click()
    expect(laptop.locator(".error")).to_contain_text("does not match")
    expect(laptop.get_by_label("Text")).to_have_value("An article that must not be stored.")


def test_phone_width_pages_fit_the_screen(phone: Page) -> None:
    for path, name in (
        ("/", "timeline-phone"),
        ("/ui/events/ev-bridge-opens", "event-phone"),
        ("/ui/compare?a=digest-bridge&b=nwa-bridge", "compare-phone"),
        ("/ui/search?q=bridge", None),
        ("/ui/ingest", None),
    ):
        phone.goto(path)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} is {overflow}px wider than a phone screen"
        if name:
            screenshot(phone, name, full_page=name != "compare-phone")


def test_hostile_article_never_runs_script(laptop: Page) -> None:
    dialogs: list[Any] = []
    laptop.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    laptop.goto("/ui/ingest")
    laptop.get_by_label("Title").fill(HOSTILE_TITLE + "<script>alert(1)</script>")
    laptop.get_by_label("Text").fill(HOSTILE_TEXT + '<svg onload="alert(2)"></svg>')
    laptop.get_by_label("Token").fill(TOKEN)
    laptop.get_by_role("button", name="Ingest").click()
    expect(laptop.locator("h1")).to_contain_text("<script>window.__pwned = 1</script>Harbour fees <b>rise</b>")
    for path in (laptop.url, "/", "/ui/search?q=harbour+fees"):
        laptop.goto(path)
        assert laptop.evaluate("window.__pwned") is None, path
        assert laptop.locator("img[onerror], svg[onload]").count() == 0, path
    assert dialogs == []
