"""The signal catalogue a node uses when `node init` is given none: the shipped one."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ALERTS_DIR
from zichtlijn.signal_catalogue import load_signals, node_signals, shipped_signals


def test_the_package_ships_the_deployment_example_catalogue_byte_for_byte():
    # an installed node has no deploy/ directory: the package carries the same file
    shipped = Path(__file__).resolve().parents[1] / "zichtlijn" / "data" / "signals.toml"
    assert shipped.read_bytes() == (ALERTS_DIR / "signals.toml").read_bytes()
    assert shipped_signals() == load_signals(ALERTS_DIR / "signals.toml")
    assert "unlicensed" in shipped_signals().codes


def test_a_node_without_a_catalogue_of_its_own_uses_the_shipped_one(tmp_path):
    own = tmp_path / "signals.toml"
    own.write_text("[signals.eigen_code]\nweight = 1.0\n", "utf-8")
    assert node_signals(None) == shipped_signals()
    assert node_signals(own).codes == frozenset({"eigen_code"})
