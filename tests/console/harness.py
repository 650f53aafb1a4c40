"""Shared setup for the console's browser tests (Debian's chromium,
chromium-driver and python3-selenium; run with /usr/bin/python3).

A Stack is one real patd, one real docker-registry whose token auth points
at it, a temp HOME/DOCKER_CONFIG with our helper on PATH (credHelpers for the
registry), and one headless Chromium session. Every wait is bounded; every
process dies with the test.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "patd"))
import patdlib  # noqa: E402

SKIP = 77


def skip(why):
    print(f"SKIP: {why}", file=sys.stderr)
    sys.exit(SKIP)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, check, timeout=20.0, step=0.1):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except Exception as e:  # noqa: BLE001 - reported below
            last = e
        time.sleep(step)
    raise AssertionError(f"{what}: not within {timeout}s" + (f" ({last})" if last else ""))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Stack:
    """patd + registry + helper environment + browser."""

    def __init__(self, build_dir, name, registry=True, browser=True):
        self.build = build_dir
        self.name = name
        for tool in ["chromium", "chromedriver", "zbarimg"] + \
                (["docker-registry", "docker", "skopeo", "umoci"] if registry else []):
            if not shutil.which(tool):
                skip(f"{tool} is not installed")
        try:
            import selenium  # noqa: F401
        except ImportError:
            skip("python3-selenium is not installed (run with /usr/bin/python3)")
        self.tmp = tempfile.mkdtemp(prefix=f"pat-console-{name}.")
        self.procs = []
        self.driver = None
        self.secrets = set()
        self.shots = os.environ.get("PAT_CONSOLE_SCREENSHOTS", "")
        self.env = dict(os.environ)
        self._setup_env()
        self.reg_port = free_port() if registry else None
        self.registry = f"127.0.0.1:{self.reg_port}" if registry else "registry.example"
        self.patd = patdlib.Patd(build_dir, ["--log-level", "debug", "--auth-fail-limit", "100000",
                                             "--service", "registry.console",
                                             "--issuer", "patd-console",
                                             "--registry", self.registry,
                                             "--device-poll-interval", "1"])
        self.patd.env.update(self.env)
        # The registry's realm names patd's port before patd starts: patd
        # listens on a port picked here instead of 0.
        self.patd_port = free_port()
        if registry:
            self._start_registry()
        self._start_patd()
        self.url = f"http://127.0.0.1:{self.patd_port}"
        if registry:
            wait_for("registry answers", lambda: self._registry_up())
        if browser:
            self._start_browser()

    # ---- environment -----------------------------------------------------
    def _setup_env(self):
        home = os.path.join(self.tmp, "home")
        for d in ("home", "bin", "docker", "run", "state", "cache"):
            os.makedirs(os.path.join(self.tmp, d), exist_ok=True)
        os.chmod(os.path.join(self.tmp, "run"), 0o700)
        helper = os.path.join(self.build, "docker-credential-pat")
        if not os.access(helper, os.X_OK):
            skip(f"{helper} not built")
        shutil.copy(helper, os.path.join(self.tmp, "bin", "docker-credential-pat"))
        self.helper = os.path.join(self.tmp, "bin", "docker-credential-pat")
        self.env.update({
            "HOME": home,
            "PATH": os.path.join(self.tmp, "bin") + os.pathsep + self.env.get("PATH", ""),
            "DOCKER_CONFIG": os.path.join(self.tmp, "docker"),
            "XDG_RUNTIME_DIR": os.path.join(self.tmp, "run"),
            "XDG_CACHE_HOME": os.path.join(self.tmp, "cache"),
            "DOCKER_CREDENTIAL_PAT_STATE_DIR": os.path.join(self.tmp, "state"),
            "DOCKER_CREDENTIAL_PAT_STORE": "keyring",
            "DOCKER_CREDENTIAL_PAT_KEYRING": "session",
            "DOCKER_CREDENTIAL_PAT_FLUSH_INTERVAL": "0",
        })
        for var in ("DOCKER_CREDENTIAL_PAT_BACKEND", "DOCKER_CREDENTIAL_PAT_OFFLINE",
                    "REGISTRY_AUTH_FILE", "DOCKER_AUTH_CONFIG", "DISPLAY", "WAYLAND_DISPLAY"):
            self.env.pop(var, None)

    def docker_config(self, body):
        with open(os.path.join(self.env["DOCKER_CONFIG"], "config.json"), "w") as f:
            json.dump(body, f)

    def _start_registry(self):
        cert = self.patd.cli("cert").stdout.decode()
        bundle = os.path.join(self.tmp, "patd-cert.pem")
        with open(bundle, "w") as f:
            f.write(cert)
        reg = os.path.join(self.tmp, "registry")
        os.makedirs(os.path.join(reg, "storage"))
        config = f"""version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: {reg}/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:{self.reg_port}
  secret: console-test-{os.getpid()}
auth:
  token:
    realm: http://127.0.0.1:{self.patd_port}/token
    service: registry.console
    issuer: patd-console
    rootcertbundle: {bundle}
"""
        with open(os.path.join(reg, "config.yml"), "w") as f:
            f.write(config)
        log = open(os.path.join(reg, "registry.log"), "wb")
        self.procs.append(subprocess.Popen(["docker-registry", "serve", os.path.join(reg, "config.yml")],
                                           stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                           preexec_fn=patdlib._die_with_parent))

    def _start_patd(self):
        p = self.patd
        logf = os.path.join(p.tmp, f"stderr.{len(p.logs)}.log")
        p.logs.append(logf)
        args = [p.binary, "serve", "--listen", f"127.0.0.1:{self.patd_port}",
                "--data-dir", p.data_dir, *p.extra_args]
        with open(logf + ".out", "wb") as out, open(logf, "wb") as err:
            p.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                      env=p.env, preexec_fn=patdlib._die_with_parent)
        wait_for("patd listens", lambda: b"listening on" in open(logf, "rb").read()
                 or p.proc.poll() is not None)
        if p.proc.poll() is not None:
            raise RuntimeError(f"patd exited: {p.stderr()[-2000:]}")
        p.port = self.patd_port

    def _registry_up(self):
        try:
            urllib.request.urlopen(f"http://{self.registry}/v2/", timeout=2)
        except urllib.error.HTTPError as e:
            return e.code == 401
        return False

    def _start_browser(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        opts = webdriver.ChromeOptions()
        opts.binary_location = shutil.which("chromium")
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                     "--window-size=1280,900", f"--user-data-dir={self.tmp}/chromium"):
            opts.add_argument(flag)
        service = Service(executable_path=shutil.which("chromedriver"),
                          log_output=os.path.join(self.tmp, "chromedriver.log")) \
            if "log_output" in Service.__init__.__code__.co_varnames else \
            Service(executable_path=shutil.which("chromedriver"),
                    log_path=os.path.join(self.tmp, "chromedriver.log"))
        self.driver = webdriver.Chrome(service=service, options=opts)
        self.driver.set_page_load_timeout(30)
        self.driver.implicitly_wait(0)

    # ---- accounts and API --------------------------------------------------
    def user(self, prefix="user"):
        name, password = self.patd.add_user(patdlib.rand_name(prefix))
        self.secrets.add(password)
        return name, password

    def api_session(self, name, password):
        return self.patd.session(name, password)

    def api_tokens(self, session):
        r = self.patd.request("GET", "/v2/access-tokens?page_size=100", bearer=session)
        assert r.status == 200, r
        return r.json

    # ---- browser ------------------------------------------------------------
    def open(self, path):
        self.driver.get(self.url + path)

    def by_id(self, ident):
        from selenium.webdriver.common.by import By
        return self.driver.find_element(By.ID, ident)

    def css(self, selector):
        from selenium.webdriver.common.by import By
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def sign_in(self, name, password, code=None):
        self.open("/login")
        self.by_id("username").send_keys(name)
        self.by_id("password").send_keys(password)
        self.css("form button[type=submit]")[0].click()
        if code is not None:
            wait_for("second step", lambda: self.driver.current_url.endswith("/login/2fa"))
            self.by_id("code").send_keys(code)
            self.css("form button[type=submit]")[0].click()

    def sign_out(self):
        self.css("details.avatar-menu summary")[0].click()
        [b for b in self.css("details.avatar-menu button") if b.text == "Sign out"][0].click()
        wait_for("signed out", lambda: "/login" in self.driver.current_url)

    def text(self):
        from selenium.webdriver.common.by import By
        return self.driver.find_element(By.TAG_NAME, "body").text

    def wait_text(self, needle, timeout=15):
        return wait_for(f"page shows {needle!r}", lambda: needle in self.text(), timeout)

    def shot(self, name):
        if not self.shots:
            return
        os.makedirs(self.shots, exist_ok=True)
        self.driver.save_screenshot(os.path.join(self.shots, f"{name}.png"))

    def generate(self, description, scope="read", expiration="none"):
        """Generates a token in the browser; returns its plaintext from the dialog."""
        from selenium.webdriver.support.ui import Select
        self.open("/settings/security/tokens/new")
        self.by_id("description").send_keys(description)
        Select(self.by_id("expiration")).select_by_value(expiration)
        self.css(f"input[name=scope][value='{scope}']")[0].click()
        self.css("#generate-form button[type=submit]")[0].click()
        token = wait_for("token dialog", lambda: self.by_id("new-token").get_attribute("value"))
        self.secrets.add(token)
        return token

    def close_token_dialog(self):
        self.by_id("token-dialog-close").click()
        wait_for("dialog closed", lambda: not self.css("#token-dialog"))

    def counts(self):
        return int(self.by_id("active-count").text), int(self.by_id("inactive-count").text)

    def row_action(self, label, action):
        """Opens the actions menu of the row labelled LABEL and clicks ACTION."""
        from selenium.webdriver.common.by import By
        for row in self.css("tr[data-uuid]"):
            if row.find_element(By.CSS_SELECTOR, "th.label").text == label:
                uuid = row.get_attribute("data-uuid")  # the row is gone after the click
                row.find_element(By.CSS_SELECTOR, "details.actions-menu summary").click()
                for el in row.find_elements(By.CSS_SELECTOR, ".menu-items a, .menu-items button"):
                    if el.text == action:
                        el.click()
                        return uuid
        raise AssertionError(f"no row {label!r} with action {action!r}")

    def tab_to(self, matches, max_tabs=80):
        """Presses Tab (keyboard only) until matches(active element) holds."""
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys
        for _ in range(max_tabs):
            ActionChains(self.driver).send_keys(Keys.TAB).perform()
            if matches(self.driver.switch_to.active_element):
                return self.driver.switch_to.active_element
        raise AssertionError(f"no focusable element matched within {max_tabs} Tab presses")

    def press(self, key):
        from selenium.webdriver.common.action_chains import ActionChains
        ActionChains(self.driver).send_keys(key).perform()

    def unlabelled_controls(self):
        """Visible form controls without an accessible name (label, aria-label or text)."""
        return self.driver.execute_script("""
          const bad = [];
          for (const el of document.querySelectorAll('input, select, textarea, button, summary, a[href]')) {
            if (el.type === 'hidden' || el.closest('template')) continue;
            const named = (el.labels && el.labels.length > 0) || el.getAttribute('aria-label') ||
                          el.getAttribute('aria-labelledby') || el.textContent.trim() !== '';
            if (!named) bad.push(el.outerHTML.slice(0, 120));
          }
          return bad;""")

    def cookie_header(self):
        return "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())

    def fetch(self, path, cookie=None, method="GET", body=None, headers=None):
        req = urllib.request.Request(self.url + path, method=method, data=body,
                                     headers=dict(headers or {}))
        if cookie:
            req.add_header("Cookie", cookie)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(req, timeout=10) as r:
                return r.status, dict(r.headers), r.read().decode(errors="replace")
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode(errors="replace")

    # ---- tools ---------------------------------------------------------------
    def run(self, *args, stdin=None, timeout=120):
        return subprocess.run(list(args), input=stdin.encode() if stdin is not None else None,
                              stdin=None if stdin is not None else subprocess.DEVNULL,
                              capture_output=True, timeout=timeout, env=self.env)

    def docker_login(self, user, secret):
        return self.run("docker", "login", "-u", user, "--password-stdin", self.registry,
                        stdin=secret)

    def oci_image(self):
        layout = os.path.join(self.tmp, "oci")
        if not os.path.isdir(layout):
            src = os.path.join(self.tmp, "hello.txt")
            with open(src, "w") as f:
                f.write("hello from the console tests\n")
            for cmd in (["umoci", "init", "--layout", layout],
                        ["umoci", "new", "--image", f"{layout}:base"],
                        ["umoci", "insert", "--image", f"{layout}:base", src, "/hello.txt"]):
                p = self.run(*cmd)
                assert p.returncode == 0, p.stderr
        return f"oci:{layout}:base"

    def skopeo_push(self, repo, creds=None):
        args = ["skopeo", "copy", "--quiet", "--dest-tls-verify=false"]
        if creds:
            args += ["--dest-creds", f"{creds[0]}:{creds[1]}"]
        return self.run(*args, self.oci_image(), f"docker://{self.registry}/{repo}")

    def skopeo_pull(self, repo, creds=None):
        args = ["skopeo", "inspect", "--tls-verify=false"]
        if creds:
            args += ["--creds", f"{creds[0]}:{creds[1]}"]
        return self.run(*args, f"docker://{self.registry}/{repo}")

    # ---- the end ------------------------------------------------------------
    def assert_no_secrets(self):
        self.patd.secrets |= self.secrets
        self.patd.assert_no_secrets()

    def close(self):
        if self.driver:
            try:
                self.driver.quit()
            except Exception:  # noqa: BLE001
                pass
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
        self.patd.cleanup()
        shutil.rmtree(self.tmp, ignore_errors=True)


def main(flows):
    """console_test.py BUILD_DIR FLOW: runs one flow, prints a closing line."""
    if len(sys.argv) != 3 or sys.argv[2] not in flows:
        sys.exit(f"usage: {sys.argv[0]} BUILD_DIR {'|'.join(flows)}")
    build, flow = sys.argv[1], sys.argv[2]
    patdlib.find_patd(build)
    fn, needs_registry = flows[flow]
    stack = Stack(build, flow, registry=needs_registry)
    ok = False
    try:
        fn(stack)
        stack.assert_no_secrets()
        ok = True
    finally:
        if not ok:
            try:
                print("--- patd log (tail) ---\n" + stack.patd.stderr()[-3000:], file=sys.stderr)
                if stack.driver:
                    print("--- page ---\n" + stack.driver.current_url + "\n" + stack.text()[:2000],
                          file=sys.stderr)
            except Exception:  # noqa: BLE001
                pass
        stack.close()
    print(f"{flow}: 1 passed, 0 failed")
