"""A small Chrome DevTools Protocol client for the browser tests: Debian's Chromium, headless.

Chromium is driven through the Chrome DevTools Protocol over ``--remote-debugging-pipe``: JSON
messages separated by NUL bytes on file descriptors 3 (to the browser) and 4 (from it), so the
client below needs nothing but the standard library, and no driver or browser is ever
downloaded. The browser is Debian's ``chromium`` (``.ci/run`` installs it); without one the test
skips and says how to install it.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import time
from pathlib import Path

BROWSERS = ("/usr/bin/chromium", "chromium", "chromium-browser")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--mute-audio", "--remote-debugging-pipe")
TIMEOUT = 20.0


def find_chromium() -> str | None:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


class CdpError(RuntimeError):
    pass


class Chromium:
    """A headless Chromium and the few DevTools Protocol calls the test needs."""

    def __init__(self, executable: str, profile: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_pipes() -> None:  # in the child: fd 3 reads commands, fd 4 writes answers
            commands, answers = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(commands, 3)
            os.dup2(answers, 4)

        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            pass_fds=(3, 4), preexec_fn=wire_pipes, start_new_session=True,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, session: str | None = None, **params) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode("utf-8") + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise CdpError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise CdpError("Chromium closed the pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (CdpError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # the browser's own process group
            self.process.wait(10)
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass


class Tab:
    """One page of the browser, attached through a flat session."""

    def __init__(self, browser: Chromium) -> None:
        self.browser = browser
        target = browser.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = browser.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Network"):
            browser.call(f"{domain}.enable", self.session)
        # An Italian reader: the browser asks for Italian, as the people of the network would.
        agent = browser.call("Browser.getVersion")["userAgent"]
        browser.call("Emulation.setUserAgentOverride", self.session, userAgent=agent,
                     acceptLanguage="it-IT,it;q=0.9,en;q=0.5")

    def viewport(self, width: int, height: int, *, mobile: bool = False) -> None:
        """Lay the page out as a screen ``width`` CSS pixels wide (a phone: ``mobile``)."""
        self.browser.call("Emulation.setDeviceMetricsOverride", self.session, width=width,
                          height=height, deviceScaleFactor=1, mobile=mobile)

    def evaluate(self, expression: str):
        result = self.browser.call("Runtime.evaluate", self.session, expression=expression,
                                   returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise CdpError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, url: str) -> None:
        """Until the document at ``url`` has loaded (navigation, a click or history.back())."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                href, state = self.evaluate("[location.href, document.readyState]")
            except CdpError:  # the context was replaced mid-navigation
                href, state = None, None
            if href == url and state == "complete":
                return
            time.sleep(0.05)
        raise TimeoutError(f"the page did not reach {url}; it is at {href} ({state})")

    def goto(self, url: str) -> None:
        reply = self.browser.call("Page.navigate", self.session, url=url)
        assert not reply.get("errorText"), reply
        self.wait_for(url)

    def click(self, selector: str) -> str:
        """Click the first element matching ``selector`` and return the URL it leads to."""
        href = self.evaluate(f"document.querySelector({json.dumps(selector)}).href")
        assert href, f"nothing matches {selector}"
        self._navigating(f"document.querySelector({json.dumps(selector)}).click()")
        self.wait_for(href)
        return href

    def back(self, url: str) -> None:
        self._navigating("history.back()")
        self.wait_for(url)

    def _navigating(self, expression: str) -> None:
        """Evaluate what starts a navigation: the page may go before the evaluation's answer
        comes ("Inspected target navigated or closed"); ``wait_for`` then checks where it went."""
        try:
            self.evaluate(expression)
        except CdpError as exc:
            if "navigated or closed" not in str(exc):
                raise

    def title(self) -> str:
        return self.evaluate("document.title")

    def jsonld(self) -> list[dict]:
        blocks = self.evaluate("Array.from(document.querySelectorAll("
                               "'script[type=\"application/ld+json\"]')).map(s => s.textContent)")
        return [json.loads(block) for block in blocks]

    def requested_urls(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.browser.events
                if e.get("method") == "Network.requestWillBeSent" and e.get("sessionId") == self.session]
