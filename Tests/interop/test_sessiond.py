"""The auth service as a real process on a loopback port, driven by clients nobody on
this project wrote: Python requests and PyJWT's PyJWKClient."""
import json
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import jwt
import pytest
import requests

from conftest import SESSIONCTL

BIN = Path(SESSIONCTL).parent
PASSWORD = "correct horse battery"
CLIENT_SECRET = "a-client-secret-for-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """A server process that printed its "listening" line; stopped at teardown."""

    def __init__(self, args, log_path, env=None):
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log, env={**os.environ, **(env or {})})
        deadline = time.time() + 30
        line = b""
        while time.time() < deadline and self.proc.poll() is None:
            line = self.proc.stdout.readline()
            if b"listening" in line:
                return
        raise RuntimeError(f"{args[0]} did not start: {line!r}; log {log_path}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(5)


class Service:
    def __init__(self, tmp_path, sessionctl):
        self.tmp = tmp_path
        self.db = str(tmp_path / "sessions.sqlite")
        self.ctl = sessionctl
        assert sessionctl("users", "add", "alice", "--password-stdin", "--db", self.db, stdin=PASSWORD + "\n").code == 0
        assert sessionctl("users", "add", "bob", "--password-stdin", "--db", self.db, stdin=PASSWORD + "\n").code == 0
        assert sessionctl("clients", "add", "reporting", "--secret-stdin", "--db", self.db, stdin=CLIENT_SECRET + "\n").code == 0
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.servers = []
        self.start()

    def start(self):
        self.sessiond = Process([str(BIN / "sessiond"), "--db", self.db, "--port", str(self.port), "--access-ttl", "120"],
                                self.tmp / "sessiond.log")
        self.servers.append(self.sessiond)

    def demo_api(self, *args, env=None) -> str:
        port = free_port()
        self.servers.append(Process([str(BIN / "demo-api"), "--auth-server", self.base, "--port", str(port), *args],
                                    self.tmp / "demo-api.log", env=env))
        return f"http://127.0.0.1:{port}"

    def login(self, user="alice", **extra):
        r = requests.post(self.base + "/auth/login", json={"username": user, "password": PASSWORD, **extra}, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    def stop(self):
        for server in self.servers:
            server.stop()


@pytest.fixture
def service(tmp_path, sessionctl):
    svc = Service(tmp_path, sessionctl)
    yield svc
    svc.stop()


def test_pyjwkclient_verifies_our_access_tokens(service):
    tokens = service.login(client_id="mobile")
    client = jwt.PyJWKClient(service.base + "/.well-known/jwks.json")
    key = client.get_signing_key_from_jwt(tokens["access_token"])
    claims = jwt.decode(tokens["access_token"], key.key, algorithms=["ES256"], audience="sessions-api", issuer=service.base,
                        options={"require": ["exp", "iat", "nbf", "sub", "jti"]})
    assert jwt.get_unverified_header(tokens["access_token"])["typ"] == "at+jwt"
    assert set(claims) == {"iss", "sub", "aud", "exp", "iat", "nbf", "jti", "sid", "client_id"}
    assert claims["sub"] == "alice" and claims["client_id"] == "mobile" and claims["sid"] == tokens["session_id"]
    jwks = requests.get(service.base + "/.well-known/jwks.json", timeout=5)
    assert "max-age=" in jwks.headers["Cache-Control"]
    assert all(not ({"d", "p", "q", "k"} & set(k)) for k in jwks.json()["keys"])
    meta = requests.get(service.base + "/.well-known/oauth-authorization-server", timeout=5).json()
    assert meta["issuer"] == service.base and meta["jwks_uri"] == service.base + "/.well-known/jwks.json"


def test_login_refresh_reuse_revokes_the_family(service, sessionctl):
    first = service.login()
    r = requests.post(service.base + "/auth/refresh", json={"refresh_token": first["refresh_token"]}, timeout=5)
    assert r.status_code == 200
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"] and second["session_id"] == first["session_id"]
    reuse = requests.post(service.base + "/auth/refresh", json={"refresh_token": first["refresh_token"]}, timeout=5)
    assert reuse.status_code == 401 and reuse.json()["error"] == "invalid_grant"
    live = requests.post(service.base + "/auth/refresh", json={"refresh_token": second["refresh_token"]}, timeout=5)
    assert live.status_code == 401
    shown = sessionctl("sessions", "show", first["session_id"], "--json", "--db", service.db)
    assert json.loads(shown.out)["state"] == "revoked"
    audit = json.loads(sessionctl("audit", "list", "--json", "--db", service.db).out)
    assert any(e["action"] == "refresh_reuse" and e["target"] == first["session_id"] for e in audit)
    logged = (service.tmp / "sessiond.log").read_text()
    for secret in (PASSWORD, first["refresh_token"], second["refresh_token"], first["access_token"]):
        assert secret not in logged


def test_cookie_mode(service):
    r = requests.post(service.base + "/auth/login?cookie=1", json={"username": "alice", "password": PASSWORD}, timeout=5)
    assert r.status_code == 200 and "refresh_token" not in r.json()
    cookie = r.headers["Set-Cookie"]
    attributes = [a.strip() for a in cookie.split(";")]
    assert {"HttpOnly", "Secure", "SameSite=Strict", "Path=/auth"} <= set(attributes)
    name_value = attributes[0]
    assert name_value.startswith("sessiond_refresh=")
    # A cookie-only refresh: empty body, the new token comes back as a cookie.
    again = requests.post(service.base + "/auth/refresh", headers={"Cookie": name_value}, timeout=5)
    assert again.status_code == 200 and "refresh_token" not in again.json()
    assert again.headers["Set-Cookie"].split(";")[0] != name_value
    # The spent cookie is now a reuse: refused, cleared.
    stale = requests.post(service.base + "/auth/refresh", headers={"Cookie": name_value}, timeout=5)
    assert stale.status_code == 401 and "Max-Age=0" in stale.headers["Set-Cookie"]


def test_introspection_and_revocation(service):
    tokens = service.login()
    auth = ("reporting", CLIENT_SECRET)
    url = service.base + "/oauth/introspect"
    assert requests.post(url, data={"token": tokens["access_token"]}, timeout=5).status_code == 401
    assert requests.post(url, data={"token": tokens["access_token"]}, auth=("reporting", "wrong"), timeout=5).status_code == 401
    active = requests.post(url, data={"token": tokens["access_token"]}, auth=auth, timeout=5).json()
    assert active["active"] is True and active["sub"] == "alice" and active["sid"] == tokens["session_id"]
    refresh = requests.post(url, data={"token": tokens["refresh_token"], "token_type_hint": "refresh_token"}, auth=auth, timeout=5).json()
    assert refresh["active"] is True and refresh["token_type"] == "refresh_token"
    revoked = requests.post(service.base + "/oauth/revoke", data={"token": tokens["refresh_token"]}, auth=auth, timeout=5)
    assert revoked.status_code == 200
    for token in (tokens["refresh_token"], tokens["access_token"]):
        assert requests.post(url, data={"token": token}, auth=auth, timeout=5).json() == {"active": False}
    feed = requests.get(service.base + "/revocations?after=0", timeout=5).json()
    assert any(e["kind"] == "session" and e["id"] == tokens["session_id"] for e in feed["events"])


def test_generated_client_secret_works_and_is_never_listed(service, sessionctl):
    added = sessionctl("clients", "add", "billing", "--db", service.db)
    assert added.code == 0
    secret = added.out.strip()
    assert len(secret) == 43
    r = requests.post(service.base + "/oauth/introspect", data={"token": "x"}, auth=("billing", secret), timeout=10)
    assert r.status_code == 200 and r.json() == {"active": False}
    listed = sessionctl("clients", "list", "--json", "--db", service.db)
    assert secret not in listed.out and {c["client_id"] for c in json.loads(listed.out)} == {"reporting", "billing"}


def test_a_feed_follower_rejects_a_revoked_session_within_a_second(service, sessionctl):
    api = service.demo_api()
    tokens = service.login()
    headers = {"Authorization": "Bearer " + tokens["access_token"]}
    assert requests.get(api + "/api/me", headers=headers, timeout=5).json()["sub"] == "alice"
    # Revoked by another process, straight into the store, as an admin would.
    assert sessionctl("sessions", "revoke", tokens["session_id"], "--reason", "test", "--db", service.db).code == 0
    revoked_at = time.monotonic()
    while True:
        r = requests.get(api + "/api/me", headers=headers, timeout=5)
        if r.status_code != 200:
            break
        assert time.monotonic() - revoked_at < 5, "never refused"
        time.sleep(0.02)
    elapsed = time.monotonic() - revoked_at
    assert r.status_code == 401 and 'error="invalid_token"' in r.headers["WWW-Authenticate"]
    assert elapsed < 1.0, f"refused after {elapsed:.2f} s"
    # The same verifier from the command line.
    cli = sessionctl("token", "verify", "--jwks", service.base + "/.well-known/jwks.json",
                     "--follow-revocations", service.base + "/revocations", tokens["access_token"])
    assert cli.code == 1 and cli.err.startswith("rejected: revoked:")
    fresh = service.login()
    ok = sessionctl("token", "verify", "--jwks", service.base + "/.well-known/jwks.json", "--typ", "at+jwt",
                    "--audience", "sessions-api", "--json", fresh["access_token"])
    assert ok.code == 0 and json.loads(ok.out)["sub"] == "alice"
    unreachable = sessionctl("token", "verify", "--jwks", f"http://127.0.0.1:{free_port()}/jwks.json", fresh["access_token"])
    assert unreachable.code == 64 and len(unreachable.err.strip().splitlines()) == 1


def test_key_rotation_under_traffic_fails_nothing(service, sessionctl):
    api = service.demo_api()
    failures, kids, stop = [], set(), threading.Event()

    def user(name):
        tokens = service.login(name)
        while not stop.is_set():
            r = requests.post(service.base + "/auth/refresh", json={"refresh_token": tokens["refresh_token"]}, timeout=10)
            if r.status_code != 200:
                failures.append(("refresh", r.status_code, r.text))
                return
            tokens = r.json()
            kids.add(jwt.get_unverified_header(tokens["access_token"])["kid"])
            call = requests.get(api + "/api/hello", headers={"Authorization": "Bearer " + tokens["access_token"]}, timeout=10)
            if call.status_code != 200:
                failures.append(("api", call.status_code, call.text))

    threads = [threading.Thread(target=user, args=(n,)) for n in ("alice", "bob", "alice", "bob")]
    for t in threads:
        t.start()
    time.sleep(1.0)
    rotated = sessionctl("keys", "rotate", "--reason", "scheduled rotation", "--db", service.db)
    assert rotated.code == 0, rotated
    time.sleep(2.5)
    stop.set()
    for t in threads:
        t.join(15)
    assert failures == []
    assert len(kids) == 2, f"the rotated key was not used for signing: {kids}"


def test_acknowledged_revocations_survive_kill_9(service):
    acknowledged_sessions, acknowledged_jtis, stop = [], [], threading.Event()
    lock = threading.Lock()

    def storm():
        while not stop.is_set():
            try:
                tokens = service.login()
                for _ in range(3):
                    r = requests.post(service.base + "/auth/refresh", json={"refresh_token": tokens["refresh_token"]}, timeout=5)
                    if r.status_code != 200:
                        break
                    tokens = r.json()
                revoke = requests.post(service.base + "/oauth/revoke", data={"token": tokens["access_token"]},
                                       auth=("reporting", CLIENT_SECRET), timeout=5)
                if revoke.status_code == 200:
                    with lock:
                        acknowledged_jtis.append(jwt.decode(tokens["access_token"], options={"verify_signature": False})["jti"])
                # The access token's jti is revoked now: log out with the refresh token.
                out = requests.post(service.base + "/auth/logout", json={"refresh_token": tokens["refresh_token"]}, timeout=5)
                if out.status_code == 204:
                    with lock:
                        acknowledged_sessions.append(tokens["session_id"])
            except requests.RequestException:
                return

    threads = [threading.Thread(target=storm) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(2.0)
    service.sessiond.kill9()
    stop.set()
    for t in threads:
        t.join(15)
    assert acknowledged_sessions and acknowledged_jtis
    service.start()
    feed = requests.get(service.base + "/revocations?after=0", timeout=5).json()["events"]
    revoked_sessions = {e["id"] for e in feed if e["kind"] == "session"}
    revoked_jtis = {e["id"] for e in feed if e["kind"] == "jti"}
    assert set(acknowledged_sessions) <= revoked_sessions
    assert set(acknowledged_jtis) <= revoked_jtis
    integrity = subprocess.run(["python3", "-c", f"import sqlite3; print(sqlite3.connect({service.db!r}).execute('pragma integrity_check').fetchone()[0])"],
                               capture_output=True, text=True)
    assert integrity.stdout.strip() == "ok"


BIG = object()  # a 2 MiB body, built in the test so the test id stays short


@pytest.mark.parametrize("path,headers,body,status,error", [
    ("/auth/login", {"Content-Type": "application/json"}, b'{"username": "alice", ', 400, "invalid_request"),
    ("/auth/login", {"Content-Type": "text/plain"}, b'{"username":"alice","password":"x"}', 415, "invalid_request"),
    ("/auth/login", {"Content-Type": "application/json"}, BIG, 413, "invalid_request"),
    ("/auth/login", {"Content-Type": "application/json"}, b'{"username":"alice"}', 400, "invalid_request"),
    ("/auth/login", {"Content-Type": "application/json"}, b'{"grant_type":"implicit","username":"a","password":"b"}', 400, "unsupported_grant_type"),
    ("/auth/refresh", {"Content-Type": "application/json"}, b'{"refresh_token":"garbage"}', 401, "invalid_grant"),
    ("/auth/refresh", {"Cookie": "sessiond_refresh=%00garbage\"\\; other=1"}, b"", 401, "invalid_grant"),
    ("/auth/logout", {"Content-Type": "application/json"}, b'{"refresh_token":"garbage"}', 401, "invalid_token"),
    ("/oauth/introspect", {"Content-Type": "application/x-www-form-urlencoded"}, b"token=x", 401, "invalid_client"),
], ids=["malformed-json", "wrong-content-type", "oversized-body", "missing-field", "unknown-grant", "garbage-refresh-token",
        "garbage-cookie", "garbage-logout", "no-client-credentials"])
def test_bad_input_gets_a_clear_4xx(service, path, headers, body, status, error):
    if body is BIG:
        body = b'{"username":"' + b"a" * (2 << 20) + b'"}'
    r = requests.post(service.base + path, headers=headers, data=body, timeout=10)
    assert r.status_code == status, r.text
    assert r.json()["error"] == error and r.json()["error_description"]
    assert requests.get(service.base + "/healthz", timeout=5).status_code == 200


def test_sessiond_refuses_bad_options_with_exit_64(tmp_path):
    for args in (["--port", "99999"], ["--db", str(tmp_path / "missing" / "x.sqlite")], ["--reuse-grace", "600"],
                 ["--access-ttl", "1"], ["--port", "0"]):
        proc = subprocess.run([str(BIN / "sessiond"), "--db", str(tmp_path / "s.sqlite"), *args], capture_output=True, text=True, timeout=30)
        assert proc.returncode == 64, (args, proc.stderr)
        assert proc.stderr.strip().count("\n") == 0 or proc.stderr.startswith("Error:"), proc.stderr


def test_users_show_is_one_users_picture_after_real_logins(service, sessionctl):
    """Failed logins through sessiond show up in `users show` (text and JSON) with the
    throttle; sessions by state agree with `sessions list`; no password or hash is printed."""
    service.login()
    second = service.login()
    for wrong in ("not-it-1", "not-it-2"):
        r = requests.post(service.base + "/auth/login", json={"username": "alice", "password": wrong}, timeout=10)
        assert r.status_code == 401, r.text
    assert requests.post(service.base + "/auth/logout", json={"refresh_token": second["refresh_token"]}, timeout=5).ok
    shown = sessionctl("users", "show", "alice", "--json", "--db", service.db)
    assert shown.code == 0, shown
    picture = json.loads(shown.out)
    listed = json.loads(sessionctl("sessions", "list", "--user", "alice", "--json", "--db", service.db).out)
    by_state = {state: sum(1 for s in listed if s["state"] == state) for state in ("active", "revoked", "expired")}
    assert picture["sessions"] == {**by_state, "total": len(listed)} and by_state["revoked"] == 1
    assert picture["account"]["disabled"] is False and picture["account"]["cutoff"] is None
    logins = picture["logins"]
    assert logins["attempts_held"] == 2 and logins["limit"] == 5 and logins["throttled"] is False
    assert [f["address"] for f in logins["failures"]] == ["127.0.0.1", "127.0.0.1"]
    assert {s["id"] for s in picture["recent_sessions"]} == {s["id"] for s in listed}
    assert [e["action"] for e in picture["audit"]][-1] == "user.add"
    text = sessionctl("users", "show", "alice", "--db", service.db)
    assert text.code == 0 and "logins    may log in: 2 of 5 attempts used in the last 5m" in text.out
    assert "failures  127.0.0.1" in text.out and "sessions  1 active · 1 revoked" in text.out
    for result in (shown, text):
        assert PASSWORD not in result.out and "scrypt$" not in result.out and "password" not in result.out
    # Three more failures: throttled, with the wait.
    for _ in range(3):
        requests.post(service.base + "/auth/login", json={"username": "alice", "password": "nope"}, timeout=10)
    throttled = json.loads(sessionctl("users", "show", "alice", "--json", "--db", service.db).out)["logins"]
    assert throttled["throttled"] is True and 290 <= throttled["retry_after_seconds"] <= 300
    missing = sessionctl("users", "show", "nobody", "--db", service.db)
    assert missing.code == 1 and missing.err.strip() == "error: no user nobody" and missing.out == ""
