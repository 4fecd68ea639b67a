"""The alert configuration: the shipped example loads, every mistake is refused by file and line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hub.alerts.config import load_alert_config, load_signals
from hub.alerts.engine import AlertEngine
from hub.config import HubConfig
from hub.server import start_hub
from hub.store import HubStore
from linkage.compare import MatchPolicy
from linkage.schema import default_schema
from tests.conftest import ALERTS_DIR
from zichtlijn import cli
from zichtlijn.config_files import ConfigFileError
from zichtlijn.synth.generator import SIGNAL_CODES


@pytest.fixture()
def alerts_dir(tmp_path: Path) -> Path:
    target = tmp_path / "alerts"
    shutil.copytree(ALERTS_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> int:
    """Replace `old` (once) and return the 1-based line where the new text starts."""
    text = path.read_text("utf-8")
    assert text.count(old) == 1, f"{old!r} not unique in {path.name}"
    path.write_text(text.replace(old, new), "utf-8")
    return text[: text.index(old)].count("\n") + 1


def test_shipped_example_routes_the_demo_municipalities():
    config = load_alert_config(ALERTS_DIR)
    assert config.regions.region_of("GM0363") == "amsterdam-amstelland"
    assert config.regions.region_of("GM0599") == "rotterdam"
    assert config.regions.region_of("GM0344") == "midden-nederland"
    assert config.regions.region_of("GM9999") is None
    assert len(config.regions.gemeenten_of) == 10
    carousel = config.rules_of("rotterdam").carousel
    assert (carousel.min_gemeenten, carousel.within_days) == (2, 180)
    assert config.rules_of("limburg").carousel.within_days == 365  # the regional override
    network = config.rules_of("amsterdam-amstelland").network
    assert network.ignore_address_in_settings == {"raam", "club"}


def test_catalogue_holds_every_code_the_generator_emits():
    catalogue = load_signals(ALERTS_DIR / "signals.toml")
    assert set(SIGNAL_CODES) <= catalogue.codes
    assert catalogue.weight("controller_present") > catalogue.weight("not_from_nl") > 0
    assert catalogue.weight("no_such_code") == 0.0


def test_config_digest_changes_with_any_file(alerts_dir):
    before = load_alert_config(alerts_dir).digest
    edit(alerts_dir / "signals.toml", "weight = 4.0", "weight = 5.0")
    assert load_alert_config(alerts_dir).digest != before


BAD = [
    ("rules.toml", "min_gemeenten = 2\nwithin_days = 180",
     "min_gemeenten = 1\nwithin_days = 180",
     "defaults.carousel.min_gemeenten: must be an integer from 2 to 50"),
    ("rules.toml", "within_days = 180", "within_days = \"half a year\"",
     "defaults.carousel.within_days: must be an integer from 1 to 3650"),
    ("rules.toml", "threshold = 6.0", "treshold = 6.0",
     "defaults.accumulation.treshold: unknown setting"),
    ("rules.toml", "ignore_signals = []", "ignore_signals = [\"not_from_nl\", \"loverboy\"]",
     "defaults.accumulation.ignore_signals: 'loverboy' is not a code in signals.toml"),
    ("rules.toml", "[regions.limburg.carousel]", "[regions.atlantis.carousel]",
     "regions.atlantis: unknown region (not in regions.toml)"),
    ("rules.toml", "within_days = 365", "within_days = true",
     "regions.limburg.carousel.within_days: must be an integer from 1 to 3650"),
    ("rules.toml", "link_kinds = [\"phone\",", "link_kinds = [\"fax\", \"phone\",",
     "defaults.network.link_kinds: 'fax' is not a link kind"),
    ("rules.toml", "ignore_address_in_settings = [\"raam\", \"club\"]",
     "ignore_address_in_settings = [\"raam\", \"kroeg\"]",
     "defaults.network.ignore_address_in_settings: 'kroeg' is not a setting"),
    ("rules.toml", "min_persons = 3\n", "min_persons = \n",
     "not valid TOML"),
    ("signals.toml", "weight = 3.0\nnl = \"controlerende",
     "weight = \"heavy\"\nnl = \"controlerende",
     "signals.controller_present.weight: must be a number from 0 to 100"),
    ("signals.toml", "[signals.injuries]", "[signals.Injuries]",
     "signals.Injuries: a signal code is 2-48 lower-case letters"),
    ("regions.toml", "[\"GM0599\", \"GM0505\",", "[\"GM0599\", \"GM0363\",",
     "regions.rotterdam.gemeenten: GM0363 is already in region amsterdam-amstelland"),
    ("regions.toml", "[\"GM0392\", \"GM0361\"]", "[\"GM0392\", \"Alkmaar\"]",
     "regions.noord-holland.gemeenten: 'Alkmaar' is not a CBS gemeente code like GM0363"),
    ("regions.toml", "# GM0000 = \"GM0001\"", "GM0505 = \"Rotterdam\"",
     "merged.GM0505: 'Rotterdam' is not a CBS gemeente code like GM0363"),
    ("regions.toml", "# GM0000 = \"GM0001\"", "GM9001 = \"GM9002\"\nGM9002 = \"GM9001\"",
     "merged.GM9001: GM9001 merges back into itself"),
    ("regions.toml", "# GM0000 = \"GM0001\"", "GM0505 = \"GM0363\"",
     "merged.GM0505: GM0505 is in region rotterdam but merged into GM0363 of region "
     "amsterdam-amstelland"),
]


@pytest.mark.parametrize(("name", "old", "new", "reason"), BAD,
                         ids=[b[3].split(":")[0] for b in BAD])
def test_bad_file_is_refused_with_file_line_and_reason(alerts_dir, name, old, new, reason):
    line = edit(alerts_dir / name, old, new)
    with pytest.raises(ConfigFileError) as err:
        load_alert_config(alerts_dir)
    message = str(err.value)
    assert message.startswith(f"{alerts_dir / name}: line ")
    assert reason in message
    # the line named is the edited one (or, for a file-wide problem, within the edit)
    assert err.value.line in range(line, line + new.count("\n") + 1)


def test_a_merger_is_read_from_regions_toml(alerts_dir):
    edit(alerts_dir / "regions.toml", "# GM0000 = \"GM0001\"", "GM0505 = \"GM0599\"")
    regions = load_alert_config(alerts_dir).regions
    assert regions.merged_into == {"GM0505": "GM0599"}
    assert regions.town("GM0505") == "GM0599" and regions.region_of("GM0505") == "rotterdam"
    assert load_alert_config(ALERTS_DIR).regions.merged_into == {}  # the example merges none


def test_missing_rule_table_is_refused(alerts_dir):
    text = (alerts_dir / "rules.toml").read_text()
    cut = text.index("[defaults.network]")
    (alerts_dir / "rules.toml").write_text(text[:cut] + text[text.index("[regions.limburg"):])
    with pytest.raises(ConfigFileError, match=r"rules.toml: line \d+: defaults: missing table "
                                              r"\[defaults.network\]"):
        load_alert_config(alerts_dir)


def test_defaults_must_set_every_parameter(alerts_dir):
    edit(alerts_dir / "rules.toml", "within_days = 180\n", "")
    with pytest.raises(ConfigFileError,
                       match=r"defaults\.carousel: missing setting\(s\): within_days"):
        load_alert_config(alerts_dir)


def test_missing_file_is_named(alerts_dir):
    (alerts_dir / "regions.toml").unlink()
    with pytest.raises(ConfigFileError, match=r"regions.toml: file not found"):
        load_alert_config(alerts_dir)


def test_hub_does_not_start_with_a_bad_rules_file(tmp_path, pki, alerts_dir):
    edit(alerts_dir / "rules.toml", "min_persons = 3", "min_persons = 1")
    home = tmp_path / "hub"
    home.mkdir()
    with pytest.raises(ConfigFileError, match="min_persons: must be an integer from 2"):
        start_hub(HubConfig(home, "127.0.0.1:0", pki.tls("hub-hub"), alerts=alerts_dir))
    assert not (home / "hub.db").exists()  # refused before anything was opened


def hub_init(home: Path, pki, alerts_dir: Path) -> int:
    return cli.main(["hub", "init", "--home", str(home), "--ca", str(pki.root / "ca.pem"),
                     "--cert", str(pki.root / "hub-hub.pem"), "--key",
                     str(pki.root / "hub-hub.key"), "--alerts", str(alerts_dir)])


def test_hub_init_refuses_a_bad_configuration(tmp_path, pki, alerts_dir, capsys):
    line = edit(alerts_dir / "signals.toml", "weight = 2.0\nnl = \"afhankelijk",
                "weight = -2.0\nnl = \"afhankelijk")
    assert hub_init(tmp_path / "hub", pki, alerts_dir) == 1
    assert capsys.readouterr().err == (
        f"zichtlijn: {alerts_dir / 'signals.toml'}: line {line}: "
        "signals.transport_dependent.weight: must be a number from 0 to 100\n")
    assert not (tmp_path / "hub" / "hub.toml").exists()


def test_hub_serve_reports_a_bad_rules_file_in_one_line(tmp_path, pki, alerts_dir, capsys):
    home = tmp_path / "hub"
    assert hub_init(home, pki, alerts_dir) == 0
    line = edit(alerts_dir / "rules.toml", "threshold = 6.0", "threshold = 0")
    capsys.readouterr()
    # EX_CONFIG, which the service unit does not restart on: a restart cannot mend a file
    assert cli.main(["hub", "serve", "--home", str(home), "--listen", "127.0.0.1:0"]) == 78
    err = capsys.readouterr().err
    assert err == (f"zichtlijn: {alerts_dir / 'rules.toml'}: line {line}: "
                   "defaults.accumulation.threshold: must be more than 0\n")


def test_a_configuration_change_is_one_audit_entry(tmp_path, alerts_dir):
    store = HubStore(tmp_path / "hub.db")

    def start() -> list[dict]:
        AlertEngine(store, load_alert_config(alerts_dir), default_schema(), MatchPolicy())
        return [json.loads(e) for (e,) in store.db.execute("SELECT entry FROM audit_entries")]

    try:
        assert [e["action"] for e in start()] == ["alert_rules_loaded"]
        assert len(start()) == 1  # the same files again: nothing to record
        edit(alerts_dir / "rules.toml", "threshold = 6.0", "threshold = 7.0")
        entries = start()
        assert [e["action"] for e in entries] == ["alert_rules_loaded"] * 2
        assert entries[1]["config"] == load_alert_config(alerts_dir).digest
    finally:
        store.close()
