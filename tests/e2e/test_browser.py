"""The participant terminal in a real browser: headless Chromium opens ``circle web``'s join
page, joins a running session with the room code, sends a share, and sees it on its screen once
the facilitator shows it; and the page's own words when every browser place is taken and when
its link to ``circle web`` is lost.

Debian's ``chromium`` and ``chromium-driver`` drive it (``.ci/run`` installs them; no browser is
downloaded). In CI a missing browser fails the test; elsewhere it is skipped, saying what to
install.

textual-serve draws the terminal with xterm.js on a canvas, so the page holds no text to read.
A small script, run before the page's own, keeps the xterm ``Terminal`` it creates, and the test
reads the rows it shows (and the row its cursor is on) through xterm's public buffer API.

Selenium blocks, so each browser step runs in a thread while the hub, the web server and the
facilitator keep running in the test's event loop. Every wait is on what the screen shows, with
generous timeouts for a loaded machine; none is a sleep.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait

from client.web import CLOSED_WORDS, FULL_WORDS, WebConfig
from shared.commands import ModerateShare, StartSession
from shared.events import Ack
from tests.e2e.web import web_server
from tests.helpers import RunningHub, facilitator, new_id
from tests.ui.screen import flat

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--window-size=1280,900",
)
PATIENCE = 60.0
"""Seconds any one thing may take to show on the browser's screen (an app process starting on
a loaded two-core machine takes a few)."""
NAME = "Robin"
SHARE = "I walked past the old bar and kept going"

KEEP_TERMINAL = """
window.circleTerminals = [];
Object.defineProperty(Object.prototype, "_core", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "_core", {
      value, writable: true, configurable: true, enumerable: true,
    });
    if (typeof this.loadAddon === "function" && this.buffer !== undefined) {
      window.circleTerminals.push(this);
    }
  },
});
"""
"""xterm's public ``Terminal`` sets ``this._core`` in its constructor: this catches it then
(an own property is set in its place, so nothing else changes)."""

READ_SCREEN = """
const terminal = window.circleTerminals && window.circleTerminals[0];
if (!terminal) { return null; }
const buffer = terminal.buffer.active;
const rows = [];
for (let y = 0; y < terminal.rows; y++) {
  const line = buffer.getLine(buffer.viewportY + y);
  rows.push(line ? line.translateToString(true) : "");
}
return {rows: rows, cursor: buffer.cursorY};
"""


class Screen:
    """What the browser's terminal shows: its rows, and the row its cursor is on."""

    def __init__(self, rows: list[str], cursor: int) -> None:
        self.rows = rows
        self.cursor = cursor

    def shown(self) -> str:
        """The rows, the cursor's marked with a ▶ (for a failure's message)."""
        marks = ["▶" if y == self.cursor else " " for y in range(len(self.rows))]
        return "\n".join(mark + row for mark, row in zip(marks, self.rows, strict=True))

    @property
    def text(self) -> str:
        return flat("\n".join(self.rows))

    @property
    def cursor_row(self) -> str:
        """The cursor's row and the one above it: xterm has been seen to put the cursor on an
        input's bottom edge rather than on its text, depending on when it last drew."""
        near = self.rows[max(0, self.cursor - 1) : self.cursor + 1]
        return flat("\n".join(near)) if 0 <= self.cursor < len(self.rows) else ""


def read_screen(driver: WebDriver) -> Screen | None:
    found = driver.execute_script(READ_SCREEN)
    if not found:
        return None
    return Screen([str(row) for row in found["rows"]], int(found["cursor"]))


def until_screen(driver: WebDriver, what: str, holds: Callable[[Screen], bool]) -> Screen:
    """Wait until the browser's screen is as ``holds`` says; fail with what it shows instead."""
    last: list[Screen] = []

    def shown(driver: WebDriver) -> Screen | None:
        screen = read_screen(driver)
        if screen is None:
            return None
        last[:] = [screen]
        return screen if holds(screen) else None

    try:
        result = WebDriverWait(driver, PATIENCE, poll_frequency=0.2).until(shown)
    except TimeoutException:
        screen = last[0].shown() if last else "(no terminal on the page)"
        raise AssertionError(f"not within {PATIENCE} s: {what}; the screen:\n{screen}") from None
    assert result is not None  # until() returns only a truthy answer
    return result


def showing(*words: str) -> Callable[[Screen], bool]:
    return lambda screen: all(word in screen.text for word in words)


def press(driver: WebDriver, *keys: str) -> None:
    """Type into the terminal, as a person at the keyboard (xterm's input has the focus)."""
    ActionChains(driver).send_keys(*keys).perform()


def ctrl(driver: WebDriver, key: str) -> None:
    ActionChains(driver).key_down(Keys.CONTROL).send_keys(key).key_up(Keys.CONTROL).perform()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    """Headless Chromium with a profile of its own, through Debian's chromedriver."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        words = (
            f"The browser test needs Debian's chromium and chromium-driver, and "
            f"{' and '.join(missing)} is missing: apt-get install chromium chromium-driver."
        )
        if os.environ.get("CI"):
            pytest.fail(f"{words} In CI this test is never skipped.", pytrace=False)
        pytest.skip(words)
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        driver.set_page_load_timeout(PATIENCE)
        driver.set_script_timeout(PATIENCE)
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": KEEP_TERMINAL})
        yield driver
    finally:
        driver.quit()


def join_in_the_browser(driver: WebDriver, url: str, code: str) -> Screen:
    """Open the join page and join as a person would: the code, Enter, the name, Enter."""
    driver.get(f"{url}/join")
    until_screen(driver, "the join form", showing("Join the session", "Room code", "any name"))
    driver.execute_script("document.querySelector('.xterm-helper-textarea').focus();")
    press(driver, f"{code[:3].lower()} {code[3:].lower()}")
    until_screen(driver, "the code typed", lambda s: code[3:].lower() in s.cursor_row)
    press(driver, Keys.ENTER)
    # Typed before the cursor is in the name field, the name would go into the code field.
    until_screen(driver, "the cursor in the name field", lambda s: "any name" in s.cursor_row)
    press(driver, NAME)
    until_screen(driver, "the name typed", lambda s: NAME in s.cursor_row)
    press(driver, Keys.ENTER)
    return until_screen(
        driver, "the session", showing("Relapse prevention group", "Shared with the room")
    )


def send_share(driver: WebDriver) -> Screen:
    """Write the share (the share box has the cursor once in the session) and press Ctrl+S."""
    press(driver, SHARE)
    until_screen(driver, "the share typed", showing(SHARE, f"{len(SHARE)} / 1000"))
    ctrl(driver, "s")
    return until_screen(driver, "the share received", showing("Received. Thank you for sharing."))


def room_shows(driver: WebDriver) -> Screen:
    """Wait for the share under "Shared with the room"."""
    return until_screen(
        driver,
        "the share shown to the room",
        lambda s: re.search(f"Shared with the room .*{re.escape(SHARE)}", s.text) is not None,
    )


@pytest.mark.timeout(300)
async def test_a_browser_joins_sends_a_share_and_sees_it_shown(
    hub: RunningHub, browser: WebDriver
) -> None:
    fac = await facilitator(hub.uri)
    try:
        assert fac.link.welcome is not None
        code = fac.link.welcome.code
        assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
        async with web_server(WebConfig(hub=hub.uri, max_browsers=2)) as web:
            screen = await asyncio.to_thread(join_in_the_browser, browser, web.url, code)
            assert "Nothing has been shared" in screen.text
            await fac.until(lambda: [p.name for p in fac.state.participants] == [NAME], PATIENCE)
            assert len(web.gate.tabs) == 1  # one app process for the tab

            screen = await asyncio.to_thread(send_share, browser)
            assert SHARE not in screen.text  # the box is cleared; the room sees nothing yet
            await fac.until(lambda: [s.text for s in fac.state.shares] == [SHARE], PATIENCE)

            shown = ModerateShare(id=new_id(), share=fac.state.shares[0].id, action="show")
            assert isinstance(await fac.do(shown), Ack)
            screen = await asyncio.to_thread(room_shows, browser)
            assert "Nothing has been shared" not in screen.text
            assert "Traceback" not in screen.text
    finally:
        await fac.stop()


def page_says(driver: WebDriver, what: str, *words: str) -> str:
    """Wait until the page's visible words (not the terminal's) include ``words``."""
    last = [""]

    def said(driver: WebDriver) -> str | None:
        last[0] = " ".join(driver.find_element(By.TAG_NAME, "body").text.split())
        return last[0] if all(word in last[0] for word in words) else None

    try:
        text = WebDriverWait(driver, PATIENCE, poll_frequency=0.2).until(said)
    except TimeoutException:
        raise AssertionError(f"not within {PATIENCE} s: {what}; the page:\n{last[0]}") from None
    assert text is not None
    return text


def open_second_tab(driver: WebDriver, url: str) -> str:
    """Open the join page in another tab; return what it says, then close it."""
    first = driver.current_window_handle
    driver.switch_to.new_window("tab")
    driver.get(f"{url}/join")
    said = page_says(driver, "the full page", *FULL_WORDS, "Try again")
    driver.close()
    driver.switch_to.window(first)
    return said


@pytest.mark.timeout(300)
async def test_a_full_server_and_a_lost_page_say_what_to_do(
    hub: RunningHub, browser: WebDriver
) -> None:
    async with web_server(WebConfig(hub=hub.uri, max_browsers=1)) as web:
        await asyncio.to_thread(browser.get, f"{web.url}/join")
        await asyncio.to_thread(until_screen, browser, "the join form", showing("Room code"))
        said = await asyncio.to_thread(open_second_tab, browser, web.url)
        assert "All places are in use" in said and "Traceback" not in said
        assert len(web.gate.tabs) == 1  # the full page started no app
        shown = await asyncio.to_thread(lambda: browser.find_element(By.TAG_NAME, "body").text)
        assert CLOSED_WORDS not in shown  # the first tab still shows its terminal
    # circle web has stopped (as when the network between them goes): the first tab says so.
    said = await asyncio.to_thread(page_says, browser, "the closed note", CLOSED_WORDS)
    assert "Start again" in said and "Traceback" not in said
