"""Every help text of every command reads clean: no runs of spaces inside a sentence, no
empty abstracts; and every executable answers --version with the one product version."""
import json
import re
import subprocess

from conftest import SESSIONCTL

BIN = SESSIONCTL.rsplit("/", 1)[0]


def walk(command, path):
    yield path, command
    for sub in command.get("subcommands", []):
        yield from walk(sub, path + [sub["commandName"]])


def texts(command):
    yield "abstract", command.get("abstract", "")
    yield "discussion", command.get("discussion", "")
    for argument in command.get("arguments", []):
        yield f"argument {argument.get('valueName', '?')}", argument.get("abstract", "")
        yield f"argument {argument.get('valueName', '?')} discussion", argument.get("discussion", "")


def test_every_help_text_is_clean():
    for binary in ("sessionctl", "sessiond", "demo-api"):
        dump = json.loads(subprocess.run([f"{BIN}/{binary}", "--experimental-dump-help"], capture_output=True, text=True, check=True).stdout)
        for path, command in walk(dump["command"], [binary]):
            assert command.get("abstract"), f"{' '.join(path)} has no abstract"
            for where, text in texts(command):
                assert not re.search(r"\S {2,}\S", text), f"{' '.join(path)} {where}: {text!r}"
                assert "\t" not in text and not text.startswith(" ") and not text.endswith(" "), f"{' '.join(path)} {where}: {text!r}"


def test_one_version_everywhere():
    versions = {subprocess.run([f"{BIN}/{b}", "--version"], capture_output=True, text=True, check=True).stdout.strip()
                for b in ("sessionctl", "sessiond", "demo-api")}
    assert len(versions) == 1 and re.fullmatch(r"\d+\.\d+\.\d+", versions.pop())
