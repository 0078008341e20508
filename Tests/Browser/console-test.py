"""The console of `sfn serve` in a real browser (headless Chromium through WebDriver).

    python3 Tests/Browser/console-test.py --sfn .build/release/sfn [--screenshots artifacts/console]

Starts the server with a human-approval workflow (a Wait, then a task that waits for its task
token), opens the console, starts an execution from its form, watches the graph light up the Wait
and then the task without a reload, presses "Send task success" and sees the execution succeed.
Saves a screenshot at each step. Needs chromium, chromedriver (Debian: chromium chromium-driver)
and selenium (PyPI).
"""
import argparse
import os
import re
import subprocess
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import JavascriptException, NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

HERE = os.path.dirname(os.path.abspath(__file__))


def start_server(sfn):
    server = subprocess.Popen(
        [sfn, "serve", "--port", "0", os.path.join(HERE, "approval.asl.json")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        line = server.stdout.readline()
        match = re.search(r"on (http://127\.0\.0\.1:\d+)", line)
        if match:
            return server, match.group(1)
        if server.poll() is not None:
            break
    server.kill()
    sys.exit("the server did not start")


def browser():
    options = Options()
    options.add_argument("--headless=new")
    options.add_argument("--no-sandbox")
    options.add_argument("--disable-dev-shm-usage")
    options.add_argument("--disable-gpu")
    options.add_argument("--window-size=1500,1000")
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"):
        if os.path.exists(candidate):
            options.binary_location = candidate
            break
    driver_path = next((p for p in ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver") if os.path.exists(p)), None)
    service = Service(executable_path=driver_path) if driver_path else Service()
    return webdriver.Chrome(service=service, options=options)


def state_class(driver, name):
    return driver.execute_script(
        "const g = [...document.querySelectorAll('#graph g.state')].find(g => g.dataset.state === arguments[0]);"
        "return g ? g.getAttribute('class') : null;", name) or ""


def text(driver, selector):
    return driver.execute_script("const e = document.querySelector(arguments[0]); return e ? e.textContent : '';", selector)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sfn", required=True)
    parser.add_argument("--screenshots", default="artifacts/console")
    args = parser.parse_args()
    os.makedirs(args.screenshots, exist_ok=True)
    server, base = start_server(os.path.abspath(args.sfn))
    driver = browser()
    # The console redraws what it shows once a second, so an element found may be replaced at once.
    wait = WebDriverWait(driver, 30, poll_frequency=0.1,
                         ignored_exceptions=(NoSuchElementException, StaleElementReferenceException, JavascriptException))
    step = [0]

    def shot(name):
        step[0] += 1
        path = os.path.join(args.screenshots, f"{step[0]:02d}-{name}.png")
        driver.save_screenshot(path)
        print(f"  screenshot {path}")

    def check(condition, what):
        try:
            wait.until(lambda d: condition(d))
        except Exception:
            shot("failed")
            raise SystemExit(f"console test: timed out waiting until {what}")
        print(f"ok: {what}")

    try:
        driver.get(base + "/")
        check(lambda d: "approval" in d.find_element(By.ID, "view").text, "the state machine is listed")
        shot("state-machines")
        driver.find_element(By.LINK_TEXT, "approval").click()
        check(lambda d: d.find_elements(By.CSS_SELECTOR, "#graph g.state"), "the state machine's graph is drawn")
        check(lambda d: '"Cooling"' in d.find_element(By.ID, "definition").text, "its definition is shown")
        shot("state-machine")
        # The page must not reload from here on: the graph changes in place.
        driver.execute_script("window.sfnConsoleTestMarker = 42;")
        field = driver.find_element(By.ID, "start-input")
        field.clear()
        field.send_keys('{"ticket": 42}')
        driver.find_element(By.ID, "start-name").send_keys("approve-ticket-42")
        driver.find_element(By.ID, "start-button").click()
        check(lambda d: "#/execution/" in d.current_url, "the execution starts from the form")
        check(lambda d: "status-running" in state_class(d, "Cooling"), "the Wait state lights up as running")
        check(lambda d: "status-succeeded" in state_class(d, "Prepare"), "the Pass state before it shows succeeded")
        shot("waiting")
        check(lambda d: "status-running" in state_class(d, "Approval"), "the callback task lights up when the Wait ends")
        check(lambda d: d.find_elements(By.CSS_SELECTOR, "button.send-success"), "a task-success button appears")
        output = driver.find_element(By.CSS_SELECTOR, "#tasks textarea.task-output")
        output.clear()
        output.send_keys('{"approved": true, "by": "browser"}')
        shot("approval")
        driver.find_element(By.CSS_SELECTOR, "button.send-success").click()
        check(lambda d: text(d, "#status") == "SUCCEEDED", "the execution succeeds")
        check(lambda d: "status-succeeded" in state_class(d, "Done"), "the Succeed state shows succeeded")
        check(lambda d: "status-not-reached" in state_class(d, "Rejected"), "the Fail state shows not reached")
        check(lambda d: '"by": "browser"' in text(d, "#execution-output"), "the output carries the task's answer")
        driver.execute_script(
            "[...document.querySelectorAll('#graph g.state')].find(g => g.dataset.state === 'Approval')"
            ".dispatchEvent(new MouseEvent('click', {bubbles: true}));")
        check(lambda d: '"approved": true' in text(d, "#state-details .state-output"),
              "clicking a state shows its output")
        check(lambda d: "TaskSucceeded" in text(d, "#event-table"), "the event table lists the history")
        if driver.execute_script("return window.sfnConsoleTestMarker") != 42:
            raise SystemExit("console test: the page reloaded")
        print("ok: the page never reloaded")
        foreign = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith(location.origin));")
        if foreign:
            raise SystemExit(f"console test: the console fetched from elsewhere: {foreign}")
        print("ok: every asset came from the server itself")
        shot("succeeded")
        # The same execution drawn by `sfn graph` from the server, by its ARN.
        arn = driver.execute_script("return decodeURIComponent(location.hash.slice('#/execution/'.length));")
        drawn = subprocess.run([os.path.abspath(args.sfn), "graph", "--execution", arn, "--endpoint", base],
                               capture_output=True, text=True, timeout=60)
        if drawn.returncode != 0 or "status-succeeded" not in drawn.stdout or "status-not-reached" not in drawn.stdout:
            raise SystemExit(f"console test: sfn graph --execution ARN: {drawn.returncode} {drawn.stdout} {drawn.stderr}")
        print("ok: sfn graph --execution draws the same execution from the server")
        print("console test passed")
    finally:
        driver.quit()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
