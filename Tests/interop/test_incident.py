"""Incident response end to end: `sessionctl incident` against a live sessiond with three
demo-api verifiers following it. Each flow ends "contained", every demo-api then refuses
the compromised token, an unreachable verifier is named as stale (exit 1), and a target
that does not exist writes nothing."""
import json
import signal

import requests

from test_sessiond import CLIENT_SECRET, PASSWORD, service  # noqa: F401  (the fixture)
from test_services import services, wait_for


def verifiers(service, names):
    """Starts one demo-api per name (the last one with client credentials) and waits until
    each has reported its feed position and both published keys."""
    apis = {}
    for i, name in enumerate(names):
        extra = ("--client-id", "reporting") if i == len(names) - 1 else ()
        apis[name] = service.demo_api("--instance", name, *extra, env={"DEMO_API_CLIENT_SECRET": CLIENT_SECRET})
    wait_for(lambda: (lambda r: set(names) <= r.keys() and all(x["feed_seq"] is not None and len(x["kids"]) == 2 for x in r.values()))(
        services(service.ctl, service.db)))
    return apis


def status(api, token):
    return requests.get(api + "/api/me", headers={"Authorization": "Bearer " + token}, timeout=5).status_code


def incident(service, *args):
    out = service.ctl("incident", *args, "--reason", "stolen laptop", "--actor", "oncall", "--db", service.db)
    return out


def audit(service):
    return json.loads(service.ctl("audit", "list", "--json", "--db", service.db).out)


def test_user_incident_is_contained_at_every_verifier(service):
    apis = verifiers(service, ["a", "b", "c"])
    tokens = [service.login("alice")["access_token"] for _ in range(2)]
    bob = service.login("bob")["access_token"]
    assert all(status(api, t) == 200 for api in apis.values() for t in tokens)

    out = incident(service, "user", "alice", "--disable", "--wait", "10", "--json")
    assert out.code == 0, out
    result = json.loads(out.out)
    assert result["blast_radius"]["sessions"] == 2 and result["blast_radius"]["users"] == 1
    assert result["blast_radius"]["services"] == ["demo-api"] and result["blast_radius"]["instances"] == 3
    outcome = result["outcome"]
    assert outcome["contained"] and outcome["applied"] == 3 and outcome["counted"] == 3
    assert outcome["line"].startswith("contained: 3 of 3 instances,") and "as reported by the verifiers" in outcome["line"]
    assert all(i["state"] == "applied" and i["applied_ms"] is not None for i in outcome["instances"])

    # Every verifier refuses both tokens at once; bob is untouched; alice cannot log in again.
    assert all(status(api, t) == 401 for api in apis.values() for t in tokens)
    assert all(status(api, bob) == 200 for api in apis.values())
    r = requests.post(service.base + "/auth/login", json={"username": "alice", "password": PASSWORD}, timeout=10)
    assert r.status_code != 200

    entries = audit(service)
    opened = [e for e in entries if e["action"] == "incident" and e["target"] == "user alice"]
    assert len(opened) == 1 and opened[0]["reason"] == "stolen laptop" and opened[0]["actor"] == "oncall"
    assert "2 sessions revoked" in opened[0]["detail"] and "blast radius: 2 sessions of 1 user" in opened[0]["detail"]
    assert any(e["action"] == "incident.outcome" and e["detail"].startswith("contained: 3 of 3") for e in entries)
    assert any(e["action"] == "user.disable" and e["target"] == "alice" for e in entries)


def test_key_incident_drops_the_kid_everywhere(service):
    apis = verifiers(service, ["a", "b", "c"])
    token = service.login("alice")["access_token"]
    keys = json.loads(service.ctl("keys", "list", "--json", "--db", service.db).out)
    active = next(k["kid"] for k in keys if k["state"] == "active")
    waiting = next(k["kid"] for k in keys if k["state"] == "next")
    assert all(status(api, token) == 200 for api in apis.values())

    out = incident(service, "key", active, "--wait", "10")
    assert out.code == 0, out
    lines = out.out.splitlines()
    assert lines[0].startswith("blast radius: ") and f"key {active}: revoked, out of the JWKS; {waiting} signs" in lines[1]
    assert sum("applied after" in line for line in lines) == 3 and lines[-1].startswith("contained: 3 of 3 instances")

    assert all(status(api, token) == 401 for api in apis.values())
    rows = services(service.ctl, service.db)
    assert all(active not in row["kids"] and row["revoked_kids_held"] == [] for row in rows.values())
    after = {k["kid"]: k["state"] for k in json.loads(service.ctl("keys", "list", "--json", "--db", service.db).out)}
    assert after[active] == "revoked" and after[waiting] == "active" and list(after.values()).count("next") == 1
    # A fresh login is signed by the key that was waiting, which every verifier already holds.
    fresh = service.login("alice")["access_token"]
    assert all(status(api, fresh) == 200 for api in apis.values())


def test_an_unreachable_verifier_is_named_stale_and_the_incident_exits_1(service):
    apis = verifiers(service, ["up", "frozen"])
    frozen = service.servers[-1].proc
    session = service.login("alice")
    frozen.send_signal(signal.SIGSTOP)
    try:
        out = incident(service, "session", session["session_id"], "--wait", "3")
        assert out.code == 1, out
        assert "  demo-api/up: applied after" in out.out
        assert "  demo-api/frozen: STALE (no report since the incident)" in out.out
        last = out.out.splitlines()[-1]
        assert last.startswith("not contained: 1 of 2 instances applied; stale: demo-api/frozen (no report since the incident)"), last
        assert status(apis["up"], session["access_token"]) == 401
    finally:
        frozen.send_signal(signal.SIGCONT)
    assert any(e["action"] == "incident.outcome" and e["detail"].startswith("not contained") for e in audit(service))


def test_an_incident_on_nothing_exits_1_and_writes_nothing(service):
    before = audit(service)
    for args in (["user", "nobody"], ["session", "no-such-session"], ["key", "no-such-kid"]):
        out = incident(service, *args, "--wait", "1")
        assert out.code == 1 and out.out == "" and len(out.err.strip().splitlines()) == 1, (args, out)
        assert out.err.startswith("error: no "), out.err
    assert audit(service) == before
    assert incident(service, "user", "alice", "--wait", "-1").code == 64


def test_console_services_view_and_incident_flow_under_tmux(service, tmp_path):
    """The real console against a live sessiond and two demo-api verifiers: `:services`
    lists them; `/user:alice Enter ! reason Enter y` contains alice and the panel says so."""
    from test_console_tmux import Console

    apis = verifiers(service, ["tmux-a", "tmux-b"])
    token = service.login("alice")["access_token"]
    console = Console(tmp_path, "--db", service.db, "--actor", "oncall")
    try:
        console.wait_for("sessions ·")
        console.keys(":"); console.type("services"); console.keys("Enter")
        screen = console.wait_for("tmux-b")
        assert "tmux-a" in screen and "demo-api" in screen and "up to date" in screen
        assert "feed lag per service" in screen
        console.keys("Escape")
        console.keys("/"); console.type("user:alice"); console.keys("Enter")
        console.keys("!"); console.type("stolen laptop"); console.keys("Enter")
        screen = console.wait_for("CONTAIN user alice?")
        assert "must react: 2 instances of demo-api" in screen
        console.keys("y")
        screen = console.wait_for("contained: 2 of 2 instances,", timeout=10)
        assert "INCIDENT · user alice · reason: stolen laptop" in screen and "applied" in screen
        assert all(status(api, token) == 401 for api in apis.values())
        console.keys("q"); console.keys("q")
        assert console.finish().startswith("EXIT:0")
    finally:
        console.close()
    assert any(e["action"] == "incident.outcome" and e["actor"] == "oncall" for e in audit(service))
