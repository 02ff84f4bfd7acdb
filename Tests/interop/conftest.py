"""Shared fixtures for the interoperability and command-line tests.

The tests run the real `sessionctl` binary (path in $SESSIONCTL, else the debug build)
against PyJWT and joserfc, implementations nobody on this project wrote.
"""
import json
import os
import subprocess
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SESSIONCTL = os.environ.get("SESSIONCTL", str(ROOT / ".build" / "debug" / "sessionctl"))

warnings.filterwarnings("ignore", message=".*deprecated via RFC 9864.*")


class Result:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def __repr__(self):
        return f"<exit {self.code} out={self.out[:200]!r} err={self.err[:300]!r}>"


def run(*args, stdin: str | bytes | None = None, env: dict | None = None) -> Result:
    """Runs sessionctl with `args`; never raises on a non-zero exit."""
    data = stdin.encode() if isinstance(stdin, str) else stdin
    proc = subprocess.run([SESSIONCTL, *args], input=data, capture_output=True, timeout=60,
                          env={**os.environ, **(env or {})})
    return Result(subprocess.CompletedProcess(proc.args, proc.returncode,
                                              proc.stdout.decode("utf-8", "replace"),
                                              proc.stderr.decode("utf-8", "replace")))


@pytest.fixture(scope="session")
def sessionctl():
    if not Path(SESSIONCTL).exists():
        pytest.fail(f"sessionctl not built at {SESSIONCTL}; run `make build`")
    return run


@pytest.fixture
def write_json(tmp_path):
    counter = iter(range(1_000_000))

    def write(obj) -> str:
        path = tmp_path / f"file{next(counter)}.json"
        path.write_text(json.dumps(obj) if not isinstance(obj, str) else obj)
        return str(path)

    return write
