"""End to end: the real console binary under tmux, driven as a person would."""
import json
import shutil
import subprocess
import time
import uuid

import pytest

from conftest import SESSIONCTL

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is installed by `make test`")


class Console:
    def __init__(self, tmp_path, *args):
        self.name = f"console-{uuid.uuid4().hex[:8]}"
        self.done = tmp_path / f"{self.name}.done"
        script = (f"{SESSIONCTL} console {' '.join(args)}; echo EXIT:$? > {self.done}.tmp; "
                  f"stty -a >> {self.done}.tmp; mv {self.done}.tmp {self.done}; sleep 30")
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", "120", "-y", "40", "bash", "-c", script], check=True)

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True).stdout

    def wait_for(self, text, timeout=10.0) -> str:
        deadline = time.time() + timeout
        while time.time() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not on screen:\n{self.screen()}")

    def keys(self, *keys, literal=False):
        args = ["tmux", "send-keys", "-t", self.name] + (["-l"] if literal else []) + list(keys)
        subprocess.run(args, check=True)
        time.sleep(0.15)

    def type(self, text):
        self.keys(text, literal=True)

    def finish(self, timeout=10.0) -> str:
        deadline = time.time() + timeout
        while time.time() < deadline and not self.done.exists():
            time.sleep(0.1)
        assert self.done.exists(), f"console did not exit:\n{self.screen()}"
        return self.done.read_text()

    def close(self):
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def store(tmp_path, sessionctl):
    path = str(tmp_path / "console.sqlite")
    assert sessionctl("demo", "seed", "--db", path, "--users", "30", "--sessions", "400", "--seed", "11").code == 0
    return path


def active_session(sessionctl, store):
    rows = json.loads(sessionctl("sessions", "list", "--db", store, "--state", "active", "--json", "--limit", "1000").out)
    users = {}
    for row in rows:
        users.setdefault(row["user"], []).append(row)
    user, sessions = next((u, s) for u, s in users.items() if all(r["state"] == "active" for r in s))
    return user, sessions


def test_filter_revoke_quit_and_terminal_restored(tmp_path, sessionctl, store):
    user, mine = active_session(sessionctl, store)
    console = Console(tmp_path, "--db", store, "--actor", "e2e-admin")
    try:
        console.wait_for("sessionctl · sessions")
        console.keys("/")
        console.type(f"user:{user}")
        console.keys("Enter")
        screen = console.wait_for(user)
        table = [line for line in screen.splitlines()[3:-2] if line.strip()]
        assert table and all(user in line for line in table), screen
        console.keys("d")
        console.wait_for("Reason for revoking the session of")
        console.type("e2e stolen phone")
        console.keys("Enter")
        console.wait_for("[y/N]")
        console.keys("y")
        console.wait_for("revoked 1 session")
        console.keys("q")
        result = console.finish()
    finally:
        console.close()
    assert result.startswith("EXIT:0")
    modes = result.split()
    assert "icanon" in modes and "echo" in modes and "-icanon" not in modes  # the terminal is restored
    newest = max(mine, key=lambda r: r["created_at"])
    shown = json.loads(sessionctl("sessions", "show", newest["id"], "--json", "--db", store).out)
    assert shown["state"] == "revoked" and shown["revoke_reason"] == "e2e stolen phone" and shown["revoked_by"] == "e2e-admin"
    audit = json.loads(sessionctl("audit", "list", "--json", "--db", store).out)
    assert any(e["action"] == "session.revoke" and e["target"] == newest["id"] and e["actor"] == "e2e-admin"
               and e["reason"] == "e2e stolen phone" for e in audit)


def test_rotate_a_key_from_the_keys_view(tmp_path, sessionctl, store):
    before = {k["kid"]: k["state"] for k in json.loads(sessionctl("keys", "list", "--json", "--db", store).out)}
    waiting = next(kid for kid, state in before.items() if state == "next")
    console = Console(tmp_path, "--db", store, "--actor", "e2e-admin")
    try:
        console.wait_for("sessionctl · sessions")
        console.keys(":")
        console.type("keys")
        console.keys("Enter")
        console.wait_for("TIMELINE")
        console.keys("r")
        console.wait_for("Reason for rotating")
        console.type("e2e rotation")
        console.keys("Enter")
        console.wait_for("[y/N]")
        console.keys("y")
        console.wait_for("rotated:")
        console.keys("q")
        console.keys("q")
        assert console.finish().startswith("EXIT:0")
    finally:
        console.close()
    after = {k["kid"]: k["state"] for k in json.loads(sessionctl("keys", "list", "--json", "--db", store).out)}
    assert after[waiting] == "active"
    audit = json.loads(sessionctl("audit", "list", "--json", "--db", store).out)
    assert any(e["action"] == "key.rotate" and e["actor"] == "e2e-admin" and e["reason"] == "e2e rotation" for e in audit)


def test_read_only_revokes_nothing(tmp_path, sessionctl, store):
    revoked_before = len(json.loads(sessionctl("sessions", "list", "--db", store, "--state", "revoked", "--json", "--limit", "1000").out))
    console = Console(tmp_path, "--db", store, "--read-only")
    try:
        screen = console.wait_for("READ-ONLY")
        assert "d revoke" not in screen
        console.keys("d")
        console.wait_for("read-only console")
        console.keys("U")
        console.keys("y")
        console.keys("q")
        assert console.finish().startswith("EXIT:0")
    finally:
        console.close()
    revoked_after = len(json.loads(sessionctl("sessions", "list", "--db", store, "--state", "revoked", "--json", "--limit", "1000").out))
    assert revoked_after == revoked_before


def test_console_needs_a_terminal(sessionctl, store):
    result = sessionctl("console", "--db", store)
    assert result.code == 64 and "needs a terminal" in result.err


def test_bracketed_paste_opens_the_inspector(tmp_path, sessionctl, store):
    now = int(time.time())
    token = sessionctl("token", "sign", "--db", store, "--typ", "at+jwt",
                       json.dumps({"sub": "paste-user", "iat": now, "exp": now + 300})).out.strip()
    console = Console(tmp_path, "--db", store)
    try:
        console.wait_for("sessionctl · sessions")
        console.type(f"\x1b[200~{token}\x1b[201~")
        screen = console.wait_for("sessionctl · inspector")
        assert "VALID" in screen and "paste-user" in screen
        assert token not in screen and "(R reveals)" in screen
        console.keys("q")
        console.keys("q")
        assert console.finish().startswith("EXIT:0")
    finally:
        console.close()


def test_sigterm_restores_the_terminal(tmp_path, sessionctl, store):
    console = Console(tmp_path, "--db", store)
    try:
        console.wait_for("sessionctl · sessions")
        listing = subprocess.run(["ps", "-ww", "-eo", "pid=,comm=,args="], capture_output=True, text=True).stdout
        pids = [line.split()[0] for line in listing.splitlines()
                if line.split()[1] == "sessionctl" and store in line]
        assert len(pids) == 1, listing
        subprocess.run(["kill", "-TERM", pids[0]], check=True)
        result = console.finish()
    finally:
        console.close()
    assert result.startswith("EXIT:143")  # died of SIGTERM, after restoring the terminal
    modes = result.split()
    assert "icanon" in modes and "echo" in modes


def test_a_broken_views_file_stops_the_console_with_its_line(tmp_path, store):
    views = tmp_path / "views"
    views.write_text("# mine\nok sort=ip filter=ip:203.0.113.\nbad sort=sideways\n")
    console = Console(tmp_path, "--db", store, "--config", str(views))
    try:
        result = console.finish()
        assert result.startswith("EXIT:64"), result
        screen = console.screen()
        assert f"error: views file {views}: line 3: unknown sort \"sideways\"" in screen.replace("\n", ""), screen
    finally:
        console.close()


def test_a_file_it_may_not_write_opens_read_only_and_says_so(tmp_path, store, sessionctl):
    import os
    os.chmod(store, 0o444)
    try:
        assert sessionctl("sessions", "revoke", "x", "--reason", "r", "--db", store).code == 64  # the CLI still refuses
        console = Console(tmp_path, "--db", store)
        try:
            screen = console.wait_for("READ-ONLY")
            assert "sessions · READ-ONLY" in screen
            console.keys("d")
            assert "read-only console" in console.wait_for("read-only console")
            console.keys("q")
            assert console.finish().startswith("EXIT:0")
        finally:
            console.close()
    finally:
        os.chmod(store, 0o644)


def test_bulk_revoke_by_network_and_export_under_tmux(tmp_path, store, sessionctl):
    """`/ip:203.0.113.0/25 Enter D reason Enter y` in the real console, then `:export` of what
    is left; the counts are checked against the store and the audit log."""
    import csv
    import ipaddress

    everything = json.loads(sessionctl("sessions", "list", "--json", "--limit", "100000", "--db", store).out)
    net = ipaddress.ip_network("203.0.113.0/25")
    hit = [s for s in everything if s["state"] == "active" and ":" not in s["ip"] and ipaddress.ip_address(s["ip"]) in net]
    console = Console(tmp_path, "--db", store, "--actor", "oncall")
    try:
        console.wait_for("sessions ·")
        console.keys("/"); console.type("ip:203.0.113.0/25"); console.keys("Enter")
        console.keys("D")
        screen = console.wait_for("matches: ")
        assert f"matches: {len(hit)} active sessions" in screen
        console.type("botnet wave"); console.keys("Enter")
        console.wait_for("REVOKE every active session matching ip:203.0.113.0/25?")
        console.keys("y")
        console.wait_for(f"revoked {len(hit)} sessions matching ip:203.0.113.0/25")
        target = tmp_path / "left.csv"
        console.keys("Escape")
        console.keys("/"); console.type("state:active"); console.keys("Enter")
        console.keys(":"); console.type(f"export {target}"); console.keys("Enter")
        console.wait_for("exported ")
        console.keys("q")
        assert console.finish().startswith("EXIT:0")
    finally:
        console.close()
    audit = json.loads(sessionctl("audit", "list", "--json", "--db", store).out)
    bulk = [e for e in audit if e["action"] == "session.revoke_bulk"]
    assert len(bulk) == 1 and bulk[0]["detail"] == f"{len(hit)} sessions revoked" and bulk[0]["actor"] == "oncall"
    rows = list(csv.DictReader(target.open(newline="")))
    active_before = sum(1 for s in everything if s["state"] == "active")
    assert len(rows) == active_before - len(hit) and all(r["state"] == "active" for r in rows)


def test_bulk_revoke_cancelled_midway_under_tmux(tmp_path, sessionctl):
    """A CIDR bulk on a store big enough to take a while: the CLI's dry run first, then in
    the console `D`, the blast radius, reason, `y`, and Esc once the progress shows. What the
    console reports is exactly what the store revoked and what the audit entry counts."""
    import ipaddress

    path = str(tmp_path / "big.sqlite")
    assert sessionctl("demo", "seed", "--db", path, "--users", "500", "--sessions", "40000", "--seed", "5").code == 0
    net = ipaddress.ip_network("198.51.100.0/24")

    def active_in_net():
        rows = json.loads(sessionctl("sessions", "list", "--format", "json", "--all", "--where", "ip:198.51.100.0/24 state:active", "--db", path).out)
        assert all(ipaddress.ip_address(r["ip"]) in net for r in rows)
        return len(rows)

    before = active_in_net()
    dry = sessionctl("sessions", "revoke", "--where", "ip:198.51.100.0/24", "--dry-run", "--db", path)
    assert dry.code == 0 and f"matches: {before} active sessions" in dry.out and "dry run: nothing revoked" in dry.out, dry
    assert before > 2_000, before
    console = Console(tmp_path, "--db", path, "--actor", "oncall")
    try:
        console.wait_for("sessions ·")
        console.keys("/"); console.type("ip:198.51.100.0/24"); console.keys("Enter")
        console.keys("D")
        console.wait_for(f"matches: {before} active sessions", timeout=30)
        console.type("credential stuffing"); console.keys("Enter")
        console.wait_for("REVOKE every active session matching ip:198.51.100.0/24?")
        console.keys("y")
        console.wait_for("Esc stops after this chunk", timeout=30)
        console.keys("Escape")
        screen = console.wait_for("stopped: ", timeout=30)
        line = next(l for l in screen.splitlines() if "stopped: " in l)
        revoked = int(line.split("stopped: ")[1].split(" ")[0])
        assert 0 < revoked < before and revoked % 200 == 0, line
        console.keys("Escape"); console.keys("q")
        assert console.finish().startswith("EXIT:0")
    finally:
        console.close()
    assert active_in_net() == before - revoked
    audit = json.loads(sessionctl("audit", "list", "--json", "--db", path).out)
    bulk = [e for e in audit if e["action"] == "session.revoke_bulk"]
    assert len(bulk) == 1 and bulk[0]["detail"] == f"{revoked} sessions revoked; cancelled", bulk
    assert bulk[0]["target"] == "ip:198.51.100.0/24" and bulk[0]["reason"] == "credential stuffing" and bulk[0]["actor"] == "oncall"


def test_user_view_and_columns_under_tmux(tmp_path, sessionctl, store):
    """`u` on a row shows the user's picture; `x` disables them (audited); `c` hides a column
    and `:save` keeps the choice for `:view` in the next console."""
    user, sessions = active_session(sessionctl, store)
    views = tmp_path / "views"
    console = Console(tmp_path, "--db", store, "--actor", "support", "--config", str(views))
    try:
        console.wait_for("sessions ·")
        console.keys("/"); console.type(f"user:={user}"); console.keys("Enter")
        console.keys("u")
        screen = console.wait_for("sessions  ")
        assert f" {user}  account since" in screen and f"sessions  {len(sessions)} active" in screen
        console.keys("x"); console.type("offboarding"); console.keys("Enter")
        console.wait_for(f"Disable {user}?")
        console.keys("y")
        console.wait_for("DISABLED: cannot log in")
        console.keys("Escape")
        console.keys("c")
        console.wait_for("[x] USER AGENT")
        console.keys("j", "j", "j", "Space", "Escape")
        header = console.wait_for("LAST SEEN").splitlines()[2]
        assert "USER AGENT" not in header and "CREATED" in header
        console.keys(":"); console.type("save no-agent"); console.keys("Enter")
        console.wait_for("saved view no-agent")
        console.keys("q")
        assert console.finish().startswith("EXIT:0")
    finally:
        console.close()
    assert "columns=user,client,ip,created,last_seen,expires,state" in views.read_text()
    shown = json.loads(sessionctl("users", "show", user, "--json", "--db", store).out)
    assert shown["account"]["disabled"] is True and shown["audit"][0]["action"] == "user.disable" and shown["audit"][0]["actor"] == "support"
    again = Console(tmp_path, "--db", store, "--config", str(views))
    try:
        again.wait_for("sessions ·")
        assert "USER AGENT" in again.screen().splitlines()[2]
        again.keys(":"); again.type("view no-agent"); again.keys("Enter")
        again.wait_for("view no-agent")
        assert "USER AGENT" not in again.screen().splitlines()[2]
        again.keys("q")
        assert again.finish().startswith("EXIT:0")
    finally:
        again.close()
