"""What every browser test shares: the order service on a loopback port, headless Chromium
from Debian driven through its own chromedriver, and the checks made after every test (no
request off the machine, nothing refused by the page's Content-Security-Policy, a screenshot
under target/browser/).

A test module (test_*.py) subclasses ServiceTest; `self.browser` is a fresh browser per test,
`self.url(path)` is the running service. Extra service arguments go in SERVICE_ARGS.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
SERVICE_BIN = os.environ.get("BEER_ORDERS_BIN", os.path.join(TARGET, "debug", "beer-orders"))
SCREENSHOTS = os.path.join(TARGET, "browser")
# Debian's packages; nothing is downloaded (Selenium Manager is never asked: the driver's path
# is given).
CHROMIUM = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")
DEMO_TOKEN = "demo-token-0f3a9c"
# Generous: the machine is shared, and a wait ends as soon as its condition holds.
WAIT_SECONDS = 60


class OrderService:
    """The real beer-orders binary, listening on a port the OS picks, with its own outbox."""

    def __init__(self, extra_args=()):
        self.dir = tempfile.mkdtemp(prefix="ringback-browser-")
        self.log_path = os.path.join(self.dir, "service.log")
        self.log = open(self.log_path, "w+")
        self.process = subprocess.Popen(
            [SERVICE_BIN, "--listen", "127.0.0.1:0",
             "--outbox", os.path.join(self.dir, "outbox.db"), *extra_args],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.base = self._wait_for_address()

    def _wait_for_address(self):
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("beer-orders exited:\n" + self.output())
            found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", self.output())
            if found:
                return found.group(1)
            time.sleep(0.1)
        raise RuntimeError("beer-orders did not say where it listens:\n" + self.output())

    def output(self):
        with open(self.log_path) as log:
            return log.read()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def start_browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in [
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400",
        # Chromium's own traffic (updates, sync, safe browsing) is not the page's; turned off
        # so that the network log holds only what the page asked for.
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--no-first-run", "--no-default-browser-check",
    ]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


class ServiceTest(unittest.TestCase):
    SERVICE_ARGS = ()

    @classmethod
    def setUpClass(cls):
        cls.service = OrderService(cls.SERVICE_ARGS)

    @classmethod
    def tearDownClass(cls):
        cls.service.stop()

    def setUp(self):
        self.browser = start_browser()
        self.addCleanup(self.browser.quit)
        self.requested = []
        self.console = []

    def authenticate(self, token=DEMO_TOKEN):
        """Sends `Authorization: Bearer <token>` with every request the browser makes from now
        on, for pages behind the service's authentication."""
        self.browser.execute_cdp_cmd("Network.enable", {})
        self.browser.execute_cdp_cmd(
            "Network.setExtraHTTPHeaders", {"headers": {"Authorization": "Bearer " + token}})

    def url(self, path):
        return self.service.base + path

    def wait(self, condition, message):
        return WebDriverWait(self.browser, WAIT_SECONDS).until(lambda _: condition(), message)

    def screenshot(self, name):
        """Saves the page as target/browser/<name>.png, and returns the path."""
        os.makedirs(SCREENSHOTS, exist_ok=True)
        path = os.path.join(SCREENSHOTS, name + ".png")
        self.assertTrue(self.browser.save_screenshot(path), "no screenshot of " + name)
        return path

    def collect_logs(self):
        """Reads the logs the browser kept since the last call (each read empties them)."""
        for entry in self.browser.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                self.requested.append(message["params"]["request"]["url"])
        self.console.extend(self.browser.get_log("browser"))

    def assert_stayed_on_the_machine(self):
        """Every request the browser made went to 127.0.0.1: the page works offline and sends
        nothing away. `data:` URLs are not requests to anywhere."""
        self.collect_logs()
        self.assertTrue(self.requested, "the network log is empty: the check would prove nothing")
        away = [url for url in self.requested
                if not url.startswith("data:") and urlsplit(url).hostname != "127.0.0.1"]
        self.assertEqual(away, [], "the browser asked for something off the machine")
        return self.requested

    def assert_no_console_errors(self):
        """Nothing was refused by the page's Content-Security-Policy, and no script failed."""
        self.collect_logs()
        errors = [e["message"] for e in self.console if e["level"] == "SEVERE"]
        self.assertEqual(errors, [], "the browser's console has errors")
