"""Attack-shaped tests of the real processes: a user cutoff in the token's own second, a
burst of concurrent logins against the throttle, 500 slow clients, and invalid keys given
to the command line."""
import base64
import concurrent.futures
import json
import select
import socket
import time

import requests

from test_sessiond import BIN, PASSWORD, Process, Service, free_port


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims_of(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_cutoff_in_the_tokens_own_second_is_refused_by_every_verifier(tmp_path, sessionctl):
    service = Service(tmp_path, sessionctl)
    try:
        api = service.demo_api()
        # Log in and revoke within the same whole second (retry when the second turns over).
        for _ in range(10):
            tokens = service.login()
            iat = claims_of(tokens["access_token"])["iat"]
            revoke = sessionctl("users", "revoke", "alice", "--reason", "stolen", "--db", service.db)
            assert revoke.code == 0, revoke
            if int(time.time()) == iat:
                break
            time.sleep(0.3)
        else:
            raise AssertionError("could not revoke within the token's second")
        token = tokens["access_token"]
        time.sleep(2)
        me = requests.get(api + "/api/me", headers={"Authorization": "Bearer " + token}, timeout=5)
        assert me.status_code == 401, me.text
        assert "revoked" in me.headers.get("WWW-Authenticate", "")
        verify = sessionctl("token", "verify", "--db", service.db, token)
        assert verify.code == 1 and verify.err.startswith("rejected: revoked:")
        # A fresh login right after the cutoff works again within a second, everywhere.
        start = time.time()
        fresh = service.login()
        assert time.time() - start < 2.5
        assert claims_of(fresh["access_token"])["iat"] > iat
        ok = requests.get(api + "/api/me", headers={"Authorization": "Bearer " + fresh["access_token"]}, timeout=5)
        assert ok.status_code == 200, ok.text
        assert sessionctl("token", "verify", "--db", service.db, fresh["access_token"]).code == 0
    finally:
        service.stop()


def test_a_burst_of_logins_cannot_outrun_the_throttle(tmp_path, sessionctl):
    service = Service(tmp_path, sessionctl)
    try:
        def login(body):
            return requests.post(service.base + "/auth/login", json=body, timeout=30).status_code

        bodies = [{"username": "alice", "password": f"wrong {i}"} for i in range(30)]
        bodies.insert(17, {"username": "alice", "password": PASSWORD})
        with concurrent.futures.ThreadPoolExecutor(len(bodies)) as pool:
            statuses = list(pool.map(login, bodies))
        checked = [s for s in statuses if s != 429]
        assert len(checked) <= 5, statuses
        assert set(statuses) <= {200, 401, 429}
        # Forty unknown users from one address: at most twenty passwords are checked.
        unknown = [{"username": f"nobody{i}", "password": "x"} for i in range(40)]
        with concurrent.futures.ThreadPoolExecutor(len(unknown)) as pool:
            statuses = list(pool.map(login, unknown))
        assert statuses.count(401) <= 20 and statuses.count(429) >= 20, statuses
        limited = requests.post(service.base + "/auth/login", json={"username": "bob", "password": PASSWORD}, timeout=10)
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    finally:
        service.stop()


def test_five_hundred_slow_clients_hold_nothing(tmp_path, sessionctl):
    db = str(tmp_path / "sessions.sqlite")
    assert sessionctl("users", "add", "alice", "--password-stdin", "--db", db, stdin=PASSWORD + "\n").code == 0
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    timeout = 3
    server = Process([str(BIN / "sessiond"), "--db", db, "--port", str(port),
                      "--idle-timeout", str(timeout), "--body-timeout", str(timeout)], tmp_path / "sessiond.log")
    slow = []
    try:
        for i in range(500):
            s = socket.create_connection(("127.0.0.1", port))
            if i % 2:
                s.sendall(b"POST /auth/login HTTP/1.1\r\nHost: x\r\n")           # a head that never ends
            else:
                s.sendall(b"POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          b"Content-Length: 4096\r\n\r\n{")                      # a body that never ends
            s.setblocking(False)
            slow.append(s)
        opened = time.time()
        # Other clients are served at once while the slow ones drip a byte now and then.
        t = time.time()
        assert requests.get(base + "/healthz", timeout=5).status_code == 200
        assert time.time() - t < 1
        t = time.time()
        assert requests.post(base + "/auth/login", json={"username": "alice", "password": PASSWORD}, timeout=5).status_code == 200
        assert time.time() - t < 1
        open_sockets = set(slow)
        answered_408 = 0
        while open_sockets and time.time() - opened < timeout + 5:
            for s in list(open_sockets):
                try:
                    s.send(b" " if slow.index(s) % 2 == 0 else b"X")
                except OSError:
                    pass
            readable, _, _ = select.select(list(open_sockets), [], [], 0.5)
            for s in readable:
                try:
                    data = s.recv(4096)
                except OSError:
                    data = b""
                if data.startswith(b"HTTP/1.1 408"):
                    answered_408 += 1
                    data = b""
                if not data:
                    open_sockets.discard(s)
        elapsed = time.time() - opened
        assert not open_sockets, f"{len(open_sockets)} slow sockets still open after {elapsed:.1f} s"
        assert elapsed < timeout + 3
        assert answered_408 > 0, "a dripping body is answered 408"
        assert requests.get(base + "/healthz", timeout=5).status_code == 200
    finally:
        for s in slow:
            s.close()
        server.stop()


def test_connection_cap_is_logged_and_recovers(tmp_path, sessionctl):
    db = str(tmp_path / "sessions.sqlite")
    port = free_port()
    server = Process([str(BIN / "sessiond"), "--db", db, "--port", str(port), "--max-connections", "20", "--idle-timeout", "2"],
                     tmp_path / "sessiond.log")
    held = []
    try:
        for _ in range(20):
            held.append(socket.create_connection(("127.0.0.1", port)))
        time.sleep(0.3)
        # The 21st waits in the backlog until idle ones are closed, then is served.
        t = time.time()
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200
        assert time.time() - t < 5
        log = (tmp_path / "sessiond.log").read_text()
        assert "connection cap reached: 20 open" in log
    finally:
        for s in held:
            s.close()
        server.stop()


def test_invalid_keys_on_the_command_line(sessionctl, write_json, tmp_path):
    generated = sessionctl("keys", "generate", "--alg", "RS256", "--kid", "k1")
    private = json.loads(generated.out)
    public = {k: v for k, v in private.items() if k not in ("d", "p", "q", "dp", "dq", "qi")}
    claims = json.dumps({"sub": "alice", "exp": 1900000000})
    token = sessionctl("token", "sign", "--jwk", write_json(private), claims).out.strip()
    assert sessionctl("token", "verify", "--jwk", write_json(public), token).code == 0
    # e = 1: every "signature" is the padded hash; verify says weak_key, sign refuses the key.
    bad = dict(public, e=b64(b"\x01"))
    result = sessionctl("token", "verify", "--jwk", write_json(bad), token)
    assert result.code == 1 and result.err.startswith("rejected: weak_key:") and "RSA public exponent e is 1" in result.err, result
    signing = sessionctl("token", "sign", "--jwk", write_json(dict(private, e=b64(b"\x01"))), claims)
    assert signing.code == 64 and signing.err.startswith("error: invalid RSA JWK: RSA public exponent e is 1"), signing
    assert len(signing.err.strip().splitlines()) == 1
    # A JWKS with the bad key and the good one: the good one still verifies; the bad one is named.
    jwks = write_json({"keys": [dict(bad, kid="bad"), public]})
    result = sessionctl("token", "verify", "--jwks", jwks, token)
    assert result.code == 0 and "warning: skipped key 0: invalid RSA JWK" in result.err, result
    # The identity point as an Ed25519 key, and a forged signature (R = identity, S = 0).
    identity = {"kty": "OKP", "crv": "Ed25519", "x": b64(b"\x01" + bytes(31)), "kid": "id"}
    forged = b64(b'{"alg":"EdDSA","kid":"id"}') + "." + b64(claims.encode()) + "." + b64(b"\x01" + bytes(63))
    result = sessionctl("token", "verify", "--jwk", write_json(identity), forged)
    assert result.code == 1 and result.err.startswith("rejected: weak_key:") and "small order" in result.err, result
    # A PSS signature one byte short (its leading zero dropped) is refused like any other length.
    short = token.rsplit(".", 1)[0] + "." + b64(base64.urlsafe_b64decode(token.rsplit(".", 1)[1] + "==")[1:])
    assert sessionctl("token", "verify", "--jwk", write_json(public), short).err.startswith("rejected: bad_signature")
