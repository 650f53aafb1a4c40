#!/usr/bin/python3
"""The web console in a real browser (docs/console.md, Tests), one flow per run:
   console_test.py BUILD_DIR FLOW
Each flow drives headless Chromium against a real patd (and, where it needs
one, a real docker-registry with patd as token server, the docker CLI and
skopeo). With PAT_CONSOLE_SCREENSHOTS=DIR the flows save PNGs of each page
(docs/console/ holds the ones the README shows)."""

import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.parse

import harness
from harness import wait_for
import patdlib


def flow_signin(s):
    """1. Password sign-in; password + TOTP; a PAT is refused at sign-in."""
    name, password = s.user("ann")
    s.open("/")
    assert s.driver.current_url.endswith("/login"), s.driver.current_url
    s.shot("signin")
    # Wrong password: one clear sentence, still on the sign-in page.
    s.sign_in(name, "not-the-password")
    s.wait_text("Incorrect username or password.")
    s.sign_in(name, password)
    wait_for("token page", lambda: s.driver.current_url.endswith("/settings/security/tokens"))
    s.wait_text("No access tokens yet")
    s.shot("tokens-empty")
    # The avatar menu: Account settings and Sign out.
    s.css("details.avatar-menu summary")[0].click()
    items = [e.text for e in s.css("details.avatar-menu .menu-items a, details.avatar-menu button")]
    assert items == ["Account settings", "Sign out"], items
    s.shot("avatar-menu")
    s.css("details.avatar-menu .menu-items a")[0].click()
    wait_for("settings", lambda: s.driver.current_url.endswith("/settings/security"))
    nav = [a.text for a in s.css("nav.side a")]
    assert nav == ["Personal access tokens", "Two-factor authentication"], nav
    s.shot("security")
    cookie = s.cookie_header()
    s.sign_out()
    s.wait_text("You are signed out.")
    # The old cookie no longer works: sign-out ended the session on the server.
    status, headers, _ = s.fetch("/settings/security/tokens", cookie=cookie)
    assert status == 303 and headers["Location"].startswith("/login"), (status, headers)

    # A PAT in the password field is refused.
    session = s.api_session(name, password)
    pat = s.patd.new_token(session, label="cli", scopes=["repo:admin"])["token"]
    s.secrets.add(pat)
    s.sign_in(name, pat)
    s.wait_text("A personal access token cannot sign in to the console.")
    assert "/login" in s.driver.current_url

    # With 2FA on: the second step asks for the code.
    bob, bob_pw = s.user("bob")
    params = s.patd.enable_2fa(bob)
    s.sign_in(bob, bob_pw)
    wait_for("second step", lambda: s.driver.current_url.endswith("/login/2fa"))
    s.shot("signin-2fa")
    s.by_id("code").send_keys("000000")
    s.css("form button[type=submit]")[0].click()
    s.wait_text("That code is not right")
    s.by_id("code").send_keys(patdlib.totp(params["secret"]))
    s.css("form button[type=submit]")[0].click()
    wait_for("signed in with 2FA", lambda: s.driver.current_url.endswith("/settings/security/tokens"))
    s.sign_out()

    # Without JavaScript: sign in, the token list, generate and close.
    s.driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    s.sign_in(name, password)
    wait_for("signed in without script",
             lambda: s.driver.current_url.endswith("/settings/security/tokens"))
    s.open("/settings/security/tokens/new")
    # console.js would hide the custom date (it runs when scripts do).
    assert "hidden" not in (s.by_id("custom-date").get_attribute("class") or "")
    s.by_id("description").send_keys("no script")
    s.css("input[name=scope][value='read']")[0].click()
    s.css("#generate-form button[type=submit]")[0].click()
    token = wait_for("token shown", lambda: s.by_id("new-token").get_attribute("value"))
    s.secrets.add(token)
    s.by_id("token-dialog-close").click()
    wait_for("list again", lambda: not s.css("#token-dialog"))
    assert [e.text for e in s.css("th.label")] == ["no script", "cli"], s.text()
    assert token not in s.driver.page_source
    s.driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def flow_generate(s):
    """2. One token of each permission level; docker login and skopeo obey its scope."""
    name, password = s.user("gen")
    s.docker_config({"credHelpers": {s.registry: "pat"}})
    s.sign_in(name, password)
    wait_for("signed in", lambda: "/settings/security/tokens" in s.driver.current_url)
    s.open("/settings/security/tokens/new")
    s.shot("generate")
    tokens = {}
    for scope in ("read", "write", "delete", "public-read"):
        tokens[scope] = s.generate(f"{scope} token", scope=scope)
        if scope == "read":
            s.shot("token-created")
        s.close_token_dialog()
    s.shot("tokens")
    # Push with the write token; then each token's rights on that image.
    assert s.skopeo_push(f"{name}/app:1", (name, tokens["write"])).returncode == 0
    expect = {"read": (True, False), "write": (True, True), "delete": (True, True),
              "public-read": (False, False)}
    for scope, (can_pull, can_push) in expect.items():
        login = s.docker_login(name, tokens[scope])
        assert login.returncode == 0, (scope, login.stderr)
        pulled = s.skopeo_pull(f"{name}/app:1", (name, tokens[scope])).returncode == 0
        pushed = s.skopeo_push(f"{name}/app:{scope}", (name, tokens[scope])).returncode == 0
        assert (pulled, pushed) == (can_pull, can_push), (scope, pulled, pushed)
    # What docker stored went through our helper (credHelpers) with the token.
    got = s.run(s.helper, "get", stdin=s.registry)
    assert got.returncode == 0 and tokens["public-read"] in got.stdout.decode(), got.stderr


def flow_counts(s):
    """3. The toolbar's counts match the API after generate, deactivate, activate, delete."""
    name, password = s.user("cnt")
    session = s.api_session(name, password)
    s.sign_in(name, password)
    wait_for("signed in", lambda: "/settings/security/tokens" in s.driver.current_url)

    def check():
        api = s.api_tokens(session)
        shown = s.counts()
        assert shown == (api["active_count"], api["count"] - api["active_count"]), (shown, api)
        return shown

    for i in range(3):
        s.generate(f"t{i}")
        s.close_token_dialog()
        check()
    assert check() == (3, 0)
    s.row_action("t1", "Deactivate")
    s.wait_text("The token is deactivated.")
    assert check() == (2, 1)
    s.row_action("t1", "Activate")
    s.wait_text("The token is active again.")
    assert check() == (3, 0)
    s.row_action("t0", "Delete")
    dialog = wait_for("delete dialog", lambda: s.css("dialog[open]"))
    assert "t0" in dialog[0].text, dialog[0].text
    s.shot("delete-confirm")
    [b for b in dialog[0].find_elements("css selector", "button") if b.text == "Delete"][0].click()
    s.wait_text("The token is deleted.")
    assert check() == (2, 0)
    # Paging past 10 rows.
    for i in range(10):
        s.patd.new_token(session, label=f"bulk{i}")
    s.open("/settings/security/tokens")
    assert len(s.css("tr[data-uuid]")) == 10
    assert check() == (12, 0)
    s.css("a[rel=next]")[0].click()
    wait_for("page 2", lambda: "page=2" in s.driver.current_url)
    assert len(s.css("tr[data-uuid]")) == 2

    # The keyboard alone: Tab to a row's Actions, Enter opens the menu, Tab
    # to Deactivate, Enter; Escape closes an open menu.
    from selenium.webdriver.common.keys import Keys
    s.open("/settings/security/tokens")
    first = s.css("tr[data-uuid] th.label")[0].text
    s.tab_to(lambda el: el.tag_name == "summary" and first in (el.get_attribute("aria-label") or ""))
    s.press(Keys.ENTER)
    wait_for("menu open", lambda: s.css("details.actions-menu[open]"))
    s.press(Keys.ESCAPE)
    wait_for("menu closed", lambda: not s.css("details.actions-menu[open]"))
    s.press(Keys.ENTER)
    s.tab_to(lambda el: el.tag_name == "button" and el.text == "Deactivate")
    s.press(Keys.ENTER)
    s.wait_text("The token is deactivated.")
    assert check() == (11, 1)
    _check_ci_tokens(s, name, session, check)

    # Phone width: no sideways scrolling, each cell names its column.
    s.driver.set_window_size(390, 844)
    s.open("/settings/security/tokens")
    overflow = s.driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, overflow
    cell = s.css("tr[data-uuid] td[data-label='Last used']")[0]
    assert cell.is_displayed()
    s.shot("tokens-phone")
    s.driver.set_window_size(1280, 900)


def _check_ci_tokens(s, name, session, check):
    """Tokens of the OIDC exchange show in their own "CI tokens (OIDC)"
    section (subject, scope, expiry, created, last used; no secret), in
    neither the token table nor its counts."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "oidc"))
    import oidc_issuer
    issuer = oidc_issuer.Issuer()
    try:
        s.patd.cli("oidc", "add-issuer", issuer.url, "--audience", "console")
        s.patd.cli("oidc", "policy", "add", "--account", name, "--issuer", issuer.url,
                   "--claim", "repository=acme/*", "--scope", "write", "--ttl", "15m")
        subjects = ["repo:acme/app:ref:refs/heads/main", "repo:acme/lib:ref:refs/tags/v1"]
        for sub in subjects:
            body = urllib.parse.urlencode({
                "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
                "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
                "subject_token": issuer.mint({"aud": "console", "sub": sub,
                                              "repository": sub.split(":")[1]})}).encode()
            r = s.patd.request("POST", "/v2/oidc/token", raw=body,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
            assert r.status == 200, r
            s.secrets.add(r.json["access_token"])
    finally:
        issuer.stop()
    api = s.patd.request("GET", "/v2/oidc/tokens", bearer=session)
    assert api.status == 200 and api.json["count"] == 2, api
    s.open("/settings/security/tokens")
    s.wait_text("CI tokens (OIDC)")
    rows = s.css("#ci-tokens tr[data-ci-uuid]")
    assert [r.get_attribute("data-ci-uuid") for r in rows] == \
        [t["uuid"] for t in api.json["results"]], rows
    cells = [[c.text for c in r.find_elements("css selector", "th, td")] for r in rows]
    assert [c[0] for c in cells] == subjects[::-1], cells
    assert all(c[1] == "Read & Write" and c[2].startswith("in ") and c[4] == "Never"
               for c in cells), cells
    # Not in the manual/auto table, not in its counts (the API agrees).
    table = {r.get_attribute("data-uuid") for r in s.css("tr[data-uuid]")}
    assert not table & {t["uuid"] for t in api.json["results"]}, table
    assert check() == (11, 1)
    page = s.driver.page_source
    assert not [t for t in s.secrets if t in page], "a secret is on the page"
    s.shot("ci-tokens")
    s.assert_no_secrets()


def flow_actions(s):
    """4. Deactivate: docker login fails; activate: works; edit renames; delete removes."""
    name, password = s.user("act")
    s.docker_config({"credHelpers": {s.registry: "pat"}})
    s.sign_in(name, password)
    wait_for("signed in", lambda: "/settings/security/tokens" in s.driver.current_url)
    token = s.generate("laptop", scope="write")
    s.close_token_dialog()
    assert s.docker_login(name, token).returncode == 0
    s.row_action("laptop", "Deactivate")
    s.wait_text("The token is deactivated.")
    s.shot("tokens-inactive")
    denied = s.docker_login(name, token)
    assert denied.returncode != 0, denied.stdout
    s.row_action("laptop", "Activate")
    s.wait_text("The token is active again.")
    assert s.docker_login(name, token).returncode == 0
    s.row_action("laptop", "Edit")
    field = wait_for("edit form", lambda: s.by_id("description"))
    s.shot("edit")
    field.clear()
    field.send_keys("work laptop")
    [b for b in s.css("form button") if b.text == "Save token"][0].click()
    s.wait_text("The token is saved.")
    assert [e.text for e in s.css("th.label")] == ["work laptop"]
    s.row_action("work laptop", "Delete")
    dialog = wait_for("delete dialog", lambda: s.css("dialog[open]"))
    [b for b in dialog[0].find_elements("css selector", "button") if b.text == "Delete"][0].click()
    s.wait_text("No access tokens yet")
    assert s.docker_login(name, token).returncode != 0


def flow_copy_once(s):
    """5. After Close the token is nowhere: page, DOM, history, later responses, log, database."""
    name, password = s.user("once")
    s.sign_in(name, password)
    wait_for("signed in", lambda: "/settings/security/tokens" in s.driver.current_url)
    token = s.generate("copy me", scope="read")
    line = s.by_id("login-line").get_attribute("value")
    assert line == f"docker login -u {name} {s.registry}", line
    assert "cannot be shown again" in s.text()
    [b for b in s.css("button[data-copy='new-token']")][0].click()
    s.wait_text("Copied to the clipboard.")
    s.close_token_dialog()
    assert token not in s.driver.page_source
    assert token not in s.driver.execute_script("return document.documentElement.outerHTML")
    s.driver.back()  # the reply with the token left the history
    time.sleep(0.5)
    assert token not in s.driver.page_source
    cookie = s.cookie_header()
    for path in ("/settings/security/tokens", "/settings/security/tokens/new", "/settings/security",
                 "/settings/security/2fa", "/"):
        status, _, body = s.fetch(path, cookie=cookie)
        assert token not in body, path
    assert token not in s.patd.stderr()
    s.patd.stop()  # flushes; the database holds only the token's keyed hash
    for root, _, files in os.walk(s.patd.data_dir):
        for f in files:
            with open(os.path.join(root, f), "rb") as fh:
                assert token.encode() not in fh.read(), f


def flow_2fa(s):
    """6. Enable 2FA with the QR code's secret; then sign-in needs the code (or a recovery code)."""
    name, password = s.user("tfa")
    s.sign_in(name, password)
    wait_for("signed in", lambda: "/settings/security/tokens" in s.driver.current_url)
    s.open("/settings/security/2fa")
    s.shot("2fa-off")
    [b for b in s.css("form button") if b.text.startswith("Enable")][0].click()
    svg = wait_for("QR code", lambda: s.css("svg.qr"))
    assert svg[0].size["width"] > 100
    # The secret the app gets is the one in the QR code: scan the rendered
    # code (zbarimg, from Debian's zbar-tools) and compare with the text.
    png = os.path.join(s.tmp, "qr.png")
    with open(png, "wb") as f:
        f.write(svg[0].screenshot_as_png)
    scanned = s.run("zbarimg", "--quiet", "--raw", png)
    assert scanned.returncode == 0, scanned.stderr
    uri = scanned.stdout.decode().strip()
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(uri).query)
    assert uri.startswith(f"otpauth://totp/patd:{name}?"), uri
    secret = query["secret"][0]
    s.secrets.add(secret)
    assert s.by_id("totp-secret").text.replace(" ", "") == secret
    s.shot("2fa-setup")
    confirmed_step = int(time.time() // 30)
    s.by_id("code").send_keys(patdlib.totp(secret))
    [b for b in s.css("form button") if b.text.startswith("Confirm")][0].click()
    codes = wait_for("recovery codes", lambda: [e.text for e in s.css("#recovery-codes code")])
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{5}-[a-z2-7]{5}", c) for c in codes), codes
    s.secrets.update(codes)
    s.shot("2fa-codes")
    s.open("/settings/security/2fa")
    assert codes[0] not in s.driver.page_source  # shown once
    s.wait_text("10 recovery codes are left.")
    s.sign_out()
    s.sign_in(name, password)
    wait_for("second step", lambda: s.driver.current_url.endswith("/login/2fa"))
    s.by_id("code").send_keys(codes[0])  # a recovery code first
    s.css("form button[type=submit]")[0].click()
    wait_for("signed in with a recovery code",
             lambda: s.driver.current_url.endswith("/settings/security/tokens"))
    s.sign_out()
    s.sign_in(name, password)
    wait_for("second step", lambda: s.driver.current_url.endswith("/login/2fa"))
    s.by_id("code").send_keys(codes[0])  # used up
    s.css("form button[type=submit]")[0].click()
    s.wait_text("That code is not right")
    # A TOTP code of a later step than the one that confirmed the setup
    # (each step's code works once).
    wait_for("a later TOTP step", lambda: int(time.time() // 30) > confirmed_step, timeout=35)
    s.by_id("code").send_keys(patdlib.totp(secret))
    s.css("form button[type=submit]")[0].click()
    wait_for("signed in with TOTP", lambda: s.driver.current_url.endswith("/settings/security/tokens"))
    # The API now refuses the password at /token (docker login needs a PAT).
    r = s.patd.token_endpoint(name, password, service="registry.console")
    assert r.status == 401, r

    # Turning it off needs the password and a code (here a recovery code:
    # this step's TOTP code was used by the sign-in above).
    s.open("/settings/security/2fa")
    s.by_id("password").send_keys("not-the-password")
    s.by_id("code").send_keys(codes[1])
    [b for b in s.css("form button") if b.text == "Turn off"][0].click()
    s.wait_text("The password is not right.")
    s.by_id("password").send_keys(password)
    s.by_id("code").send_keys(codes[1])
    [b for b in s.css("form button") if b.text == "Turn off"][0].click()
    s.wait_text("Two-factor authentication is off.")
    s.sign_out()
    s.sign_in(name, password)
    wait_for("signed in without a code",
             lambda: s.driver.current_url.endswith("/settings/security/tokens"))


def flow_device(s):
    """7. docker-credential-pat login: approve in the browser, keychain, skopeo pull, logout."""
    name, password = s.user("dev")
    session = s.api_session(name, password)
    s.docker_config({"credHelpers": {s.registry: "pat"}})
    # An image to pull later.
    writer = s.patd.new_token(session, label="writer", scopes=["repo:write"])["token"]
    s.secrets.add(writer)
    assert s.skopeo_push(f"{name}/app:1", (name, writer)).returncode == 0

    def start_login():
        proc = subprocess.Popen([s.helper, "login", s.registry, "--no-browser"],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=s.env, preexec_fn=patdlib._die_with_parent)
        out = b""
        deadline = time.monotonic() + 20
        while b"Waiting" not in out and time.monotonic() < deadline:
            out += proc.stdout.readline()
        m = re.search(rb"enter the code ([A-Z]{4}-[A-Z]{4}) \(or open (\S+)\)", out)
        assert m, out
        return proc, m.group(1).decode(), m.group(2).decode()

    # Denied first: the RFC's access_denied and one clear line.
    proc, code, url = start_login()
    s.sign_in(name, password)
    wait_for("signed in", lambda: "/settings/security/tokens" in s.driver.current_url)
    s.driver.get(url)
    wait_for("confirm page", lambda: code in s.text())
    [b for b in s.css("form button") if b.text == "Deny"][0].click()
    s.wait_text("Sign-in denied")
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1, (out, err)
    assert b"the sign-in was denied in the browser; nothing stored" in err, err

    # Approved: the item lands in the keychain with its metadata.
    proc, code, url = start_login()
    s.open("/device")
    s.shot("device-enter")
    s.by_id("user_code").send_keys(code.lower())
    [b for b in s.css("form button") if b.text == "Continue"][0].click()
    wait_for("confirm page", lambda: s.css("#device-host"))
    assert s.by_id("device-code").text == code
    assert s.by_id("device-host").text == os.uname().nodename
    s.shot("device-confirm")
    [b for b in s.css("form button") if b.text == "Approve"][0].click()
    s.wait_text("Device approved")
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, (out, err)
    assert f"Signed in to {s.registry} as {name}".encode() in out, out
    got = s.run(s.helper, "get", stdin=s.registry)
    assert got.returncode == 0, got.stderr
    import json
    item = json.loads(got.stdout)
    assert item["Username"] == name
    s.secrets.add(item["Secret"])
    check = s.run(s.helper, "check", s.registry, "--format", "json")
    row = json.loads(check.stdout)[0]
    assert row["state"] == "active" and row["scopes"] == ["repo:admin"], row
    api = s.api_tokens(session)
    auto = [t for t in api["results"] if t["generated_by"] == "auto"]
    assert len(auto) == 1 and auto[0]["uuid"] == row["uuid"], api
    assert auto[0]["token_label"] == f"docker-credential-pat login on {os.uname().nodename}"
    s.open("/settings/security/tokens")
    s.wait_text("Auto-generated")
    s.shot("tokens-auto")
    # skopeo finds the token through credHelpers -> our helper.
    pulled = s.skopeo_pull(f"{name}/app:1")
    assert pulled.returncode == 0, pulled.stderr
    # logout deletes the token on patd and erases the item.
    gone = s.run(s.helper, "logout", s.registry)
    assert gone.returncode == 0, gone.stderr
    assert b"deleted the token on patd" in gone.stdout, gone.stdout
    assert not [t for t in s.api_tokens(session)["results"] if t["generated_by"] == "auto"]
    again = s.run(s.helper, "get", stdin=s.registry)
    assert again.returncode == 1, again.stdout


def flow_security(s):
    """8. XSS, CSRF and header checks."""
    name, password = s.user("sec")
    s.sign_in(name, password)
    wait_for("signed in", lambda: "/settings/security/tokens" in s.driver.current_url)
    hostile = ["<script>window.__xss=1</script>", "\"><img src=x onerror=\"window.__xss=2\">"]
    for d in hostile:
        s.generate(d)
        s.close_token_dialog()
    s.open("/settings/security/tokens")
    labels = [e.text for e in s.css("th.label")]
    assert sorted(labels) == sorted(hostile), labels
    assert s.driver.execute_script("return window.__xss === undefined")
    s.row_action(hostile[1], "Edit")
    wait_for("edit form", lambda: s.by_id("description"))
    assert s.by_id("description").get_attribute("value") == hostile[1]
    s.open("/settings/security/tokens")
    s.row_action(hostile[0], "Delete")
    dialog = wait_for("delete dialog", lambda: s.css("dialog[open]"))
    assert hostile[0] in dialog[0].text
    assert s.driver.execute_script("return window.__xss === undefined")

    # Every control on every page has a label (or a name of its own).
    for path in ("/settings/security/tokens", "/settings/security/tokens/new",
                 "/settings/security", "/settings/security/2fa", "/device"):
        s.open(path)
        assert s.unlabelled_controls() == [], (path, s.unlabelled_controls())
        # Nothing is fetched from anywhere but patd: the page loads exactly
        # the stylesheet and the script, both from patd's own origin.
        loaded = s.driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
        paths = sorted(urllib.parse.urlsplit(u).path for u in loaded)
        assert paths == ["/console/assets/console.css", "/console/assets/console.js"] and \
            all(u.startswith(s.url + "/") for u in loaded), (path, loaded)

    # Headers on every page.
    cookie = s.cookie_header()
    for path in ("/login", "/settings/security/tokens", "/settings/security/tokens/new",
                 "/settings/security/2fa", "/device"):
        status, headers, body = s.fetch(path, cookie=None if path == "/login" else cookie)
        assert status == 200, (path, status)
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Cache-Control"] == "no-store"
        assert "<script>" not in body
    # The session cookie.
    c = [c for c in s.driver.get_cookies() if c["name"] == "patd_session"][0]
    assert c["httpOnly"] and c["sameSite"] == "Strict", c

    # CSRF: a form on another site posts to the console.
    s.open("/settings/security/tokens")
    count_before = s.counts()
    evil_dir = os.path.join(s.tmp, "evil")
    os.makedirs(evil_dir)
    with open(os.path.join(evil_dir, "index.html"), "w") as f:
        f.write(f"""<!doctype html><form id=f method=post action="{s.url}/settings/security/tokens">
<input name=description value=csrf><input name=scope value=delete><input name=expiration value=none>
</form><script>document.getElementById('f').submit()</script>""")
    port = harness.free_port()
    evil = subprocess.Popen(["/usr/bin/python3", "-m", "http.server", str(port), "--bind", "127.0.0.1",
                             "--directory", evil_dir], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, preexec_fn=patdlib._die_with_parent)
    s.procs.append(evil)
    wait_for("evil site", lambda: s.fetch_external(f"http://127.0.0.1:{port}/"))
    s.driver.get(f"http://127.0.0.1:{port}/")
    wait_for("cross-site post answered", lambda: s.url in s.driver.current_url)
    s.open("/settings/security/tokens")
    assert "csrf" not in [e.text for e in s.css("th.label")]
    assert s.counts() == count_before
    # The same post with the session cookie but from another origin, and
    # without the CSRF token: 403.
    body = b"description=csrf&scope=delete&expiration=none"
    status, _, _ = s.fetch("/settings/security/tokens", cookie=cookie, method="POST", body=body,
                           headers={"Origin": f"http://127.0.0.1:{port}",
                                    "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403, status
    status, _, _ = s.fetch("/settings/security/tokens", cookie=cookie, method="POST", body=body,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403, status
    s.open("/settings/security/tokens")
    assert s.counts() == count_before


def _fetch_external(self, url):
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except Exception:  # noqa: BLE001
        return False


harness.Stack.fetch_external = _fetch_external

FLOWS = {
    "signin": (flow_signin, False),
    "generate": (flow_generate, True),
    "counts": (flow_counts, False),
    "actions": (flow_actions, True),
    "copy_once": (flow_copy_once, False),
    "2fa": (flow_2fa, False),
    "device": (flow_device, True),
    "security": (flow_security, False),
}

if __name__ == "__main__":
    harness.main(FLOWS)
