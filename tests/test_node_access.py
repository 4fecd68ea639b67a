"""`node sightings --case-ref`: what a node holds of one case reference, for an AVG art. 15
request (the privacy officer's review: it could show date, UUID and synced only)."""

from __future__ import annotations

from tests.test_node_lock import _init
from zichtlijn import cli

ROWS = ("case_ref,observed_on,setting,licensed,signals,given_names,surname,date_of_birth,"
        "sex,phone,vehicle_plate\n"
        "ZAAK-7,2026-03-01,raam,nee,unlicensed;controller_present,Iulia,Zyxwvutsrqa,"
        "14-03-1998,v,06-12345678,\n"
        "ZAAK-7,2026-04-02,,,,Iulia,Zyxwvutsrqa,,,,12-ABC-3\n"
        "ZAAK-8,2026-03-05,hotel,ja,,Ana,Qwertyzxcv,02-02-1990,v,,\n")


def test_a_node_says_what_it_holds_of_one_case_reference(tmp_path, pki, secret_file, capsys):
    home = tmp_path / "node"
    assert cli.main(_init(home, pki, secret_file)) == 0
    (tmp_path / "controls.csv").write_text(ROWS)
    assert cli.main(["node", "import", "--home", str(home), str(tmp_path / "controls.csv")]) == 0
    capsys.readouterr()
    assert cli.main(["node", "sightings", "--home", str(home), "--case-ref", "ZAAK-7"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == ("control    ZAAK-7 of 2026-03-01: raam, not licensed, signal codes: "
                        "controller_present, unlicensed")
    assert ", not sent yet" in lines[1]
    assert lines[2].startswith("recorded   name, date of birth, sex, 1 phone (keyed")
    assert lines[3] == ("control    ZAAK-7 of 2026-04-02: setting not recorded, licence not "
                        "recorded, signal codes: none")
    assert lines[5].startswith("recorded   name, 1 vehicle plate (keyed")
    assert lines[-1].startswith("alerts     `zichtlijn node alerts`")
    # the other case reference is not hers, and nothing of her identity is shown
    assert "ZAAK-8" not in out and "hotel" not in out
    for value in ("Iulia", "Zyxwvutsrqa", "1998", "12345678", "ABC"):
        assert value not in out


def test_an_unknown_case_reference_is_one_line(tmp_path, pki, secret_file, capsys):
    home = tmp_path / "node"
    assert cli.main(_init(home, pki, secret_file)) == 0
    capsys.readouterr()
    assert cli.main(["node", "sightings", "--home", str(home), "--case-ref", "NOPE"]) == 1
    assert capsys.readouterr().err == ("zichtlijn: no sighting with case_ref 'NOPE' here "
                                       "(withdrawn, past retention, or never imported)\n")
