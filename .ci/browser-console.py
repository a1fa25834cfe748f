"""The outbox console of the order service, in headless Chromium (Debian's chromium and
chromium-driver; nothing is downloaded), driven by Selenium.

It starts the real beer-orders binary and a real receiver that answers 410, places an order
(four status callbacks, each dead-lettered), then in the browser: signs in with the token,
finds the dead letters listed with their attempt, presses Replay with the receiver now
answering 200 and sees the delivery delivered, checks that a POST without the CSRF token and
one from another site are refused, pauses a target and resumes it from the page, and checks
that the page's Content-Security-Policy refused nothing. Screenshots go to target/browser/console*.png.

    python3 .ci/browser-console.py        # after `cargo build -p ringback-examples --bin beer-orders`
"""

import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
SERVICE_BIN = os.environ.get("BEER_ORDERS_BIN", os.path.join(TARGET, "debug", "beer-orders"))
SCREENSHOTS = os.path.join(TARGET, "browser")
CHROMIUM = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")
DEMO_CUSTOMER = "6f1c2d9e-4b7a-4c1e-9a3f-0d2b8e5c7a41"
DEMO_TOKEN = "demo-token-0f3a9c"
# Generous: the machine is shared; every wait ends as soon as its condition holds.
WAIT_SECONDS = 60


class Receiver:
    """The client's callback endpoint: answers POSTs with `status`; serves a page of another
    site (`/elsewhere`) that posts a form to the console."""

    def __init__(self):
        self.status = 410
        self.hits = 0
        self.console_form = ""
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("content-length", 0)))
                receiver.hits += 1
                said = b"gone for now" if receiver.status == 410 else b"thanks"
                self.send_response(receiver.status)
                self.send_header("content-type", "text/plain")
                self.send_header("content-length", str(len(said)))
                self.end_headers()
                self.wfile.write(said)

            def do_GET(self):
                page = receiver.console_form.encode()
                self.send_response(200)
                self.send_header("content-type", "text/html")
                self.send_header("content-length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.url = self.origin + "/hooks/orders"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


class Service:
    """The real beer-orders binary on a port the OS picks, with its own outbox."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ringback-console-")
        self.log_path = os.path.join(self.dir, "service.log")
        self.log = open(self.log_path, "w+")
        self.process = subprocess.Popen(
            [SERVICE_BIN, "--listen", "127.0.0.1:0", "--allow-loopback",
             "--status-interval", "0.05", "--outbox", os.path.join(self.dir, "outbox.db")],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("beer-orders exited:\n" + self.output())
            found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", self.output())
            if found:
                self.base = found.group(1)
                break
            if time.monotonic() > deadline:
                raise RuntimeError("beer-orders did not start:\n" + self.output())
            time.sleep(0.1)

    def output(self):
        with open(self.log_path) as log:
            return log.read()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def wait(what, condition):
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            found = condition()
        except (NoSuchElementException, StaleElementReferenceException):
            # The page was being replaced (a form's answer arriving): look again.
            found = None
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting: " + what)
        time.sleep(0.2)


class ConsoleInTheBrowser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.receiver = Receiver()
        cls.service = Service()
        order = {"customerId": DEMO_CUSTOMER, "orderStatusCallbackUrl": cls.receiver.url}
        request = urllib.request.Request(
            cls.service.base + "/v1/customers/%s/orders" % DEMO_CUSTOMER,
            data=json.dumps(order).encode(), method="POST",
            headers={"authorization": "Bearer " + DEMO_TOKEN, "content-type": "application/json"})
        with urllib.request.urlopen(request) as answer:
            assert answer.status == 201, answer.status
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                         "--window-size=1280,1100"]:
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        cls.browser = webdriver.Chrome(service=Service_(CHROMEDRIVER), options=options)
        os.makedirs(SCREENSHOTS, exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()
        cls.service.stop()
        cls.receiver.stop()

    def url(self, path):
        return self.service.base + path

    def text(self):
        return self.browser.find_element(By.TAG_NAME, "body").text

    def sign_in(self):
        self.browser.get(self.url("/outbox"))
        if not self.browser.find_elements(By.NAME, "token"):
            return
        self.browser.find_element(By.NAME, "token").send_keys(DEMO_TOKEN)
        self.browser.find_element(By.CSS_SELECTOR, "form.sign-in button").click()
        wait("the overview after signing in",
             lambda: self.browser.find_elements(By.CSS_SELECTOR, ".state-count"))

    def dead_rows(self):
        self.browser.get(self.url("/outbox/deliveries?state=dead"))
        return self.browser.find_elements(By.CSS_SELECTOR, "table.deliveries tbody tr")

    def test_1_dead_letters_are_listed_replayed_and_delivered(self):
        self.browser.get(self.url("/outbox/deliveries"))
        self.assertIn("Sign in", self.browser.title, "the console is closed without the token")
        self.sign_in()

        rows = wait("four dead letters", lambda: len(self.dead_rows()) == 4 and self.dead_rows())
        for row in rows:
            self.assertIn("answered 410", row.text)
            self.assertIn(self.receiver.url, row.text)
        self.browser.save_screenshot(os.path.join(SCREENSHOTS, "console-dead-letters.png"))

        rows[0].find_element(By.CSS_SELECTOR, "a.mono").click()
        attempts = wait("the delivery's page", lambda: self.browser.find_elements(
            By.CSS_SELECTOR, "table.attempts tbody tr"))
        self.assertEqual(len(attempts), 1)
        self.assertIn("410", attempts[0].text)
        self.assertIn("gone for now", attempts[0].text)
        self.assertIn("orderStatus", self.browser.find_element(By.CSS_SELECTOR, "pre.payload").text)
        self.assertNotIn("whsec_", self.text(), "the signing secret is never shown")
        delivery_url = self.browser.current_url

        self.receiver.status = 200
        self.browser.find_element(By.CSS_SELECTOR, "button.replay").click()
        wait("the replay's answer", lambda: "Replayed" in self.text())

        def delivered():
            self.browser.get(delivery_url)
            return self.browser.find_elements(By.CSS_SELECTOR, ".fields .state-delivered")
        wait("the replayed delivery to be delivered", delivered)
        attempts = self.browser.find_elements(By.CSS_SELECTOR, "table.attempts tbody tr")
        self.assertEqual(len(attempts), 2)
        self.assertIn("200", attempts[1].text)
        self.assertFalse(self.browser.find_elements(By.CSS_SELECTOR, "button.replay"))
        self.browser.save_screenshot(os.path.join(SCREENSHOTS, "console-delivery.png"))

        self.browser.get(self.url("/outbox"))
        cards = {c.get_attribute("data-state"): c.text
                 for c in self.browser.find_elements(By.CSS_SELECTOR, ".state-count")}
        self.assertTrue(cards["delivered"].startswith("1"), cards)
        self.assertTrue(cards["dead"].startswith("3"), cards)
        self.assertEqual(len(self.browser.find_elements(By.CSS_SELECTOR, "svg.chart")), 2)
        self.browser.save_screenshot(os.path.join(SCREENSHOTS, "console.png"))

    def test_2_a_post_without_the_csrf_token_is_refused(self):
        self.sign_in()
        row = wait("a dead letter", lambda: self.dead_rows())[0]
        row.find_element(By.CSS_SELECTOR, "a.mono").click()
        form = wait("the delivery's page", lambda: self.browser.find_elements(
            By.CSS_SELECTOR, "form[action$='/replay']"))[0]
        action = form.get_attribute("action")
        token = form.find_element(By.NAME, "csrf").get_attribute("value")
        hits = self.receiver.hits
        # The same form as the page's, less its hidden token, sent by this browser (with its
        # session and CSRF cookies).
        self.browser.execute_script(
            "const f = document.querySelector(\"form[action$='/replay']\");"
            "f.querySelector(\"input[name='csrf']\").remove(); f.submit();")
        wait("the refusal", lambda: "CSRF token is missing" in self.text())
        self.assertIn("Forbidden", self.browser.title)

        # From another site's page, with a token that would be good: no session cookie goes
        # with it (SameSite=Strict), so the console answers with its sign-in form.
        self.receiver.console_form = (
            "<!doctype html><form id=f method=post action='%s'>"
            "<input name=csrf value='%s'></form>"
            "<script>document.getElementById('f').submit()</script>" % (action, token))
        self.browser.get(self.receiver.origin + "/elsewhere")
        wait("the console's answer to another site's form: its sign-in form",
             lambda: self.browser.current_url.startswith(self.service.base)
             and re.search("Sign in|another site", self.text()))
        self.browser.get(self.url("/outbox/deliveries?state=dead"))
        time.sleep(0.5)
        self.assertEqual(self.receiver.hits, hits, "nothing was replayed")

    def test_3_a_paused_target_is_resumed_from_the_page(self):
        self.sign_in()
        forms = self.browser.find_elements(By.CSS_SELECTOR, "form[action$='/targets/pause']")
        self.assertTrue(forms, "the console offers no form to pause a target")
        forms[0].find_element(By.NAME, "target").send_keys(self.receiver.origin)
        forms[0].find_element(By.CSS_SELECTOR, "button").click()
        row = wait("the paused target", lambda: [
            r for r in self.browser.find_elements(By.CSS_SELECTOR, "table.targets tbody tr")
            if self.receiver.origin in r.text])[0]
        self.browser.save_screenshot(os.path.join(SCREENSHOTS, "console-paused.png"))
        row.find_element(By.CSS_SELECTOR, "button.resume").click()
        wait("the target gone from the paused list", lambda: not [
            r for r in self.browser.find_elements(By.CSS_SELECTOR, "table.targets tbody tr")
            if self.receiver.origin in r.text])

    def test_4_the_content_security_policy_refused_nothing(self):
        self.sign_in()
        for path in ["/outbox", "/outbox/deliveries", "/outbox/deliveries?state=dead"]:
            self.browser.get(self.url(path))
        refused = [entry["message"] for entry in self.browser.get_log("browser")
                   if "Content Security Policy" in entry["message"]]
        self.assertEqual(refused, [])
        color = self.browser.find_element(By.TAG_NAME, "header").value_of_css_property(
            "background-color")
        self.assertEqual(color, "rgba(255, 255, 255, 1)", "the stylesheet applies")


# Selenium's Service, renamed: this file's Service is the order service.
Service_ = __import__("selenium.webdriver.chrome.service", fromlist=["Service"]).Service

if __name__ == "__main__":
    unittest.main(verbosity=2)
