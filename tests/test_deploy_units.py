"""The service units in deploy/systemd run commands this release has."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from zichtlijn import cli

UNITS = sorted((Path(__file__).parent.parent / "deploy" / "systemd").glob("*.service"))
ZICHTLIJN = "/opt/zichtlijn/.venv/bin/zichtlijn"


def commands(unit: Path) -> list[list[str]]:
    """The arguments of every `zichtlijn` command the unit starts (inside `sh -c` too)."""
    found = []
    for line in unit.read_text("utf-8").splitlines():
        if re.match(r"Exec\w*=", line) and ZICHTLIJN in line:
            # a $(...) of the shell stands for one value
            words = shlex.split(re.sub(r"\$\([^)]*\)", "X", line.split("=", 1)[1]))
            if words[0] == "/bin/sh":
                words = shlex.split(words[-1])
            found.append(words[words.index(ZICHTLIJN) + 1 :])
    return found


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_every_command_a_unit_starts_parses(unit):
    started = commands(unit)
    assert started, f"{unit.name} starts no zichtlijn command"
    for words in started:
        parsed = cli.build_parser().parse_args(words)
        assert callable(parsed.run)


def test_every_timer_starts_a_unit_here_and_every_oneshot_has_a_timer():
    directory = UNITS[0].parent
    timers = {timer.stem for timer in directory.glob("*.timer")}
    oneshots = {unit.stem for unit in UNITS if "Type=oneshot" in unit.read_text("utf-8")}
    assert timers == oneshots
    assert {"zichtlijn-node-sync", "zichtlijn-hub-backup", "zichtlijn-node-backup"} <= timers


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_every_unit_gives_numba_a_writable_cache(unit):
    """Without one, numba stops every command at import under ProtectSystem=strict."""
    lines = unit.read_text("utf-8").splitlines()
    assert "CacheDirectory=zichtlijn" in lines
    # %C is the cache root (/var/cache): the directory CacheDirectory= makes writable
    assert "Environment=NUMBA_CACHE_DIR=%C/zichtlijn" in lines


def settings(unit: Path) -> dict[str, dict[str, list[str]]]:
    """Each section's keys and their values, in order (a key may come more than once)."""
    found: dict[str, dict[str, list[str]]] = {}
    section = ""
    for line in unit.read_text("utf-8").splitlines():
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            found[section] = {}
        elif "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            found[section].setdefault(key, []).append(value)
    return found


def seconds(span: str) -> int:
    """A systemd time span of the forms used here: 3h, 15min, 30s, 5."""
    number, unit = re.fullmatch(r"(\d+)(h|min|s|)", span).groups()
    return int(number) * {"h": 3600, "min": 60, "s": 1, "": 1}[unit]


def test_the_nightly_sync_is_retried_a_bounded_number_of_times():
    """A hub restart at 02:00 must not cost every municipality a day."""
    unit = settings(UNITS[0].parent / "zichtlijn-node-sync.service")
    assert unit["Service"]["Type"] == ["oneshot"]
    assert unit["Service"]["Restart"] == ["on-failure"]  # oneshots allow no other restart
    restart = seconds(unit["Service"]["RestartSec"][0])
    assert restart == 15 * 60
    # the start limit is a [Unit] setting (in [Service] systemd ignores it) ...
    interval = seconds(unit["Unit"]["StartLimitIntervalSec"][0])
    burst = int(unit["Unit"]["StartLimitBurst"][0])
    assert "StartLimitIntervalSec" not in unit["Service"]
    # ... and it ends the retries: the start after `burst` comes within the interval
    assert burst >= 4 and burst * restart < interval
    # and everything is over long before the next night's run
    assert interval < 24 * 3600


HARDENING = {
    "PrivateDevices": "yes", "ProtectKernelTunables": "yes", "ProtectKernelModules": "yes",
    "ProtectKernelLogs": "yes", "ProtectControlGroups": "yes", "ProtectClock": "yes",
    "ProtectHostname": "yes", "ProtectProc": "invisible",
    "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX", "RestrictNamespaces": "yes",
    "RestrictRealtime": "yes", "RestrictSUIDSGID": "yes", "LockPersonality": "yes",
    "SystemCallArchitectures": "native", "SystemCallFilter": "@system-service",
    "ProtectSystem": "strict", "NoNewPrivileges": "yes", "CapabilityBoundingSet": "",
}


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_every_unit_is_hardened_but_lets_numba_compile(unit):
    service = settings(unit)["Service"]
    assert {key: service.get(key) for key in HARDENING} == {
        key: [value] for key, value in HARDENING.items()}
    # numba writes machine code and then runs it: this setting would stop every link run
    assert "MemoryDenyWriteExecute" not in service


def test_the_hub_restarts_but_not_in_a_loop_nor_on_a_configuration_error(tmp_path, capsys):
    from hub.cli import EX_CONFIG

    unit = settings(UNITS[0].parent / "zichtlijn-hub.service")
    assert unit["Service"]["Restart"] == ["on-failure"]
    assert int(unit["Unit"]["StartLimitBurst"][0]) >= 3
    # the limit ends a restart loop: the starts after `burst` come within the interval
    burst, restart = int(unit["Unit"]["StartLimitBurst"][0]), seconds(
        unit["Service"]["RestartSec"][0])
    assert burst * restart < seconds(unit["Unit"]["StartLimitIntervalSec"][0])
    assert unit["Service"]["RestartPreventExitStatus"][0].split() == ["2", str(EX_CONFIG)]
    # and the hub does exit so on a hub.toml it cannot read, in one line
    (tmp_path / "hub.toml").write_text("listen = [\n", "utf-8")
    assert cli.main(["hub", "serve", "--home", str(tmp_path)]) == EX_CONFIG
    err = capsys.readouterr().err
    assert err.startswith(f"zichtlijn: {tmp_path / 'hub.toml'}: not valid TOML")
    assert err.count("\n") == 1
