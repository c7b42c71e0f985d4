#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""console.py - the web console in a real browser (Debian's chromium,
driven by chromedriver through python3-selenium), for
tests/integration/web.sh.

    console.py URL SHOTS SCENARIO [ARGS...]

URL is followme-webd's address, SHOTS the directory screenshots go to.
Each scenario logs in through the login form, does what a person does,
checks what the page shows, and exits 0, or 1 with the reason on stderr.
A JavaScript dialog the page did not mean to open (an injected alert)
fails the scenario.
"""
import os
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import (NoAlertPresentException,
                                        TimeoutException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

DESKTOP = (1280, 900)
PHONE = (390, 844)
WAIT = 15  # seconds a page has to show what is expected


class Failed(Exception):
    pass


BROWSERS = [0]


def browser(size, language="en-GB"):
    """A new browser, with a profile of its own (no cookie of another)."""
    BROWSERS[0] += 1
    profile = os.path.join(os.environ["FM_CHROME_PROFILE"], str(BROWSERS[0]))
    o = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
              "--disable-dev-shm-usage", "--ignore-certificate-errors",
              "--window-size=%d,%d" % size, "--lang=" + language,
              "--user-data-dir=" + profile):
        o.add_argument(a)
    o.add_experimental_option("prefs", {"intl.accept_languages": language})
    o.binary_location = "/usr/bin/chromium"
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    d.set_page_load_timeout(30)
    return d


def no_alert(d):
    try:
        text = d.switch_to.alert.text
    except NoAlertPresentException:
        return
    raise Failed("the page opened a dialog: %r" % text)


def wait_for(d, what, check):
    try:
        return WebDriverWait(d, WAIT).until(lambda d: check(d))
    except TimeoutException:
        raise Failed("timed out waiting for " + what)


def visible(d, element_id):
    return wait_for(d, "#" + element_id,
                    lambda d: d.find_element(By.ID, element_id)
                    if d.find_element(By.ID, element_id).is_displayed()
                    else None)


def login(d, url, user, password, path="/"):
    d.get(url + path)
    visible(d, "login-user").send_keys(user)
    d.find_element(By.ID, "login-password").send_keys(password)
    d.find_element(By.ID, "login-submit").click()
    no_alert(d)


def press(d, element):
    """Clicks element as a person would after scrolling to it (the page
    may move under a plain click while a notice appears)."""
    d.execute_script("arguments[0].scrollIntoView({block: 'center'});"
                     " arguments[0].click();", element)


def texts(d, selector):
    """The text of every element selector finds, read in one go (the page
    may redraw a list between two reads)."""
    return d.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]),"
        " e => e.textContent);", selector)


def job_titles(d):
    return texts(d, ".job-title")


def shot(d, shots, name):
    """The whole page, not only what the window shows."""
    time.sleep(0.3)  # fonts and the chart settle
    size = d.get_window_size()
    height = d.execute_script("return document.documentElement.scrollHeight")
    if height > size["height"]:
        d.set_window_size(size["width"], min(height + 100, 4000))
        time.sleep(0.3)
    d.save_screenshot(os.path.join(shots, name + ".png"))
    d.set_window_size(size["width"], size["height"])


def scenario_staff(url, shots, user, password, keep_title, delete_title):
    """Jobs listed with their titles as text; keep one longer, delete
    another."""
    d = browser(DESKTOP)
    try:
        login(d, url, user, password)
        wait_for(d, "the job list", lambda d: len(job_titles(d)) > 0)
        titles = job_titles(d)
        for t in (keep_title, delete_title):
            if t not in titles:
                raise Failed("%r not listed: %r" % (t, titles))
        # User text is text: no element was made from a title.
        if d.find_elements(By.CSS_SELECTOR, ".job-title img, .job-title script"):
            raise Failed("a job title was rendered as HTML")
        no_alert(d)
        shot(d, shots, "staff-jobs-desktop")
        card = [c for c in d.find_elements(By.CSS_SELECTOR, ".job")
                if c.find_element(By.CSS_SELECTOR, ".job-title").text == keep_title][0]
        card.find_element(By.CSS_SELECTOR, ".job-keep").click()
        wait_for(d, "the keep notice",
                 lambda d: "alert-success" in d.find_element(By.ID, "notice").get_attribute("class"))
        card = [c for c in d.find_elements(By.CSS_SELECTOR, ".job")
                if c.find_element(By.CSS_SELECTOR, ".job-title").text == delete_title][0]
        card.find_element(By.CSS_SELECTOR, ".job-delete").click()
        d.switch_to.alert.accept()
        wait_for(d, "the job to go", lambda d: delete_title not in job_titles(d))
        d.find_element(By.CSS_SELECTOR, "a[data-view=balance]").click()
        visible(d, "view-balance")
        wait_for(d, "the charge in the history",
                 lambda d: "Printed" in texts(d, "#history-rows td:nth-child(2)"))
        wait_for(d, "the badge", lambda d: len(texts(d, "#badges-list .badge-item")) == 1)
        shot(d, shots, "staff-balance-desktop")
        d.find_element(By.CSS_SELECTOR, "#badges-list .badge-remove").click()
        d.switch_to.alert.accept()
        wait_for(d, "the badge unlinked",
                 lambda d: len(texts(d, "#badges-list .badge-item")) == 0)
        # The staff member sees no admin or finance tab.
        for view in ("users", "reports"):
            tab = d.find_element(By.CSS_SELECTOR, "a[data-view=%s]" % view)
            if tab.is_displayed():
                raise Failed("a staff member sees the %s tab" % view)
    finally:
        d.quit()
    d = browser(PHONE)
    try:
        login(d, url, user, password)
        wait_for(d, "the job list", lambda d: len(job_titles(d)) > 0)
        shot(d, shots, "staff-jobs-phone")
    finally:
        d.quit()


def scenario_phone(url, shots, user, password, printer, title):
    """A phone opens a printer's QR address: that printer is chosen, with
    its state; the person logs in, taps Print on a job, and it prints."""
    d = browser(PHONE)
    try:
        login(d, url, user, password, "/release/" + printer)
        wait_for(d, "the job list", lambda d: title in job_titles(d))
        fixed = visible(d, "release-fixed")
        if fixed.text != printer:
            raise Failed("the release page shows %r, not %r" % (fixed.text, printer))
        if d.find_element(By.ID, "release-printer").is_displayed():
            raise Failed("a printer list on a printer's own release page")
        state = d.find_element(By.ID, "release-state").text
        if state != "ready":
            raise Failed("the printer's state reads %r" % state)
        # The location is admin text: shown as text.
        if d.find_elements(By.CSS_SELECTOR, "#release-location b"):
            raise Failed("the printer's location was rendered as HTML")
        shot(d, shots, "staff-release-phone")
        width = d.execute_script("return document.documentElement.scrollWidth")
        if width > d.execute_script("return window.innerWidth"):
            raise Failed("the release page is %d pixels wide, wider than the phone" % width)
        card = [c for c in d.find_elements(By.CSS_SELECTOR, ".job")
                if c.find_element(By.CSS_SELECTOR, ".job-title").text == title][0]
        card.find_element(By.CSS_SELECTOR, ".job-print").click()
        wait_for(d, "the printed notice",
                 lambda d: "alert-success" in d.find_element(By.ID, "notice").get_attribute("class"))
        notice = d.find_element(By.ID, "notice").text
        if printer not in notice or "1 page" not in notice:
            raise Failed("the notice reads %r" % notice)
        wait_for(d, "the job to go", lambda d: title not in job_titles(d))
        no_alert(d)
        shot(d, shots, "staff-released-phone")
    finally:
        d.quit()


def scenario_progress(url, shots, user, password, printer, title):
    """On a phone, a release to a slow printer shows its stages as the
    terminal words them ("Printing..." while it prints), then what was
    printed and charged."""
    d = browser(PHONE)
    try:
        login(d, url, user, password, "/release/" + printer)
        wait_for(d, "the job list", lambda d: title in job_titles(d))
        card = [c for c in d.find_elements(By.CSS_SELECTOR, ".job")
                if c.find_element(By.CSS_SELECTOR, ".job-title").text == title][0]
        press(d, card.find_element(By.CSS_SELECTOR, ".job-print"))
        wait_for(d, "the printing stage", lambda d: d.find_element(
            By.ID, "notice").get_attribute("data-stage") == "printing")
        notice = d.find_element(By.ID, "notice").text
        if notice != printer + ": Printing...":
            raise Failed("while printing the notice reads %r" % notice)
        d.execute_script("window.scrollTo(0, 0)")
        d.save_screenshot(os.path.join(shots, "staff-release-progress-phone.png"))
        wait_for(d, "the printed notice",
                 lambda d: "alert-success" in d.find_element(By.ID, "notice").get_attribute("class"))
        notice = d.find_element(By.ID, "notice").text
        if printer not in notice or "1 page" not in notice or "charged" not in notice:
            raise Failed("the notice reads %r" % notice)
        if d.find_element(By.ID, "notice").get_attribute("data-stage") != "done":
            raise Failed("the notice's stage is not done")
        no_alert(d)
    finally:
        d.quit()


def scenario_authlog_token(url, shots, user, password, login_, language,
                            label):
    """The Logins page lists an API token's use with its method's label
    in the page's language."""
    d = browser(DESKTOP, language)
    try:
        login(d, url, user, password)
        wait_for(d, "the Logins link", lambda d: d.find_elements(
            By.CSS_SELECTOR, "a[data-view=authlog]"))
        press(d, d.find_element(By.CSS_SELECTOR, "a[data-view=authlog]"))
        visible(d, "view-authlog")
        d.find_element(By.ID, "authlog-login").send_keys(login_)
        d.execute_script("document.getElementById('authlog-form').requestSubmit()")
        wait_for(d, "the token's use", lambda d: any(
            r[1] == login_ and r[3] == label for r in d.execute_script(
                "return Array.from(document.querySelectorAll("
                "'#authlog-rows tr'), r => Array.from(r.cells, c => c.textContent));")))
        no_alert(d)
        shot(d, shots, "admin-authlog-token-" + language[:2] + "-desktop")
    finally:
        d.quit()


def terminal_state(d, name):
    d.execute_script("return loadSite()")
    for row in d.find_elements(By.CSS_SELECTOR, "#terminals-rows tr"):
        cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
        if cells and cells[0] == name:
            return cells[2]
    return None


def scenario_site(url, shots, user, password, terminal, marker, code, name,
                  secret_title):
    """An admin's Site page: a terminal shown connected, then offline once
    it stops (the test stops it when marker appears); a department added
    and a price set through the forms; held jobs without their titles."""
    d = browser(DESKTOP)
    try:
        login(d, url, user, password)
        visible(d, "view-jobs")
        d.find_element(By.CSS_SELECTOR, "a[data-view=site]").click()
        visible(d, "view-site")
        wait_for(d, "%s connected" % terminal,
                 lambda d: terminal_state(d, terminal) == "connected")
        held = " ".join(texts(d, "#held-rows td"))
        if not held:
            raise Failed("no held job listed")
        if secret_title in held:
            raise Failed("an admin sees a job's title")
        # Each printer's QR code label is drawn (served, and allowed by
        # the Content-Security-Policy).
        wait_for(d, "the printers' QR code labels", lambda d: d.execute_script(
            "const i = document.querySelector('#printers-rows img.printer-label');"
            "return i !== null && i.complete && i.naturalWidth > 0"))
        d.find_element(By.ID, "department-code").send_keys(code)
        d.find_element(By.ID, "department-name").send_keys(name)
        d.find_element(By.CSS_SELECTOR, "#department-form button").click()
        wait_for(d, "the new department",
                 lambda d: name in texts(d, "#departments-rows td"))
        if d.find_elements(By.CSS_SELECTOR, "#departments-rows i, #departments-rows script"):
            raise Failed("a department name was rendered as HTML")
        d.find_element(By.ID, "project-code").send_keys("CHANTIER-" + code)
        press(d, d.find_element(By.CSS_SELECTOR, "#project-form button"))
        wait_for(d, "the new project",
                 lambda d: "CHANTIER-" + code in texts(d, "#projects-rows td"))
        d.find_element(By.CSS_SELECTOR, "#price-media option[value=A3]").click()
        d.find_element(By.CSS_SELECTOR, "#price-colour option[value=colour]").click()
        d.find_element(By.CSS_SELECTOR, "#price-sides option[value=duplex]").click()
        d.find_element(By.ID, "price-amount").send_keys("0.12")
        d.find_element(By.CSS_SELECTOR, "#price-form button").click()
        wait_for(d, "the new price",
                 lambda d: any("0.12" in r for r in texts(d, "#prices-rows tr")))
        d.find_element(By.CSS_SELECTOR, "#quota-kind option[value=department]").click()
        d.find_element(By.ID, "quota-name").send_keys(code)
        d.find_element(By.ID, "quota-amount").send_keys("25.00")
        d.find_element(By.ID, "quota-reason").send_keys("Dotation de décembre")
        d.find_element(By.ID, "quota-submit").click()
        wait_for(d, "the department's new balance", lambda d: any(
            r.startswith(code) and "25.00" in r for r in texts(d, "#departments-rows tr")))
        press(d, d.find_element(By.ID, "ledger-verify"))
        wait_for(d, "the ledger's check", lambda d: d.find_element(
            By.ID, "ledger-result").text.startswith("Ledger OK"))
        no_alert(d)
        shot(d, shots, "admin-site-desktop")
        open(marker, "w").close()
        wait_for(d, "%s offline" % terminal,
                 lambda d: terminal_state(d, terminal) == "offline")
    finally:
        d.quit()
    d = browser(PHONE)
    try:
        login(d, url, user, password)
        visible(d, "view-jobs")
        d.get(url + "/#site")
        visible(d, "view-site")
        wait_for(d, "the terminals", lambda d: terminal_state(d, terminal) is not None)
        shot(d, shots, "admin-site-phone")
        width = d.execute_script("return document.documentElement.scrollWidth")
        if width > d.execute_script("return window.innerWidth"):
            raise Failed("an admin's page is %d pixels wide, wider than the phone" % width)
    finally:
        d.quit()


def scenario_french(url, shots, user, password, expected):
    """A browser asking for French gets the pages in French; the choice
    can be changed in the page."""
    d = browser(DESKTOP, "fr-FR")
    try:
        d.get(url + "/")
        wait_for(d, "the French login page",
                 lambda d: d.find_element(By.ID, "login-submit").text == expected)
        shot(d, shots, "login-fr-desktop")
        login(d, url, user, password)
        wait_for(d, "the job list", lambda d: len(job_titles(d)) > 0)
        shot(d, shots, "staff-jobs-fr-desktop")
    finally:
        d.quit()


def scenario_admin(url, shots, user, password, find, expect_login, move_to,
                   locked=None):
    """An admin searches the users, moves one to another department and
    disables them; the audit trail shows both changes.  With locked (a
    user locked out by failed logins): the authentication log shows them
    locked at the top, and its Unlock button unlocks them, which the log
    then shows with the admin's name."""
    d = browser(DESKTOP)
    try:
        login(d, url, user, password)
        tab = wait_for(d, "the users tab",
                       lambda d: d.find_element(By.CSS_SELECTOR, "a[data-view=users]")
                       if d.find_element(By.CSS_SELECTOR, "a[data-view=users]").is_displayed()
                       else None)
        tab.click()
        visible(d, "view-users")
        d.find_element(By.ID, "users-q").send_keys(find)
        d.find_element(By.CSS_SELECTOR, "#users-form button").click()
        wait_for(d, "the user found",
                 lambda d: texts(d, "#users-rows td:first-child") == [expect_login])
        no_alert(d)
        shot(d, shots, "admin-users-desktop")
        d.find_element(By.CSS_SELECTOR, "#users-rows .user-move").click()
        prompt = d.switch_to.alert
        prompt.send_keys(move_to)
        prompt.accept()
        wait_for(d, "the user moved",
                 lambda d: texts(d, "#users-rows td:nth-child(3)") == [move_to])
        d.find_element(By.CSS_SELECTOR, "#users-rows .user-enable").click()
        wait_for(d, "the user disabled",
                 lambda d: texts(d, "#users-rows td:nth-child(5)") == ["disabled"])
        d.find_element(By.CSS_SELECTOR, "a[data-view=audit]").click()
        wait_for(d, "the audit trail",
                 lambda d: texts(d, "#audit-rows td:nth-child(4)")[:2]
                 == ["user.disable", "user.department"])
        if texts(d, "#audit-rows td:nth-child(2)")[:2] != [user, user]:
            raise Failed("the audit trail does not name %s" % user)
        shot(d, shots, "admin-audit-desktop")
        if locked is not None:
            authlog_unlock(d, shots, user, locked)
    finally:
        d.quit()


def authlog_unlock(d, shots, admin, locked):
    d.find_element(By.CSS_SELECTOR, "a[data-view=authlog]").click()
    visible(d, "view-authlog")
    wait_for(d, "the user locked out",
             lambda d: locked in texts(d, "#locked-rows td:first-child"))
    wait_for(d, "the failed logins",
             lambda d: "wrong-secret" in d.execute_script(
                 "return Array.from(document.querySelectorAll("
                 "'#authlog-rows tr'), r => r.dataset.outcome);"))
    no_alert(d)
    shot(d, shots, "admin-authlog-desktop")
    rows = d.find_elements(By.CSS_SELECTOR, "#locked-rows tr")
    row = [r for r in rows if r.get_attribute("data-login") == locked][0]
    press(d, row.find_element(By.CSS_SELECTOR, ".authlog-unlock"))
    wait_for(d, "the user unlocked",
             lambda d: locked not in texts(d, "#locked-rows td:first-child"))
    first = wait_for(d, "the unlock in the log",
                     lambda d: texts(d, "#authlog-rows tr:first-child td"))
    if first[1] != locked or first[4] != "Unlocked (%s)" % admin:
        raise Failed("the log's newest event is not the unlock: %r" % first)
    no_alert(d)


def scenario_finance(url, shots, user, password, day, csv_path, script_name,
                     close_to, project=None, project_csv_path=None):
    """Finance reads the year's report per department (a table and a
    chart, the colour and two-sided shares, the year month by month,
    the pages not printed), closes the days through close_to, and
    downloads the CSV; with project, the report by project too (its row
    in the table and the chart) and its CSV into project_csv_path."""
    project_href = None
    d = browser(DESKTOP)
    try:
        login(d, url, user, password)
        tab = wait_for(d, "the reports tab",
                       lambda d: d.find_element(By.CSS_SELECTOR, "a[data-view=reports]")
                       if d.find_element(By.CSS_SELECTOR, "a[data-view=reports]").is_displayed()
                       else None)
        tab.click()
        visible(d, "view-reports")
        for field, value in (("report-from", day[:4] + "-01-01"), ("report-to", day)):
            d.execute_script("document.getElementById(arguments[0]).value = arguments[1]",
                             field, value)
        d.find_element(By.CSS_SELECTOR, "#report-form button[type=submit]").click()
        wait_for(d, "the report's rows",
                 lambda d: len(texts(d, "#report-rows tr")) > 0)
        names = texts(d, "#report-rows td:nth-child(2)")
        if script_name not in names:
            raise Failed("department name %r not shown as text: %r" % (script_name, names))
        if d.find_elements(By.CSS_SELECTOR, "#report-rows script"):
            raise Failed("a department name was rendered as HTML")
        no_alert(d)
        drawn = d.execute_script(
            "const c = document.getElementById('report-chart');"
            "return typeof Chart !== 'undefined' && Chart.getChart(c) !== undefined"
            " && c.width > 0;")
        if not drawn:
            raise Failed("the chart was not drawn")
        wait_for(d, "the month by month chart", lambda d: d.execute_script(
            "const c = document.getElementById('trend-chart');"
            "return typeof Chart !== 'undefined' && Chart.getChart(c) !== undefined"
            " && Chart.getChart(c).data.labels.length === 12"
            " && Chart.getChart(c).data.datasets[0].data[new Date().getMonth()] > 0;"))
        split = d.find_element(By.ID, "split-colour-text").text
        if "colour" not in split or "%" not in split:
            raise Failed("the colour share reads %r" % split)
        saved = d.find_element(By.ID, "saved-text").text
        if "Expired" not in saved or "Deleted: 1 job(s)" not in saved:
            raise Failed("the pages not printed read %r" % saved)
        d.execute_script("document.getElementById('close-to').value = arguments[0]",
                         close_to)
        # As the Close button does (a click may land on the chart being
        # redrawn above it).
        d.execute_script("document.getElementById('close-form').requestSubmit()")
        d.switch_to.alert.accept()
        wait_for(d, "the closing", lambda d: ("Closed through " + close_to)
                 in d.find_element(By.ID, "closed-text").text)
        shot(d, shots, "finance-report-desktop")
        href = d.find_element(By.ID, "report-csv").get_attribute("href")
        if project:
            Select(d.find_element(By.ID, "report-by")).select_by_value("project")
            d.find_element(By.CSS_SELECTOR, "#report-form button[type=submit]").click()
            wait_for(d, "the report by project",
                     lambda d: texts(d, "#report-rows td:nth-child(1)") == [project])
            labels = d.execute_script(
                "const c = Chart.getChart(document.getElementById('report-chart'));"
                "return c ? c.data.labels : null;")
            if labels != [project]:
                raise Failed("the chart by project has the bars %r" % (labels,))
            if d.find_element(By.ID, "report-name-head").is_displayed() or \
                    len(texts(d, "#report-rows tr:first-child td")) != 6:
                raise Failed("a Name column for projects, which have none")
            project_href = d.find_element(By.ID, "report-csv").get_attribute("href")
            if "by=project" not in project_href:
                raise Failed("the CSV link by project is %r" % project_href)
            shot(d, shots, "finance-project-desktop")
            # By user, the bars are the users (not their departments).
            Select(d.find_element(By.ID, "report-by")).select_by_value("user")
            d.find_element(By.CSS_SELECTOR, "#report-form button[type=submit]").click()
            wait_for(d, "the report by user",
                     lambda d: len(texts(d, "#report-rows td:nth-child(1)")) > 1)
            users = texts(d, "#report-rows td:nth-child(1)")
            labels = d.execute_script(
                "return Chart.getChart(document.getElementById('report-chart')).data.labels;")
            if labels != users:
                raise Failed("the chart by user has the bars %r for %r" % (labels, users))
        cookies = "; ".join("%s=%s" % (c["name"], c["value"]) for c in d.get_cookies())
    finally:
        d.quit()
    # The download, with the browser's session, as a person's browser
    # would save it.
    import ssl
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    for link, path in ((href, csv_path), (project_href, project_csv_path)):
        if link is None:
            continue
        req = urllib.request.Request(link, headers={"Cookie": cookies})
        with urllib.request.urlopen(req, context=ctx, timeout=30) as res:
            if res.headers.get("Content-Type", "").split(";")[0] != "text/csv":
                raise Failed("the CSV came as " + res.headers.get("Content-Type", "?"))
            with open(path, "wb") as f:
                f.write(res.read())


def scenario_tokens(url, shots, user, password, name):
    """The account page's API tokens: make one (shown once, with its copy
    button), use it from a script, revoke it in the page."""
    import json
    import re
    import ssl
    import urllib.error
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE

    def session_with(token):
        req = urllib.request.Request(url + "/api/session", headers={
            "Authorization": "Bearer " + token})
        try:
            with urllib.request.urlopen(req, context=ctx, timeout=WAIT) as res:
                return res.status, json.load(res)
        except urllib.error.HTTPError as e:
            return e.code, json.load(e)

    d = browser(DESKTOP)
    try:
        login(d, url, user, password)
        wait_for(d, "the job list", lambda d: len(job_titles(d)) > 0)
        press(d, d.find_element(By.CSS_SELECTOR, "a[data-view=balance]"))
        visible(d, "view-balance")
        visible(d, "token-name").send_keys(name)
        press(d, d.find_element(By.ID, "token-submit"))
        visible(d, "token-new")
        token = d.find_element(By.ID, "token-text").get_attribute("value")
        if not re.fullmatch(r"fmt_[0-9a-f]{64}", token):
            raise Failed("the page shows no token")
        wait_for(d, "the token listed", lambda d: any(
            t.startswith(name + " · active") for t in texts(d, "#tokens-list .token-item")))
        if token in d.find_element(By.ID, "tokens-list").text:
            raise Failed("the list shows the token itself")
        no_alert(d)
        shot(d, shots, "staff-tokens-desktop")
        status, who = session_with(token)
        if status != 200 or who.get("login") != user:
            raise Failed("the page's token does not log in as %s: %d" % (user, status))
        item = [li for li in d.find_elements(By.CSS_SELECTOR, "#tokens-list .token-item")
                if li.text.startswith(name + " · active")][0]
        press(d, item.find_element(By.CSS_SELECTOR, ".token-revoke"))
        d.switch_to.alert.accept()
        wait_for(d, "the token revoked", lambda d: any(
            t.startswith(name + " · revoked") for t in texts(d, "#tokens-list .token-item")))
        if d.find_element(By.ID, "token-new").is_displayed():
            raise Failed("the revoked token is still shown")
        status, err = session_with(token)
        if status != 401 or err.get("error") != "token-revoked":
            raise Failed("the revoked token: %d %r" % (status, err))
    finally:
        d.quit()
    d = browser(PHONE)
    try:
        login(d, url, user, password)
        wait_for(d, "the job list", lambda d: len(job_titles(d)) > 0)
        press(d, d.find_element(By.CSS_SELECTOR, "a[data-view=balance]"))
        wait_for(d, "the tokens", lambda d: len(texts(d, "#tokens-list .token-item")) > 0)
        shot(d, shots, "staff-tokens-phone")
    finally:
        d.quit()


def scenario_admin_tokens(url, shots, user, password, login_name, name):
    """An admin finds a user, lists their API tokens and revokes one."""
    d = browser(DESKTOP)
    try:
        login(d, url, user, password)
        tab = wait_for(d, "the users tab",
                       lambda d: d.find_element(By.CSS_SELECTOR, "a[data-view=users]")
                       if d.find_element(By.CSS_SELECTOR, "a[data-view=users]").is_displayed()
                       else None)
        press(d, tab)
        visible(d, "view-users")
        d.find_element(By.ID, "users-q").send_keys(login_name)
        press(d, d.find_element(By.CSS_SELECTOR, "#users-form button"))
        wait_for(d, "the user found",
                 lambda d: texts(d, "#users-rows td:first-child") == [login_name])
        press(d, d.find_element(By.CSS_SELECTOR, "#users-rows .user-tokens"))
        visible(d, "user-tokens")
        wait_for(d, "the user's token", lambda d: any(
            t.startswith(name + " · active") for t in texts(d, "#user-tokens-list .token-item")))
        shot(d, shots, "admin-user-tokens-desktop")
        item = [li for li in d.find_elements(By.CSS_SELECTOR, "#user-tokens-list .token-item")
                if li.text.startswith(name + " · active")][0]
        press(d, item.find_element(By.CSS_SELECTOR, ".token-revoke"))
        d.switch_to.alert.accept()
        wait_for(d, "the token revoked", lambda d: any(
            t.startswith(name + " · revoked") for t in texts(d, "#user-tokens-list .token-item")))
        no_alert(d)
    finally:
        d.quit()


SCENARIOS = {
    "staff": scenario_staff,
    "french": scenario_french,
    "phone": scenario_phone,
    "progress": scenario_progress,
    "authlog_token": scenario_authlog_token,
    "site": scenario_site,
    "admin": scenario_admin,
    "finance": scenario_finance,
    "tokens": scenario_tokens,
    "admin_tokens": scenario_admin_tokens,
}


def main():
    if len(sys.argv) < 4 or sys.argv[3] not in SCENARIOS:
        print(__doc__, file=sys.stderr)
        return 2
    url, shots, name = sys.argv[1:4]
    os.makedirs(shots, exist_ok=True)
    try:
        SCENARIOS[name](url, shots, *sys.argv[4:])
    except Failed as e:
        print("%s: %s" % (name, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
