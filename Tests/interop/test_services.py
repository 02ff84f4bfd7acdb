"""Verifiers report themselves to sessiond; `sessionctl services list` shows every instance
with its feed position and keys, from the store, whatever sessiond it polled."""
import base64
import json
import time

import requests

from test_sessiond import CLIENT_SECRET, service  # noqa: F401  (the fixture)


def services(sessionctl, db):
    out = sessionctl("services", "list", "--json", "--db", db)
    assert out.code == 0, out
    return {row["instance"]: row for row in json.loads(out.out)}


def wait_for(predicate, timeout=10.0, show=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out" + (f"; last seen: {show()}" if show else ""))


def test_demo_api_instances_are_listed_with_feed_position_and_keys(service, sessionctl):
    service.demo_api("--instance", "plain")
    service.demo_api("--instance", "trusted", "--client-id", "reporting", env={"DEMO_API_CLIENT_SECRET": CLIENT_SECRET})
    # Each instance's first requests (JWKS fetch, first poll) race each other; wait until both
    # have reported a feed position and their keys.
    def settled(r):
        ready = {"plain", "trusted"} <= r.keys() and all(x["feed_seq"] is not None and len(x["kids"]) == 2 for x in r.values())
        return r if ready else None

    rows = wait_for(lambda: settled(services(sessionctl, service.db)), show=lambda: services(sessionctl, service.db))
    for row in rows.values():
        assert row["service"] == "demo-api" and row["state"] == "live" and row["feed_seq"] is not None
        assert row["events_behind"] == 0 and len(row["kids"]) == 2 and row["revoked_kids_held"] == []
    assert rows["trusted"]["identity"] == "verified" and rows["trusted"]["client"] == "reporting"
    assert rows["plain"]["identity"] == "reported" and rows["plain"]["client"] is None

    # A revocation moves every instance's reported position to the new head within a second or two.
    tokens = service.login()
    assert sessionctl("sessions", "revoke", tokens["session_id"], "--reason", "test", "--db", service.db).code == 0
    before = rows["plain"]["feed_seq"]
    moved = wait_for(lambda: (lambda r: r if all(x["feed_seq"] > before and x["events_behind"] == 0 for x in r.values()) else None)(
        services(sessionctl, service.db)), timeout=5)
    assert set(moved) == {"plain", "trusted"}

    table = sessionctl("services", "list", "--db", service.db)
    assert table.code == 0
    lines = table.out.splitlines()
    assert lines[0].split()[:3] == ["SERVICE", "INSTANCE", "STATE"]
    assert any("trusted" in line and "verified (reporting)" in line and "up to date" in line for line in lines)


def test_forged_reports_are_bounded_and_sanitised(service, sessionctl):
    hostile = {"service": "\x1b[2J\u202eevil", "instance": "x" * 5000, "seq": 7, "kids": ["k\x07"] * 5000, "version": "9" * 100}
    value = base64.urlsafe_b64encode(json.dumps(hostile).encode()).rstrip(b"=").decode()
    r = requests.get(service.base + "/revocations?after=0", headers={"Verifier-Report": value}, timeout=5)
    assert r.status_code == 200  # over 4 KB: ignored, the poll still answered
    small = {"service": "\x1b[2J\u202eevil", "instance": "i" * 500, "seq": 7, "kids": ["k\x07", "k2"], "version": "9" * 100}
    value = base64.urlsafe_b64encode(json.dumps(small).encode()).rstrip(b"=").decode()
    assert requests.get(service.base + "/revocations?after=0", headers={"Verifier-Report": value}, timeout=5).status_code == 200
    rows = wait_for(lambda: services(sessionctl, service.db) or None)
    assert len(rows) == 1
    row = next(iter(rows.values()))
    assert row["service"] == "[2Jevil" and len(row["instance"]) == 128 and row["kids"] == ["k", "k2"] and len(row["version"]) == 32
    table = sessionctl("services", "list", "--db", service.db).out
    assert "evil" in table and "\x1b" not in table and "\u202e" not in table and "\x07" not in table
