"""`zichtlijn keys reshare`: an epoch's secret split again for a new set of custodians.

A custodian leaves or shares were lost: K custodians of the current set rebuild the
secret and split it anew. The secret, its fingerprint and every node's key package
stay as they are; the shares of the old set no longer combine with the new ones.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from linkage.key_package import open_package
from tests.test_keys_cli import node_private_key, package_args, passphrase_files, run_ceremony
from zichtlijn import cli
from zichtlijn.keys_cli import TEST_KDF_ENV


@pytest.fixture()
def ceremony(tmp_path, monkeypatch, capsys) -> list[Path]:
    """The current set: epoch 1, 3-of-5, passphrases in tmp_path/phrases."""
    monkeypatch.setenv(TEST_KDF_ENV, "1")
    shares = run_ceremony(tmp_path, epoch=1)
    capsys.readouterr()
    return shares


def reshare_args(tmp_path: Path, old_shares: list[Path], indices, n: int, k: int,
                 out: str = "new-shares", names: list[str] | None = None) -> list[str]:
    """The current set's custodians `indices` hand in their shares; the new set's
    custodians' passphrases are in tmp_path/new-phrases/custodian-<i>.txt."""
    new_phrases = passphrase_files(tmp_path / "new-phrases", n)
    for i, phrase in enumerate(new_phrases, start=1):
        phrase.write_text(f"new passphrase of custodian {i}\n", "utf-8")
    args = ["keys", "reshare", "--epoch", "1", "--custodians", str(n), "--threshold", str(k),
            "--out", str(tmp_path / out),
            "--shares", *[str(old_shares[i - 1]) for i in indices]]
    for i in indices:
        args += ["--passphrase-file", str(tmp_path / "phrases" / f"custodian-{i}.txt")]
    for phrase in new_phrases:
        args += ["--new-passphrase-file", str(phrase)]
    for name in names or ():
        args += ["--custodian", name]
    return args


def new_set_package_args(tmp_path, pki, new_shares, indices, out):
    """package_args, with the new custodians' passphrases."""
    args = package_args(tmp_path, pki, new_shares, indices, out=out)
    return [a.replace(f"{tmp_path}/phrases/", f"{tmp_path}/new-phrases/") for a in args]


def package_keys(tmp_path: Path, pki, out: str) -> str:
    blob = (tmp_path / out / "GM0363-epoch1.keys").read_bytes()
    return open_package(blob, "GM0363", node_private_key(pki, "GM0363")).fingerprint()


def test_the_new_set_makes_the_same_packages_as_the_old(tmp_path, pki, ceremony, capsys):
    assert cli.main(package_args(tmp_path, pki, ceremony, (1, 2, 3), out="before")) == 0
    before = package_keys(tmp_path, pki, "before")
    old_header = json.loads(ceremony[0].read_bytes())
    capsys.readouterr()

    # custodian 5 leaves: the other four continue, any two of them enough
    names = ["A. de Vries", "B. Bakker", "C. Jansen", "D. Visser"]
    assert cli.main(reshare_args(tmp_path, ceremony, (2, 4, 1), n=4, k=2, names=names)) == 0
    out = capsys.readouterr().out
    new_shares = sorted((tmp_path / "new-shares").glob("*.share"))
    assert [p.name for p in new_shares] == [f"epoch1-share-{i}-of-4.share" for i in range(1, 5)]
    headers = [json.loads(p.read_bytes()) for p in new_shares]
    assert [h["custodian"] for h in headers] == names
    assert {(h["epoch"], h["threshold"], h["custodians"]) for h in headers} == {(1, 2, 4)}
    assert {h["secret_fingerprint"] for h in headers} == {old_header["secret_fingerprint"]}
    assert {h["ceremony"] for h in headers} != {old_header["ceremony"]}
    assert f"fingerprint {old_header['secret_fingerprint']}, unchanged" in out
    assert "destroys their old share file" in out

    for n, pair in enumerate(itertools.combinations(range(1, 5), 2)):
        assert cli.main(new_set_package_args(tmp_path, pki, new_shares, pair, f"p{n}")) == 0
        assert package_keys(tmp_path, pki, f"p{n}") == before


def test_a_share_of_the_old_set_does_not_combine_with_the_new(tmp_path, pki, ceremony,
                                                               capsys):
    assert cli.main(reshare_args(tmp_path, ceremony, (1, 2, 3), n=5, k=3)) == 0
    new_shares = sorted((tmp_path / "new-shares").glob("*.share"))
    capsys.readouterr()
    # the custodian who left kept old share 5; two new custodians cannot use it with theirs
    mixed = [new_shares[0], new_shares[1], ceremony[4]]
    assert cli.main(package_args(tmp_path, pki, mixed, (1, 2, 3))) == 1
    assert "come from different ceremonies for epoch 1" in capsys.readouterr().err
    assert not (tmp_path / "packages").exists()


def test_fewer_than_k_old_shares_are_refused_before_anyone_types(tmp_path, ceremony, capsys,
                                                                 monkeypatch):
    asked = []
    monkeypatch.setattr("zichtlijn.keys_cli._ask", lambda *a: asked.append(a) or "x" * 20)
    args = ["keys", "reshare", "--custodians", "3", "--threshold", "2",
            "--out", str(tmp_path / "new-shares"), "--shares", str(ceremony[0]),
            str(ceremony[1])]
    assert cli.main(args) == 1
    assert capsys.readouterr().err == (
        "zichtlijn: 3 shares of epoch 1 are needed (3 of 5), 2 given\n")
    assert asked == []
    assert not (tmp_path / "new-shares").exists()


def test_the_new_set_is_not_written_beside_the_old(tmp_path, ceremony, capsys):
    before = sorted(p.name for p in ceremony[0].parent.iterdir())
    args = reshare_args(tmp_path, ceremony, (1, 2, 3), n=4, k=2,
                        out=ceremony[0].parent.name)
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert "holds shares of the set being replaced" in err and err.count("\n") == 1
    assert sorted(p.name for p in ceremony[0].parent.iterdir()) == before


def test_a_short_new_passphrase_leaves_nothing_written(tmp_path, ceremony, capsys):
    args = reshare_args(tmp_path, ceremony, (1, 2, 3), n=3, k=2)
    (tmp_path / "new-phrases" / "custodian-2.txt").write_text("short\n", "utf-8")
    assert cli.main(args) == 1
    assert "passphrase of custodian-2: at least 12 characters" in capsys.readouterr().err
    assert not (tmp_path / "new-shares").exists()


def test_a_wrong_old_passphrase_is_refused_and_nothing_written(tmp_path, ceremony, capsys):
    args = reshare_args(tmp_path, ceremony, (1, 2, 3), n=3, k=2)
    (tmp_path / "phrases" / "custodian-3.txt").write_text("not the passphrase\n", "utf-8")
    assert cli.main(args) == 1
    assert "wrong passphrase for custodian 3" in capsys.readouterr().err
    assert not (tmp_path / "new-shares").exists()


def test_old_passphrase_files_without_new_ones_is_a_clear_error(tmp_path, ceremony, capsys):
    args = reshare_args(tmp_path, ceremony, (1, 2, 3), n=3, k=2)
    cut = args.index("--new-passphrase-file")
    assert cli.main(args[:cut]) == 1
    assert capsys.readouterr().err == (
        "zichtlijn: --passphrase-file given for the old shares but no --new-passphrase-file "
        "for the new custodians\n")
    assert not (tmp_path / "new-shares").exists()


def test_an_impossible_new_threshold_is_refused(tmp_path, ceremony, capsys):
    args = reshare_args(tmp_path, ceremony, (1, 2, 3), n=3, k=4)
    assert cli.main(args) == 1
    assert "need 2 <= threshold <= custodians" in capsys.readouterr().err
    assert not (tmp_path / "new-shares").exists()


def test_too_few_new_passphrase_files_are_named_as_such(tmp_path, ceremony, capsys):
    args = reshare_args(tmp_path, ceremony, (1, 2, 3), n=3, k=2)
    last = len(args) - 1 - args[::-1].index("--new-passphrase-file")
    assert cli.main(args[:last]) == 1
    assert capsys.readouterr().err.endswith(
        "\nzichtlijn: 2 --new-passphrase-file for 3 custodians\n")
    assert not (tmp_path / "new-shares").exists()
