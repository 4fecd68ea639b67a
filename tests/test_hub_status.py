"""`zichtlijn hub status`: what the hub holds and how it links, for the operator."""

from __future__ import annotations

from tests.linker_support import log_removal
from tests.test_name_rise import START, stepped_hub
from zichtlijn import cli


def status(capsys, home) -> dict[str, str]:
    capsys.readouterr()
    assert cli.main(["hub", "status", "--home", str(home)]) == 0
    lines = capsys.readouterr().out.splitlines()
    return {line[:13].strip(): line[13:] for line in lines}


def test_a_new_hub_says_it_holds_nothing_and_has_not_stepped(hub_home, capsys):
    shown = status(capsys, hub_home)
    assert shown["sightings"] == "0 held, 0 not linked yet; 0 persons"
    assert shown["threshold"].startswith(f"{START} (automatic: starts at {START}, risen 0.0")
    assert shown["name counts"].startswith("not counted")
    assert shown["last relink"] == "never"
    assert shown["settings"].endswith("no links yet")


def test_a_stepped_hub_says_how_far_it_rose_and_when_it_counts_its_names_again(
        hub_home, capsys):
    store, linker, _ = stepped_hub(hub_home)  # 31 sightings; steps by 2 at 20 persons
    shown = status(capsys, hub_home)
    assert shown["sightings"] == "31 held, 0 not linked yet; 31 persons"
    assert shown["threshold"].startswith(f"{START + 2.0} (automatic: starts at {START}, "
                                         "risen 2.0")
    assert shown["name counts"] == ("1 name(s) borne by more than the fitted namesakes, key "
                                    "epoch(s) 1; counted on 31 sightings, 31 still held "
                                    "(counted again below 50%)")
    assert shown["last relink"].endswith(f"by hub:hub: the threshold stepped to {START + 2.0}")
    assert shown["settings"].endswith("as this release links")

    with store.lock:
        seqs = [seq for (seq,) in store.db.execute("SELECT seq FROM sightings ORDER BY seq")]
    linker.remove(seqs[:16], log_removal)
    assert "15 still held" in status(capsys, hub_home)["name counts"]
    linker.link_pending()
    store.close()
    shown = status(capsys, hub_home)
    assert shown["last relink"].endswith("by hub:hub: fewer than 50% of the sightings the "
                                         "names were counted on are still held")
    assert "counted on 15 sightings, 15 still held" in shown["name counts"]


def test_a_fixed_threshold_is_shown_as_fixed(hub_home, capsys):
    path = hub_home / "hub.toml"
    path.write_text(path.read_text().replace('threshold = "auto"', "threshold = 4"))
    shown = status(capsys, hub_home)
    assert shown["threshold"] == "4.0 (fixed in hub.toml, paid by every pair)"
    assert "name counts" not in shown


def test_a_hub_that_rose_before_names_were_counted_says_how_to_count_them(hub_home, capsys):
    store, _, _ = stepped_hub(hub_home)
    with store.transaction() as conn:  # as a release before the counts left it
        conn.execute("DELETE FROM name_count_epochs")
    store.close()
    assert status(capsys, hub_home)["name counts"].endswith(
        "every pair pays the whole rise until `zichtlijn hub relink` counts them")
