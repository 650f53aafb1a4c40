#!/usr/bin/env python3
"""/healthz and /readyz follow the database: 200 while it answers, 503 while it
is unreachable, 200 again once it is back, with no patd restart.

PostgreSQL: run under tests/unit/patd/with_postgres.sh, which gives a
throw-away cluster and PATD_TEST_POSTGRES_CTL to stop and start it. Without
it only the SQLite case runs (an open SQLite database cannot be made
unreachable from outside, so that case checks the 200 replies and shapes)."""
import json
import os
import subprocess
import time
import unittest

import patdlib

RECOVERY_SECONDS = 20.0


def probe(p, path):
    r = p.request("GET", path, timeout=10)
    return r.status, r.body


class SqliteHealthTest(unittest.TestCase):
    def test_healthz_and_readyz_ok(self):
        p = patdlib.Patd(patdlib.BUILD_DIR).start()
        try:
            status, body = probe(p, "/healthz")
            self.assertEqual((status, json.loads(body)), (200, {"status": "ok"}))
            self.assertEqual(probe(p, "/readyz"), (200, "ready\n"))
        finally:
            p.cleanup()


@unittest.skipUnless(os.environ.get("PATD_TEST_POSTGRES_CTL"), "not under with_postgres.sh")
class PostgresOutageTest(unittest.TestCase):
    def ctl(self, action):
        subprocess.run([os.environ["PATD_TEST_POSTGRES_CTL"], action], check=True,
                       stdout=subprocess.DEVNULL, timeout=60)

    def test_503_while_database_is_down_then_200_without_restart(self):
        p = patdlib.Patd(patdlib.BUILD_DIR,
                         ["--database", os.environ["PATD_TEST_POSTGRES_URL"]]).start()
        stopped = False
        try:
            self.assertEqual(probe(p, "/healthz")[0], 200)
            self.assertEqual(probe(p, "/readyz")[0], 200)
            self.ctl("stop")
            stopped = True
            # Every pooled connection is dead now: each probe must say so,
            # not only the first one that finds out.
            for _ in range(4):
                status, body = probe(p, "/healthz")
                self.assertEqual(status, 503, body)
                self.assertEqual(json.loads(body),
                                 {"status": "unavailable", "database": "unreachable"})
                self.assertEqual(probe(p, "/readyz"), (503, "not ready\n"))
            self.ctl("start")
            stopped = False
            deadline = time.monotonic() + RECOVERY_SECONDS
            while probe(p, "/healthz")[0] != 200:
                self.assertLess(time.monotonic(), deadline, "no 200 after the database returned")
                time.sleep(0.2)
            self.assertEqual(probe(p, "/readyz")[0], 200)
            self.assertIsNone(p.proc.poll(), "patd was restarted or died")
            # Real work again on the reconnected pool, not only SELECT 1.
            user, password = patdlib.rand_name(), patdlib.rand_password()
            p.secrets.add(password)
            p.cli("user", "add", user, "--password-stdin", "--database",
                  os.environ["PATD_TEST_POSTGRES_URL"], stdin=password + "\n")
            self.assertEqual(p.login(user, password).status, 200)
        finally:
            if stopped:
                self.ctl("start")
            p.cleanup()


if __name__ == "__main__":
    patdlib.main()
