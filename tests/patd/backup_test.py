#!/usr/bin/env python3
"""`patd backup` and `patd restore` (docs/operations.md "Backup and restore").

usage: backup_test.py BUILD_DIR [unittest args]
A backup taken while patd serves and writes is consistent and keeps every
token that existed then working after a restore, in place or into a new data
dir with the pepper copied; a token made after the backup is gone. Every
refusal (existing file, junk, missing file, a target with accounts, a
PostgreSQL URL, no FILE) has its exact line and exit code, and leaves every
file as it was.
"""

import hashlib
import os
import shutil
import sqlite3
import subprocess
import threading
import unittest

import patdlib

SCOPE = ["repository:{}/app:pull"]


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class BackupRestore(patdlib.ServerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        p = cls.p
        cls.user, cls.pw = p.add_user()
        cls.session = p.session(cls.user, cls.pw)
        cls.token = p.new_token(cls.session, label="before", scopes=("repo:write",))["token"]
        cls.db = os.path.join(p.data_dir, "patd.db")

    def scope(self):
        return [SCOPE[0].format(self.user)]

    def token_ok(self, p, token):
        return p.token_endpoint(self.user, token, self.scope()).status

    def backup_path(self, name):
        return os.path.join(self.p.tmp, name)

    def test_1_online_backup_then_restore_in_place(self):
        p = self.p
        # Writers keep going while the backup runs: token creation and uses.
        stop = threading.Event()
        errors = []

        def write():
            while not stop.is_set():
                try:
                    p.new_token(self.session, label="load")
                    p.token_endpoint(self.user, self.token, self.scope())
                except Exception as e:  # reported below
                    errors.append(e)
                    return

        threads = [threading.Thread(target=write) for _ in range(2)]
        for t in threads:
            t.start()
        try:
            out = p.cli("backup", self.backup_path("online.db"))
        finally:
            stop.set()
            for t in threads:
                t.join(30)
        self.assertEqual(errors, [])
        text = out.stdout.decode()
        self.assertRegex(text, r"^patd: backup of \S+patd\.db written to \S+online\.db: 1 account\(s\), "
                               r"\d+ token\(s\), schema version \d+\n")
        self.assertIn("keep " + p.data_dir + "/pepper (and the signing key) too, stored apart", text)
        self.assertEqual(os.stat(self.backup_path("online.db")).st_mode & 0o777, 0o600)
        con = sqlite3.connect(self.backup_path("online.db"))
        self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        self.assertEqual(con.execute("PRAGMA journal_mode").fetchone()[0], "delete")
        backed_up = con.execute("SELECT count(*) FROM tokens").fetchone()[0]
        con.close()
        self.assertIn(f"{backed_up} token(s)", text)

        later = p.new_token(self.session, label="after")["token"]
        self.assertEqual(self.token_ok(p, later), 200)
        p.stop()
        try:
            before = digest(self.db)
            r = p.cli("restore", self.backup_path("online.db"), check=False)
            self.assertEqual(r.returncode, 1)
            self.assertEqual(r.stderr.decode(), f"patd: {self.db} holds 1 account(s); restore replaces "
                                                 "them all: stop patd, then pass --force\n")
            self.assertEqual(digest(self.db), before)
            r = p.cli("restore", self.backup_path("online.db"), "--force")
            self.assertEqual(r.stdout.decode(),
                             f"patd: {self.db} restored from {self.backup_path('online.db')}: "
                             f"1 account(s), {backed_up} token(s), schema version "
                             f"{text.split('schema version ')[1].split()[0]}\n")
            self.assertEqual(r.stderr.decode(), "")  # the pepper is there
        finally:
            p.start()
        self.assertEqual(self.token_ok(p, self.token), 200)
        self.assertEqual(self.token_ok(p, later), 401)  # made after the backup
        self.assertEqual(p.login(self.user, self.pw).status, 200)

    def test_2_restore_into_a_new_data_dir(self):
        p = self.p
        p.cli("backup", self.backup_path("move.db"))
        other = patdlib.Patd(patdlib.BUILD_DIR, ["--log-level", "debug"])
        try:
            # Without the pepper: restored, with the warning saying why tokens fail.
            r = other.cli("restore", self.backup_path("move.db"))
            self.assertEqual(r.returncode, 0)
            self.assertEqual(r.stderr.decode(),
                             f"patd: warning: {other.data_dir} has no pepper: copy the backed-up data "
                             "dir's pepper there before patd starts, or every restored token is "
                             "refused\n")
            self.assertEqual(os.stat(other.data_dir).st_mode & 0o777, 0o700)
            shutil.copy2(os.path.join(p.data_dir, "pepper"), os.path.join(other.data_dir, "pepper"))
            other.start()
            self.assertEqual(self.token_ok(other, self.token), 200)
            other.secrets |= {self.token, self.pw}
            other.assert_no_secrets()
        finally:
            other.cleanup()

    def test_3_refusals_change_nothing(self):
        p = self.p
        existing = self.backup_path("existing.db")
        with open(existing, "wb") as f:
            f.write(b"keep me")
        r = p.cli("backup", existing, check=False)
        self.assertEqual((r.returncode, r.stderr.decode()),
                         (1, f"patd: {existing} exists; patd backup never overwrites a file\n"))
        with open(existing, "rb") as f:
            self.assertEqual(f.read(), b"keep me")

        before = digest(self.db)
        r = p.cli("restore", existing, "--force", check=False)
        self.assertEqual((r.returncode, r.stderr.decode()),
                         (1, f"patd: {existing} is not a readable SQLite database "
                             "(file is not a database)\n"))
        missing = self.backup_path("missing.db")
        r = p.cli("restore", missing, "--force", check=False)
        self.assertEqual((r.returncode, r.stderr.decode()), (1, f"patd: no backup at {missing}\n"))
        # An SQLite file that is not patd's.
        foreign = self.backup_path("foreign.db")
        con = sqlite3.connect(foreign)
        con.execute("CREATE TABLE t (x)")
        con.commit()
        con.close()
        r = p.cli("restore", foreign, "--force", check=False)
        self.assertEqual((r.returncode, r.stderr.decode()),
                         (1, f"patd: {foreign} is not a patd database (no schema version)\n"))
        self.assertEqual(digest(self.db), before)
        self.assertEqual(self.token_ok(p, self.token), 200)

        r = p.cli("backup", check=False)
        self.assertEqual(r.returncode, 2)
        self.assertTrue(r.stderr.decode().startswith("patd: missing FILE\nusage: patd backup FILE\n"))
        nothing = self.backup_path("nothing.db")
        r = subprocess_cli(p, "backup", nothing, "--data-dir", os.path.join(p.tmp, "empty"))
        self.assertEqual((r.returncode, r.stderr.decode()),
                         (1, f"patd: no database at {p.tmp}/empty/patd.db\n"))
        self.assertFalse(os.path.exists(nothing))
        r = subprocess_cli(p, "backup", nothing, "--database", "postgresql://db.invalid/patd")
        self.assertEqual((r.returncode, r.stderr.decode()),
                         (1, "patd: patd backup copies SQLite databases; for PostgreSQL use pg_dump "
                             "and pg_restore (docs/operations.md \"Backup and restore\")\n"))
        self.assertFalse(os.path.exists(nothing))


@unittest.skipUnless(os.environ.get("PATD_TEST_POSTGRES_URL"), "needs with_postgres.sh")
class PgDumpRestore(unittest.TestCase):
    """The PostgreSQL procedure of docs/operations.md: pg_dump -Fc while patd
    serves, pg_restore into a new database, patd on it: the tokens work."""

    def test_pg_dump_and_pg_restore_keep_tokens(self):
        url = os.environ["PATD_TEST_POSTGRES_URL"]
        restored_url = url.replace("postgresql:///postgres?", "postgresql:///restored?")
        p = patdlib.Patd(patdlib.BUILD_DIR, ["--database", url])
        q = None
        try:
            user, pw = patdlib.rand_name(), patdlib.rand_password()
            p.cli("user", "add", user, "--password-stdin", "--database", url, stdin=pw + "\n")
            p.start()
            session = p.session(user, pw)
            token = p.new_token(session, label="dumped", scopes=("repo:write",))["token"]
            dump = os.path.join(p.tmp, "patd.dump")
            subprocess.run(["pg_dump", "-Fc", "-f", dump, url], check=True, timeout=60)
            later = p.new_token(session, label="after the dump")["token"]
            subprocess.run(["psql", url, "-qc", "CREATE DATABASE restored"], check=True, timeout=60)
            subprocess.run(["pg_restore", "--no-owner", "-d", restored_url, dump], check=True,
                           timeout=60)
            # The same data dir: the pepper the digests are keyed with.
            p.stop()
            q = patdlib.Patd(patdlib.BUILD_DIR, ["--database", restored_url], data_dir=p.data_dir)
            q.start()
            scope = [SCOPE[0].format(user)]
            self.assertEqual(q.token_endpoint(user, token, scope).status, 200)
            self.assertEqual(q.token_endpoint(user, later, scope).status, 401)
            self.assertEqual(q.login(user, pw).status, 200)
            q.secrets |= {token, later, pw}
            q.assert_no_secrets()
        finally:
            if q:
                q.kill()
            p.cleanup()


@unittest.skipUnless(os.environ.get("PATD_TEST_POSTGRES_URL"), "needs with_postgres.sh")
class MigrateToPostgres(unittest.TestCase):
    """`patd migrate --to postgresql://…`: every table copied, counts checked,
    tokens and passwords keep working on PostgreSQL, new rows get fresh ids;
    a non-empty target or an unknown table is refused and nothing is copied."""

    def psql(self, url, sql):
        return subprocess.run(["psql", url, "-tAqc", sql], check=True, timeout=60,
                              capture_output=True, text=True).stdout.strip()

    def test_migrate_keeps_everything_working(self):
        base = os.environ["PATD_TEST_POSTGRES_URL"]
        target = base.replace("postgresql:///postgres?", "postgresql:///migrated?")
        self.psql(base, "CREATE DATABASE migrated")
        p = patdlib.Patd(patdlib.BUILD_DIR)
        q = None
        try:
            user, pw = p.add_user()
            other, other_pw = p.add_user()
            p.enable_2fa(other)
            p.start()
            session = p.session(user, pw)
            token = p.new_token(session, label="moved", scopes=("repo:write",))["token"]
            second = p.new_token(session, label="second")["token"]
            scope = [SCOPE[0].format(user)]
            self.assertEqual(p.token_endpoint(user, token, scope).status, 200)
            p.stop()
            db = os.path.join(p.data_dir, "patd.db")
            con = sqlite3.connect(db)
            expected = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                        for t in ("accounts", "tokens", "audit_events", "web_sessions")}
            con.close()

            r = p.cli("migrate", "--to", target)
            text = r.stdout.decode()
            self.assertTrue(text.startswith(f"patd: copied {db} into PostgreSQL, row counts checked: "
                                            "accounts 2, tokens 2, "), text)
            for table, n in expected.items():
                self.assertIn(f"{table} {n}", text)
                self.assertEqual(self.psql(target, f"SELECT count(*) FROM {table}"), str(n))

            q = patdlib.Patd(patdlib.BUILD_DIR, ["--database", target], data_dir=p.data_dir)
            q.start()
            self.assertEqual(q.token_endpoint(user, token, scope).status, 200)
            self.assertEqual(q.token_endpoint(user, second, scope).status, 200)
            s2 = q.session(user, pw)
            listing = q.request("GET", "/v2/access-tokens", bearer=s2)
            self.assertEqual(listing.json["count"], 2)
            fresh = q.new_token(s2, label="on postgres")["token"]  # ids past the copied ones
            self.assertEqual(q.token_endpoint(user, fresh, scope).status, 200)
            self.assertEqual(q.login(other, other_pw).status, 401)  # 2FA moved too: needs a code
            q.secrets |= {token, second, fresh, pw, other_pw}
            q.assert_no_secrets()
            q.kill()

            # Not empty now: refused, nothing added.
            r = p.cli("migrate", "--to", target, check=False)
            self.assertEqual((r.returncode, r.stderr.decode()),
                             (1, "patd: migrate: the PostgreSQL database is not empty (2 rows in "
                                 "accounts); patd migrate copies into an empty database only; "
                                 "nothing was copied\n"))
            self.assertEqual(self.psql(target, "SELECT count(*) FROM tokens"), "3")

            # A table this patd does not know: refused before the target is touched.
            self.psql(base, "CREATE DATABASE untouched")
            untouched = base.replace("postgresql:///postgres?", "postgresql:///untouched?")
            con = sqlite3.connect(db)
            con.execute("CREATE TABLE extra (x)")
            con.commit()
            con.close()
            r = p.cli("migrate", "--to", untouched, check=False)
            self.assertEqual((r.returncode, r.stderr.decode()),
                             (1, "patd: migrate: the SQLite database has a table this patd does not "
                                 "know how to copy (extra); nothing was copied\n"))
            self.assertEqual(self.psql(untouched, "SELECT count(*) FROM pg_tables WHERE "
                                                  "schemaname = 'public'"), "0")
            r = p.cli("migrate", "--to", "mysql://x", check=False)
            self.assertEqual(r.returncode, 2)
            self.assertTrue(r.stderr.decode().startswith("patd: migrate needs --to postgresql://...\n"))
        finally:
            if q:
                q.kill()
            p.cleanup()


def subprocess_cli(p, *args):
    """patd ARGS without the test server's --data-dir."""
    return subprocess.run([p.binary, *args], stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=30, env=p.env)


if __name__ == "__main__":
    patdlib.main()
