"""A bulk revocation written by another process (sessionctl) while sessiond serves a storm
of refreshes on the same store (a SQLite file; a PostgreSQL database): the bulk's bounded
transactions leave room for the service, so no refresh fails, none waits long, and nothing
in the log speaks of locks. (On PostgreSQL row locks keep unrelated refreshes from waiting
even for one big transaction; there the test is that nothing fails.)"""
import base64
import concurrent.futures
import json
import os
import subprocess
import threading
import time
import uuid

import pytest
import requests

from conftest import SESSIONCTL
from test_cluster import ADMIN, database_uri, psql
from test_sessiond import BIN, Process, free_port

DEMO_PASSWORD = "demo-password"


@pytest.mark.parametrize("kind,sessions", [("sqlite", 150_000), ("postgres", 60_000)])
def test_refresh_storm_during_a_bulk_revoke_sees_no_errors(tmp_path, sessionctl, kind, sessions):
    env = {"SESSION_KEK": base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()}
    if kind == "postgres":
        if not ADMIN:
            assert os.environ.get("CI") != "true", "SESSION_TEST_POSTGRES is not set: run the tests through make test"
            pytest.skip("no PostgreSQL server (make test starts one)")
        name = "storm_" + uuid.uuid4().hex[:12]
        psql(ADMIN, f"CREATE DATABASE {name}")
        db = database_uri(name)
    else:
        db = str(tmp_path / "storm.sqlite")
    ctl = lambda *args: sessionctl(*args, env={**os.environ, **env})
    assert ctl("demo", "seed", "--db", db, "--users", "300", "--sessions", str(sessions), "--seed", "9").code == 0
    dry = ctl("sessions", "revoke", "--where", "ip:198.51.100.0/24", "--dry-run", "--db", db)
    expected = int(dry.out.split("matches: ")[1].split(" ")[0])
    assert expected > sessions // 5, dry.out
    users = [row["user"] for row in json.loads(ctl("sessions", "list", "--json", "--limit", "400", "--db", db).out)]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "sessiond.log"
    server = Process([str(BIN / "sessiond"), "--db", db, "--port", str(port)], log, env=env)
    try:
        # One login per user (requests come from 127.0.0.1, outside the bulk's network).
        names = list(dict.fromkeys(users))[:16]
        tokens = {}
        for name in names:
            r = requests.post(base + "/auth/login", json={"username": name, "password": DEMO_PASSWORD}, timeout=10)
            assert r.status_code == 200, r.text
            tokens[name] = r.json()["refresh_token"]
        stop = threading.Event()
        outcomes, slowest, lock = [], [0.0], threading.Lock()

        def storm(name):
            token = tokens[name]
            with requests.Session() as http:
                while not stop.is_set():
                    started = time.monotonic()
                    r = http.post(base + "/auth/refresh", json={"refresh_token": token}, timeout=30)
                    took = time.monotonic() - started
                    with lock:
                        outcomes.append(r.status_code)
                        slowest[0] = max(slowest[0], took)
                    if r.status_code == 200:
                        token = r.json()["refresh_token"]
                    else:
                        outcomes.append(r.text)
                        return

        with concurrent.futures.ThreadPoolExecutor(len(names)) as pool:
            runners = [pool.submit(storm, name) for name in names]
            time.sleep(1.0)
            before = len(outcomes)
            started = time.monotonic()
            bulk = subprocess.run(
                [SESSIONCTL, "sessions", "revoke", "--where", "ip:198.51.100.0/24", "--reason", "storm test", "--db", db],
                capture_output=True, text=True, timeout=600, env={**os.environ, **env})
            bulk_seconds = time.monotonic() - started
            during = len(outcomes) - before
            time.sleep(0.5)
            stop.set()
            for runner in runners:
                runner.result()
        assert bulk.returncode == 0, bulk.stderr
        assert f"revoked {expected} sessions" in bulk.stdout, bulk.stdout
        failures = [o for o in outcomes if o != 200]
        assert failures == [], failures[:4]
        # The service kept serving while the bulk ran (not starved until it finished).
        assert during > 20 * bulk_seconds, (during, bulk_seconds)
        print(f"during={during} bulk={bulk_seconds:.2f}s slowest={slowest[0]:.3f}s")
        assert slowest[0] < 1.0, slowest[0]
    finally:
        server.stop()
    text = log.read_text(errors="replace").lower()
    assert "locked" not in text and "busy" not in text, text[-2000:]
