"""The docs page of the order service, as a reader sees it in Chromium: the place-order
operation, its orderStatusChange callback (name, runtime expression, method, body fields), the
choice of OpenAPI version, and nothing fetched from off the machine."""

import json
import sys
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from harness import ServiceTest

PLACE_ORDER = "/v1/customers/{customerId}/orders"
CALLBACK = "orderStatusChange"
EXPRESSION = "{$request.body#/orderStatusCallbackUrl}"


class DocsPage(ServiceTest):
    def open_docs(self, query=""):
        self.browser.get(self.url("/docs" + query))
        return self.wait(
            lambda: self.browser.find_elements(
                By.CSS_SELECTOR, f'.opblock-summary-path[data-path="{PLACE_ORDER}"]'),
            "Swagger UI did not render the place-order operation")[0]

    def open_callbacks(self, summary_path):
        operation = summary_path.find_element(By.XPATH, "ancestor::div[contains(@class,'opblock ')]")
        operation.find_element(By.CSS_SELECTOR, ".opblock-summary-control").click()
        tab = self.wait(
            lambda: operation.find_elements(
                By.XPATH, ".//div[contains(@class,'tab-item')][.//span[text()='Callbacks']]"),
            "the operation has no Callbacks tab")[0]
        tab.click()
        return self.wait(
            lambda: operation.find_elements(By.CSS_SELECTOR, ".callbacks-container"),
            "the Callbacks tab shows nothing")[0]

    def test_place_order_shows_its_callback_with_its_body(self):
        summary_path = self.open_docs()
        self.assertTrue(summary_path.is_displayed())
        operation = summary_path.find_element(By.XPATH, "ancestor::div[contains(@class,'opblock ')]")
        self.assertIn("Place Order", operation.text)
        self.assertEqual(
            operation.find_element(By.CSS_SELECTOR, ".opblock-summary-method").text, "POST")

        callbacks = self.open_callbacks(summary_path)
        name = self.wait(
            lambda: [h for h in callbacks.find_elements(By.TAG_NAME, "h2") if h.text == CALLBACK],
            "the callback's name is not shown")[0]
        self.assertTrue(name.is_displayed())
        callback = callbacks.find_element(By.CSS_SELECTOR, ".opblock")
        if "is-open" not in callback.get_attribute("class"):
            callback.find_element(By.CSS_SELECTOR, ".opblock-summary-control").click()
        expression = callback.find_element(By.CSS_SELECTOR, ".opblock-summary-path")
        self.assertEqual(expression.get_attribute("data-path"), EXPRESSION)
        self.assertTrue(expression.is_displayed())
        self.assertEqual(expression.text.replace("\u200b", ""), EXPRESSION)
        self.assertEqual(
            callback.find_element(By.CSS_SELECTOR, ".opblock-summary-method").text, "POST")
        self.assertIn("Webhook for order status change notifications", callback.text)

        # The body as an example, then as a schema: each field by name.
        example = self.wait(
            lambda: callback.find_elements(By.CSS_SELECTOR, ".body-param__example, .example"),
            "the callback's body has no example")[0]
        for field in ("orderId", "orderStatus"):
            self.assertIn(f'"{field}"', example.text)
        callback.find_element(By.CSS_SELECTOR, 'button[data-name="model"]').click()
        model = self.wait(
            lambda: [m for m in callback.find_elements(By.CSS_SELECTOR, ".model-box")
                     if "orderId" in m.text],
            "the callback's body schema does not show its fields")[0]
        self.assertTrue(model.is_displayed())
        for field in ("orderId", "orderStatus"):
            self.assertIn(field, model.text)
        self.assertIn("uuid", model.text)

        self.browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", callbacks)
        self.browser.execute_script("window.scrollBy(0, -260)")
        self.screenshot("docs")

        requested = self.assert_stayed_on_the_machine()
        # The page, its four files, and the document: all from the service.
        self.assertIn(self.url("/openapi.json?version=3.0.3"), requested)
        self.assertTrue(any("/docs/assets/swagger-ui-bundle." in url for url in requested))
        self.assert_no_console_errors()

    def test_the_reader_picks_openapi_3_1(self):
        self.open_docs()
        badge = self.browser.find_element(By.CSS_SELECTOR, ".info .version-stamp")
        self.assertIn("3.0", badge.text)
        Select(self.browser.find_element(By.ID, "ringback-version")).select_by_value("3.1.0")
        self.wait(lambda: "version=3.1.0" in self.browser.current_url,
                  "choosing 3.1.0 did not reload the page with ?version=3.1.0")
        summary_path = self.open_docs("?version=3.1.0")
        self.wait(lambda: "3.1" in self.browser.find_element(
            By.CSS_SELECTOR, ".info .version-stamp").text, "the page does not show OAS 3.1")
        callbacks = self.open_callbacks(summary_path)
        self.wait(lambda: CALLBACK in callbacks.text, "3.1: the callback is not shown")
        self.screenshot("docs-3.1")
        requested = self.assert_stayed_on_the_machine()
        self.assertIn(self.url("/openapi.json?version=3.1.0"), requested)
        self.assert_no_console_errors()

    def test_3_1_webhooks_are_shown_by_name_and_method(self):
        with urllib.request.urlopen(self.url("/openapi.json?version=3.1")) as response:
            webhooks = json.load(response).get("webhooks", {})
        # The order service declares `orderPlaced`: a document without it is a failure.
        self.assertTrue(webhooks, "the order service's 3.1 document declares no webhooks")
        self.open_docs("?version=3.1")
        section = self.wait(
            lambda: self.browser.find_elements(By.CSS_SELECTOR, ".webhooks"),
            "the page has no Webhooks section")[0]
        for name, item in webhooks.items():
            for method in item:
                if method in ("get", "put", "post", "delete", "patch", "options", "head", "trace"):
                    self.assertIn(name, section.text)
                    self.assertIn(method.upper(), section.text)
        self.browser.execute_script("arguments[0].scrollIntoView()", section)
        self.screenshot("docs-webhooks")
        self.assert_stayed_on_the_machine()
        self.assert_no_console_errors()
