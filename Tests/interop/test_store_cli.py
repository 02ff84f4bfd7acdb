"""The store commands of sessionctl: sessions, users, keys, audit, demo seed, token --db,
bad store files, crash safety, and that no private material is ever printed."""
import base64
import json
import os
import signal
import sqlite3
import subprocess
import time

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from conftest import SESSIONCTL

NOW = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@pytest.fixture
def store(tmp_path, sessionctl):
    """A seeded store: 40 users, 600 sessions."""
    path = str(tmp_path / "s.sqlite")
    result = sessionctl("demo", "seed", "--db", path, "--users", "40", "--sessions", "600", "--seed", "7")
    assert result.code == 0, result
    assert "seeding sessions" in result.err and "100%" in result.err
    return path


def sessions(sessionctl, path, *args):
    result = sessionctl("sessions", "list", "--db", path, "--json", "--limit", "100000", *args)
    assert result.code == 0, result
    return json.loads(result.out)


def test_demo_seed_is_deterministic(tmp_path, sessionctl):
    outputs = []
    for name, seed in (("a", "3"), ("b", "3"), ("c", "4")):
        path = str(tmp_path / f"{name}.sqlite")
        assert sessionctl("demo", "seed", "--db", path, "--users", "20", "--sessions", "300", "--seed", seed, "--now", NOW).code == 0
        outputs.append(sessions(sessionctl, path))
    strip = lambda rows: [{k: v for k, v in r.items() if k not in ("state", "expires_at")} for r in rows]
    assert strip(outputs[0]) == strip(outputs[1])
    assert strip(outputs[0]) != strip(outputs[2])
    assert len(outputs[0]) == 300
    assert {r["client"] for r in outputs[0]} == {"web", "ios", "android", "cli"}
    states = {r["state"] for r in outputs[0]}
    assert "revoked" in states and "active" in states


def test_demo_seed_refuses_a_store_with_data(store, sessionctl):
    result = sessionctl("demo", "seed", "--db", store, "--sessions", "10")
    assert result.code == 1 and "already holds data" in result.err


def test_demo_data_looks_real(store, sessionctl):
    rows = sessions(sessionctl, store)
    assert all(r["ip"].startswith(("192.0.2.", "198.51.100.", "203.0.113.", "2001:db8:")) for r in rows)
    assert any("Mozilla/5.0" in r["user_agent"] for r in rows)
    keys = json.loads(sessionctl("keys", "list", "--db", store, "--json").out)
    assert {k["state"] for k in keys} >= {"retired", "revoked", "retiring", "active", "next"}
    audit = json.loads(sessionctl("audit", "list", "--db", store, "--json").out)
    assert {"key.rotate", "key.revoke", "session.revoke"} <= {e["action"] for e in audit}


def test_list_filters(store, sessionctl):
    rows = sessions(sessionctl, store)
    user = rows[0]["user"]
    mine = sessions(sessionctl, store, "--user", user)
    assert mine and all(r["user"] == user for r in mine)
    for state in ("active", "revoked", "expired"):
        assert all(r["state"] == state for r in sessions(sessionctl, store, "--state", state))
    limited = json.loads(sessionctl("sessions", "list", "--db", store, "--json", "--limit", "5").out)
    assert len(limited) == 5
    assert [r["created_at"] for r in rows] == sorted((r["created_at"] for r in rows), reverse=True)
    for field in ("id", "user", "state", "created_at", "last_used_at", "expires_at", "client", "ip", "user_agent"):
        assert field in rows[0]
    assert sessionctl("sessions", "list", "--db", store, "--state", "bogus").code == 64


def test_revoke_session_with_reason_and_actor(store, sessionctl):
    active = sessions(sessionctl, store, "--state", "active")[0]
    result = sessionctl("sessions", "revoke", active["id"], "--reason", "stolen phone", "--actor", "dana", "--db", store)
    assert result.code == 0, result
    shown = json.loads(sessionctl("sessions", "show", active["id"], "--json", "--db", store).out)
    assert shown["state"] == "revoked" and shown["revoke_reason"] == "stolen phone" and shown["revoked_by"] == "dana"
    assert shown["refresh_history"] and "token" in shown["refresh_history"][0]
    audit = json.loads(sessionctl("audit", "list", "--json", "--db", store).out)
    assert any(e["action"] == "session.revoke" and e["target"] == active["id"] and e["actor"] == "dana"
               and e["reason"] == "stolen phone" for e in audit)
    again = sessionctl("sessions", "revoke", active["id"], "--reason", "x", "--db", store)
    assert again.code == 1 and "already revoked" in again.err
    assert sessionctl("sessions", "revoke", "nope", "--reason", "x", "--db", store).code == 1
    assert sessionctl("sessions", "show", "nope", "--db", store).code == 1
    assert sessionctl("sessions", "revoke", active["id"], "--db", store).code == 64  # --reason is required
    human = sessionctl("sessions", "show", active["id"], "--db", store)
    assert human.code == 0 and "refresh family" in human.out


def test_users_add_and_revoke(store, sessionctl):
    added = sessionctl("users", "add", "zed", "--password-stdin", "--db", store, stdin="correct horse\n")
    assert added.code == 0, added
    assert sessionctl("users", "add", "zed", "--password-stdin", "--db", store, stdin="x\n").code == 1
    assert sessionctl("users", "add", "empty", "--password-stdin", "--db", store, stdin="\n").code == 64
    assert sessionctl("users", "add", "nopw", "--db", store).code == 64
    db = sqlite3.connect(store)
    stored = db.execute("SELECT password_hash FROM users WHERE name = 'zed'").fetchone()[0]
    assert stored.startswith("scrypt$") and "correct horse" not in stored
    assert sessionctl("users", "disable", "zed", "--reason", "vacation", "--db", store).code == 0
    assert sqlite3.connect(store).execute("SELECT disabled FROM users WHERE name = 'zed'").fetchone()[0] == 1
    assert sessionctl("users", "enable", "zed", "--reason", "back", "--db", store).code == 0
    assert sessionctl("users", "disable", "ghost", "--reason", "x", "--db", store).code == 1
    victim = next(r["user"] for r in sessions(sessionctl, store, "--state", "active"))
    result = sessionctl("users", "revoke", victim, "--reason", "left", "--db", store)
    assert result.code == 0, result
    assert sessions(sessionctl, store, "--user", victim, "--state", "active") == []
    assert sessionctl("users", "revoke", "nobody-here", "--reason", "x", "--db", store).code == 1


def test_keys_lifecycle(tmp_path, sessionctl):
    path = str(tmp_path / "k.sqlite")
    first = sessionctl("keys", "rotate", "--db", path, "--reason", "first")
    assert first.code == 0 and "warning: created key-encryption key" in first.err
    assert oct(os.stat(path + ".kek").st_mode & 0o777) == "0o600"
    assert sessionctl("keys", "rotate", "--db", path, "--reason", "second", "--alg", "EdDSA").code == 0
    keys = json.loads(sessionctl("keys", "list", "--db", path, "--json").out)
    states = {k["state"]: k for k in keys}
    assert set(states) == {"active", "retiring"} and states["active"]["alg"] == "EdDSA"
    assert "retires_at" in states["retiring"]
    jwks = json.loads(sessionctl("keys", "jwks", "--db", path).out)
    assert {k["kid"] for k in jwks["keys"]} == {k["kid"] for k in keys}
    assert sessionctl("keys", "retire", states["active"]["kid"], "--reason", "x", "--db", path).code == 1
    assert sessionctl("keys", "retire", states["retiring"]["kid"], "--reason", "early", "--db", path).code == 0
    assert sessionctl("keys", "revoke", "nope", "--reason", "x", "--db", path).code == 1
    assert sessionctl("keys", "rotate", "--db", path, "--reason", "x", "--alg", "HS256").code == 64
    assert sessionctl("keys", "retire", "k", "--db", path).code == 64


def test_token_sign_and_verify_with_the_store(store, sessionctl):
    active = sessions(sessionctl, store, "--state", "active")
    target, other = active[0], next(r for r in active if r["user"] != active[0]["user"])
    now = int(time.time())

    def token(session, jti):
        claims = {"iss": "https://auth.example", "sub": session["user"], "sid": session["id"], "jti": jti, "iat": now, "exp": now + 300}
        result = sessionctl("token", "sign", "--db", store, "--typ", "at+jwt", json.dumps(claims))
        assert result.code == 0, result
        return result.out.strip()

    good, revoked_session, cut_user = token(other, "j1"), token(target, "j2"), token(other, "j3")
    assert sessionctl("token", "verify", "--db", store, "--typ", "at+jwt", good).code == 0
    assert sessionctl("sessions", "revoke", target["id"], "--reason", "x", "--db", store).code == 0
    result = sessionctl("token", "verify", "--db", store, revoked_session)
    assert result.code == 1 and result.err.startswith("rejected: revoked: session"), result
    assert sessionctl("users", "revoke", other["user"], "--reason", "x", "--db", store).code == 0
    result = sessionctl("token", "verify", "--db", store, cut_user)
    assert result.code == 1 and result.err.startswith("rejected: revoked: tokens issued to"), result
    # A revoked key: its tokens are refused as revoked, and the attempt is audited.
    bystander = next(r for r in active if r["user"] not in (target["user"], other["user"]))
    third = token(bystander, "j4")
    kid = json.loads(base64.urlsafe_b64decode(third.split(".")[0] + "==="))["kid"]
    assert sessionctl("keys", "revoke", kid, "--reason", "leaked", "--db", store).code == 0
    result = sessionctl("token", "verify", "--db", store, third)
    assert result.code == 1 and result.err.startswith("rejected: revoked: signing key"), result
    audit = json.loads(sessionctl("audit", "list", "--json", "--db", store).out)
    assert any(e["action"] == "verify.revoked_key" and e["target"] == kid for e in audit)
    # The key that replaced it signs at once, and its tokens verify.
    fresh = token(bystander, "j5")
    assert json.loads(base64.urlsafe_b64decode(fresh.split(".")[0] + "==="))["kid"] != kid
    assert sessionctl("token", "verify", "--db", store, fresh).code == 0


def test_bad_store_files_exit_64_and_write_nothing(tmp_path, sessionctl):
    missing_dir = str(tmp_path / "no" / "s.sqlite")
    result = sessionctl("sessions", "list", "--db", missing_dir)
    assert result.code == 64 and "does not exist" in result.err and len(result.err.splitlines()) == 1
    assert sessionctl("keys", "rotate", "--reason", "x", "--db", missing_dir).code == 64
    assert not os.path.exists(os.path.dirname(missing_dir))

    absent = str(tmp_path / "absent.sqlite")
    result = sessionctl("sessions", "list", "--db", absent)
    assert result.code == 64 and "no store at" in result.err and not os.path.exists(absent)

    text = tmp_path / "text.sqlite"
    text.write_text("hello, I am not a database\n" * 100)
    before = text.read_bytes()
    result = sessionctl("sessions", "list", "--db", str(text))
    assert result.code == 64 and "not a SQLite database" in result.err, result
    assert text.read_bytes() == before and not os.path.exists(str(text) + "-wal")

    newer = str(tmp_path / "newer.sqlite")
    assert sessionctl("keys", "rotate", "--reason", "x", "--db", newer).code == 0
    db = sqlite3.connect(newer)
    db.execute("PRAGMA user_version = 99")
    db.close()
    result = sessionctl("sessions", "list", "--db", newer)
    assert result.code == 64 and "newer" in result.err

    readonly = str(tmp_path / "ro.sqlite")
    assert sessionctl("keys", "rotate", "--reason", "x", "--db", readonly).code == 0
    os.chmod(readonly, 0o444)
    result = sessionctl("keys", "rotate", "--reason", "x", "--db", readonly)
    assert result.code == 64 and "read-only" in result.err
    os.chmod(readonly, 0o644)


def test_sessionctl_db_environment_variable(store, sessionctl):
    result = sessionctl("sessions", "list", "--limit", "1", env={"SESSIONCTL_DB": store})
    assert result.code == 0 and len(result.out.splitlines()) == 2


def unsealed_private_values(path):
    kek_text = open(path + ".kek").read().strip()
    kek = base64.urlsafe_b64decode(kek_text + "=" * (-len(kek_text) % 4))
    values = [kek_text]
    for kid, sealed in sqlite3.connect(path).execute("SELECT kid, sealed_private FROM signing_keys"):
        plain = AESGCM(kek).decrypt(sealed[1:13], sealed[13:], kid.encode())
        jwk = json.loads(plain)
        values += [jwk[m] for m in ("d", "p", "q", "dp", "dq", "qi") if m in jwk]
    return values


def test_no_private_material_in_any_output(store, sessionctl):
    secrets = unsealed_private_values(store)
    assert len(secrets) >= 6
    some = sessions(sessionctl, store)[0]["id"]
    outputs = [
        sessionctl("keys", "list", "--db", store), sessionctl("keys", "list", "--json", "--db", store),
        sessionctl("keys", "jwks", "--db", store), sessionctl("audit", "list", "--db", store),
        sessionctl("audit", "list", "--json", "--db", store), sessionctl("sessions", "list", "--db", store),
        sessionctl("sessions", "show", some, "--json", "--db", store),
        sessionctl("keys", "rotate", "--reason", "r", "--db", store),
        sessionctl("token", "sign", "--db", store, '{"exp":4000000000}'),
    ]
    token = outputs[-1].out.strip()
    outputs.append(sessionctl("token", "verify", "--db", store, token))
    outputs.append(sessionctl("token", "decode", token))
    secrets = unsealed_private_values(store)
    for result in outputs:
        for secret in secrets:
            assert secret not in result.out and secret not in result.err
    jwks = json.loads(outputs[2].out)
    assert all(not ({"d", "p", "q", "dp", "dq", "qi", "oth", "k"} & set(k)) for k in jwks["keys"])


def test_revocations_survive_kill_9(store, sessionctl):
    ids = [r["id"] for r in sessions(sessionctl, store, "--state", "active")]
    assert len(ids) > 200
    child = subprocess.Popen([SESSIONCTL, "sessions", "revoke", "-", "--reason", "crash test", "--db", store],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
    reported = []
    for session_id in ids:
        child.stdin.write(session_id + "\n")
        child.stdin.flush()
        line = child.stdout.readline().strip()
        assert line == f"revoked {session_id}"
        reported.append(session_id)
        if len(reported) == 150:
            # Queue more work, then kill the process mid-stream.
            for extra in ids[151:200]:
                child.stdin.write(extra + "\n")
            child.stdin.flush()
            time.sleep(0.02)
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait()
    assert child.returncode == -signal.SIGKILL
    states = {r["id"]: r["state"] for r in sessions(sessionctl, store)}
    assert all(states[i] == "revoked" for i in reported)
    db = sqlite3.connect(store)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_synchronous_full_option(tmp_path, sessionctl):
    path = str(tmp_path / "f.sqlite")
    assert sessionctl("keys", "rotate", "--reason", "x", "--synchronous", "full", "--db", path).code == 0
    assert sessionctl("keys", "list", "--synchronous", "bogus", "--db", path).code == 64


def test_export_every_match_as_csv_json_and_ndjson(store, sessionctl, tmp_path):
    """`sessions list --format csv|json|ndjson --all` streams every match past --limit; read
    back with Python's csv and json modules; --output is written whole or not at all."""
    import csv
    import io

    everything = json.loads(sessionctl("sessions", "list", "--db", store, "--json", "--limit", "100000").out)
    out = sessionctl("sessions", "list", "--db", store, "--format", "csv", "--all")
    assert out.code == 0, out
    rows = list(csv.DictReader(io.StringIO(out.out, newline="")))
    assert [r["id"] for r in rows] == [s["id"] for s in everything] and len(rows) > 50
    assert list(rows[0].keys())[:3] == ["id", "user", "state"]
    assert all(not any(c in v for c in "\x1b\x07") for r in rows for v in r.values())

    active = [s["id"] for s in everything if s["state"] == "active"]
    nd = sessionctl("sessions", "list", "--db", store, "--format", "ndjson", "--all", "--state", "active")
    assert [json.loads(line)["id"] for line in nd.out.splitlines()] == active
    capped = json.loads(sessionctl("sessions", "list", "--db", store, "--format", "json", "--limit", "7").out)
    assert [s["id"] for s in capped] == [s["id"] for s in everything[:7]]

    target = tmp_path / "export.csv"
    done = sessionctl("sessions", "list", "--db", store, "--format", "csv", "--all", "--output", str(target))
    assert done.code == 0 and done.out == "" and f"exported {len(everything)} sessions to {target}" in done.err
    assert target.read_bytes().count(b"\r\n") == len(everything) + 1
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []
    bad = sessionctl("sessions", "list", "--db", store, "--format", "xml")
    assert bad.code == 64 and "--format must be table, csv, json or ndjson" in bad.err
    missing = sessionctl("sessions", "list", "--db", store, "--format", "csv", "--output", str(tmp_path / "no" / "x.csv"))
    assert missing.code == 64 and missing.err.strip().startswith("error: cannot write") and len(missing.err.strip().splitlines()) == 1


def test_list_where_uses_the_filter_language(store, sessionctl):
    everything = sessions(sessionctl, store)

    def where(text, *extra):
        # --where=TEXT: a filter may start with "-" (a negated term).
        out = sessionctl("sessions", "list", "--db", store, "--json", "--limit", "100000", f"--where={text}", *extra)
        assert out.code == 0, out
        return [s["id"] for s in json.loads(out.out)]

    some_user = everything[0]["user"]
    assert where(f"user:{some_user[:3]}") == [s["id"] for s in everything if s["user"].lower().startswith(some_user[:3].lower())]
    assert where(f"user:={some_user}") == [s["id"] for s in everything if s["user"].lower() == some_user.lower()]
    assert where("-client:cli state:active") == [s["id"] for s in everything if not s["client"].startswith("cli") and s["state"] == "active"]
    assert where("agent:~firefox") == [s["id"] for s in everything if "firefox" in s["user_agent"].lower()]
    assert where("state:active", "--state", "revoked") == []
    bad = sessionctl("sessions", "list", "--db", store, "--where", "user:al created>2x")
    assert bad.code == 64 and bad.err.strip() == 'error: --where: "2x" is not a duration (like 30s, 10m, 2h, 1d, 1w) at column 9'


def test_revoke_where_by_network_dry_run_then_for_real(store, sessionctl):
    """The network is judged by Python's ipaddress module, not by our code."""
    import ipaddress

    everything = sessions(sessionctl, store)
    net = ipaddress.ip_network("203.0.113.0/25")

    def inside(s):
        try:
            return ipaddress.ip_address(s["ip"]) in net
        except ValueError:
            return False

    expected = [s for s in everything if s["state"] == "active" and inside(s)]
    assert expected, "the seed has sessions in 203.0.113.0/25"
    dry = sessionctl("sessions", "revoke", "--where", "ip:203.0.113.0/25", "--dry-run", "--db", store)
    assert dry.code == 0, dry
    users = {s["user"].lower() for s in expected}
    assert dry.out.splitlines()[0].startswith(f"matches: {len(expected)} active sessions of {len(users)} users; clients ")
    assert dry.out.splitlines()[-1] == "dry run: nothing revoked"
    assert sessions(sessionctl, store) == everything
    assert sessionctl("sessions", "revoke", "--where", "ip:203.0.113.0/25", "--db", store).code == 64  # --reason required
    real = sessionctl("sessions", "revoke", "--where", "ip:203.0.113.0/25", "--reason", "botnet", "--actor", "oncall", "--db", store)
    assert real.code == 0 and real.out.splitlines()[-1] == f"revoked {len(expected)} sessions matching ip:203.0.113.0/25", real
    after = {s["id"]: s for s in sessions(sessionctl, store)}
    assert all(after[s["id"]]["state"] == "revoked" and after[s["id"]]["revoke_reason"] == "botnet" for s in expected)
    assert sum(1 for s in everything if s["state"] == "active") - len(expected) == sum(1 for s in after.values() if s["state"] == "active")
    audit = json.loads(sessionctl("audit", "list", "--json", "--db", store).out)
    bulk = [e for e in audit if e["action"] == "session.revoke_bulk"]
    assert len(bulk) == 1 and bulk[0]["detail"] == f"{len(expected)} sessions revoked" and bulk[0]["target"] == "ip:203.0.113.0/25"
    assert not any(e["action"] == "session.revoke" and e["reason"] == "botnet" for e in audit)
