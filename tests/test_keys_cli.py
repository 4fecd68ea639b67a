"""`zichtlijn keys ceremony` and `zichtlijn keys package` as custodians run them."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from linkage.key_package import open_package
from zichtlijn import cli
from zichtlijn.keys_cli import TEST_KDF_ENV


@pytest.fixture()
def test_kdf(monkeypatch):
    monkeypatch.setenv(TEST_KDF_ENV, "1")


def passphrase_files(root: Path, count: int) -> list[Path]:
    root.mkdir(exist_ok=True)
    files = []
    for i in range(1, count + 1):
        path = root / f"custodian-{i}.txt"
        path.write_text(f"demo passphrase of custodian {i}\n", "utf-8")
        path.chmod(0o600)
        files.append(path)
    return files


def run_ceremony(tmp_path: Path, epoch: int, n: int = 5, k: int = 3) -> list[Path]:
    phrases = passphrase_files(tmp_path / "phrases", n)
    out = tmp_path / f"shares-{epoch}"
    args = ["keys", "ceremony", "--custodians", str(n), "--threshold", str(k),
            "--epoch", str(epoch), "--out", str(out)]
    for phrase in phrases:
        args += ["--passphrase-file", str(phrase)]
    assert cli.main(args) == 0
    return sorted(out.glob("*.share"))


def package_args(tmp_path, pki, shares, indices, node="GM0363", cert=None, out="packages"):
    phrases = tmp_path / "phrases"
    args = ["keys", "package", "--ca", str(pki.root / "ca.pem"), "--node", node,
            "--cert", str(cert or pki.root / f"node-{node}.pem"), "--out", str(tmp_path / out),
            "--shares", *[str(shares[i - 1]) for i in indices]]
    for i in indices:
        args += ["--passphrase-file", str(phrases / f"custodian-{i}.txt")]
    return args


def node_private_key(pki, node):
    return serialization.load_pem_private_key((pki.root / f"node-{node}.key").read_bytes(), None)


@pytest.fixture()
def ceremony(tmp_path, test_kdf, capsys) -> list[Path]:
    shares = run_ceremony(tmp_path, epoch=1)
    capsys.readouterr()
    return shares


def test_ceremony_writes_n_sealed_shares_and_no_secret(tmp_path, test_kdf, capsys):
    shares = run_ceremony(tmp_path, epoch=7)
    out = capsys.readouterr()
    assert [p.name for p in shares] == [f"epoch7-share-{i}-of-5.share" for i in range(1, 6)]
    headers = [json.loads(p.read_bytes()) for p in shares]
    assert {(h["epoch"], h["threshold"], h["custodians"]) for h in headers} == {(7, 3, 5)}
    assert sorted(h["index"] for h in headers) == [1, 2, 3, 4, 5]
    assert len({h["secret_fingerprint"] for h in headers}) == 1
    assert headers[0]["secret_fingerprint"] in out.out
    assert all(os.stat(p).st_mode & 0o077 == 0 for p in shares)
    assert sorted(p.name for p in shares[0].parent.iterdir()) == [p.name for p in shares]
    assert "test-strength" in out.err


def test_every_three_of_five_make_the_same_package_keys(tmp_path, pki, ceremony, capsys):
    fingerprints = set()
    for n, trio in enumerate(itertools.combinations(range(1, 6), 3)):
        assert cli.main(package_args(tmp_path, pki, ceremony, trio, out=f"p{n}")) == 0
        blob = (tmp_path / f"p{n}" / "GM0363-epoch1.keys").read_bytes()
        keys = open_package(blob, "GM0363", node_private_key(pki, "GM0363"))
        fingerprints.add(keys.fingerprint())
    assert len(fingerprints) == 1
    assert fingerprints.pop() in capsys.readouterr().out


def test_any_two_of_five_are_refused(tmp_path, pki, ceremony, capsys):
    for pair in itertools.combinations(range(1, 6), 2):
        assert cli.main(package_args(tmp_path, pki, ceremony, pair)) == 1
        assert capsys.readouterr().err == (
            "zichtlijn: 3 shares of epoch 1 are needed (3 of 5), 2 given\n")
    assert not (tmp_path / "packages").exists()


def test_tampered_share_is_refused(tmp_path, pki, ceremony, capsys):
    document = json.loads(ceremony[1].read_bytes())
    flipped = int(document["ciphertext"][:2], 16) ^ 0xFF  # "00" was no change 1 time in 256
    document["ciphertext"] = f"{flipped:02x}" + document["ciphertext"][2:]
    ceremony[1].write_text(json.dumps(document), "utf-8")
    assert cli.main(package_args(tmp_path, pki, ceremony, (1, 2, 3))) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"zichtlijn: {ceremony[1]}: share file was altered or damaged")
    assert err.endswith("; leave this share out and use another custodian's\n")
    assert err.count("\n") == 1
    assert not (tmp_path / "packages").exists()


def _flip_ciphertext(document: dict) -> None:
    flipped = "0" if document["ciphertext"][7] != "0" else "1"  # one hex character
    document["ciphertext"] = document["ciphertext"][:7] + flipped + document["ciphertext"][8:]


def _rename_custodian(document: dict) -> None:
    document["custodian"] = "Mallory"


def _other_index(document: dict) -> None:
    document["index"] = 5


@pytest.mark.parametrize("tamper", [_flip_ciphertext, _rename_custodian, _other_index])
def test_a_damaged_share_stops_at_once_and_its_header_is_not_shown_as_fact(
        tmp_path, pki, ceremony, monkeypatch, capsys, tamper):
    """Damage is no mistyped passphrase: the custodian is not asked three times, and the
    prompt does not present a header no one has checked yet as the custodian's."""
    document = json.loads(ceremony[1].read_bytes())
    tamper(document)
    ceremony[1].write_text(json.dumps(document), "utf-8")
    prompts = typed(monkeypatch, [f"demo passphrase of custodian {i}" for i in (1, 2, 2, 2, 3)])
    assert cli.main(["keys", "package", "--ca", str(pki.root / "ca.pem"), "--node", "GM0363",
                     "--cert", str(pki.root / "node-GM0363.pem"), "--out",
                     str(tmp_path / "packages"), "--shares", *map(str, ceremony[:3])]) == 1
    err = capsys.readouterr().err
    assert err == (f"zichtlijn: {ceremony[1]}: share file was altered or damaged (its content "
                   "does not match its seal); leave this share out and use another "
                   "custodian's\n")
    assert len(prompts) == 2  # the second custodian typed once
    header = f"custodian {document['index']} of 5, {document['custodian']}"
    assert prompts[1] == f"passphrase of share file {ceremony[1]} (unverified header: {header}): "
    assert not (tmp_path / "packages").exists()


def test_share_of_another_epoch_is_refused(tmp_path, pki, ceremony, capsys):
    other = run_ceremony(tmp_path, epoch=2)
    capsys.readouterr()
    mixed = [ceremony[0], ceremony[1], other[2]]
    assert cli.main(package_args(tmp_path, pki, mixed, (1, 2, 3))) == 1
    assert capsys.readouterr().err == (
        f"zichtlijn: {other[2]} is a share of epoch 2, {ceremony[0]} of epoch 1\n")


def test_wrong_passphrase_is_refused(tmp_path, pki, ceremony, capsys):
    args = package_args(tmp_path, pki, ceremony, (1, 2, 3))
    args[-1] = str(tmp_path / "phrases" / "custodian-4.txt")
    assert cli.main(args) == 1
    assert "wrong passphrase for custodian 3" in capsys.readouterr().err


def test_certificate_of_another_node_is_refused(tmp_path, pki, ceremony, capsys):
    args = package_args(tmp_path, pki, ceremony, (1, 2, 3), cert=pki.root / "node-GM0599.pem")
    assert cli.main(args) == 1
    assert "certificate is for node:GM0599, not node:GM0363" in capsys.readouterr().err


def test_certificate_from_another_ca_is_refused(tmp_path, pki, foreign_pki, ceremony, capsys):
    args = package_args(tmp_path, pki, ceremony, (1, 2, 3),
                        cert=foreign_pki.root / "node-GM0363.pem")
    assert cli.main(args) == 1
    assert "not issued by the given --ca" in capsys.readouterr().err


def test_package_opens_only_for_its_node(tmp_path, pki, ceremony):
    assert cli.main(package_args(tmp_path, pki, ceremony, (2, 4, 5))) == 0
    blob = (tmp_path / "packages" / "GM0363-epoch1.keys").read_bytes()
    assert open_package(blob, "GM0363", node_private_key(pki, "GM0363")).epoch == 1
    from linkage.key_package import KeyPackageError

    with pytest.raises(KeyPackageError):
        open_package(blob, "GM0599", node_private_key(pki, "GM0599"))


def test_test_strength_shares_are_refused_outside_tests(tmp_path, pki, ceremony, monkeypatch,
                                                       capsys):
    monkeypatch.delenv(TEST_KDF_ENV)
    assert cli.main(package_args(tmp_path, pki, ceremony, (1, 2, 3))) == 1
    assert "test-strength" in capsys.readouterr().err


def test_short_passphrase_is_refused_before_anything_is_written(tmp_path, test_kdf, capsys):
    phrases = passphrase_files(tmp_path / "phrases", 3)
    phrases[1].write_text("short\n", "utf-8")
    args = ["keys", "ceremony", "--custodians", "3", "--threshold", "2", "--epoch", "1",
            "--out", str(tmp_path / "out")]
    for phrase in phrases:
        args += ["--passphrase-file", str(phrase)]
    assert cli.main(args) == 1
    assert "passphrase of custodian-2: at least 12 characters" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("n", "k", "says"), [("3", "4", "threshold"), ("3", "1", "threshold")])
def test_impossible_threshold_is_refused_before_any_passphrase_is_asked(
        tmp_path, test_kdf, capsys, monkeypatch, n, k, says):
    asked = []
    monkeypatch.setattr("zichtlijn.keys_cli._ask", lambda *a: asked.append(a) or "x" * 20)
    args = ["keys", "ceremony", "--custodians", n, "--threshold", k, "--epoch", "1",
            "--out", str(tmp_path / "out")]
    assert cli.main(args) == 1
    assert asked == []
    assert says in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_existing_shares_are_never_overwritten(tmp_path, ceremony, capsys):
    before = [p.read_bytes() for p in ceremony]
    args = ["keys", "ceremony", "--custodians", "5", "--threshold", "3", "--epoch", "1",
            "--out", str(ceremony[0].parent)]
    for i in range(1, 6):
        args += ["--passphrase-file", str(tmp_path / "phrases" / f"custodian-{i}.txt")]
    assert cli.main(args) == 1
    assert "refusing to overwrite" in capsys.readouterr().err
    assert [p.read_bytes() for p in ceremony] == before


def test_no_terminal_and_no_passphrase_files_is_a_clear_error(tmp_path, test_kdf, capsys,
                                                             monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    args = ["keys", "ceremony", "--custodians", "3", "--threshold", "2", "--epoch", "1",
            "--out", str(tmp_path / "out")]
    assert cli.main(args) == 1
    assert "no terminal to ask for passphrases" in capsys.readouterr().err


def typed(monkeypatch, answers: list[str]) -> list[str]:
    """A terminal whose custodians type `answers` in turn; the prompts they saw."""
    import getpass

    prompts: list[str] = []
    queue = iter(answers)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)

    def answer(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(queue)

    monkeypatch.setattr(getpass, "getpass", answer)
    return prompts


def test_a_custodian_retypes_a_short_or_wrong_passphrase_at_once(tmp_path, pki, test_kdf,
                                                                monkeypatch, capsys):
    # five custodians need not start over for the fourth one's slip
    good = [f"passphrase of custodian {i} at the table" for i in (1, 2)]
    # a short one is refused before the second typing, as the README says
    prompts = typed(monkeypatch, ["short", good[0], good[0], good[1], "other",
                                  good[1], good[1]])
    out = tmp_path / "shares"
    assert cli.main(["keys", "ceremony", "--custodians", "2", "--threshold", "2",
                     "--epoch", "1", "--out", str(out)]) == 0
    minutes, err = capsys.readouterr()
    fingerprint = minutes.split("(fingerprint ")[1].split(")")[0]
    assert "at least 12 characters needed; once more" in err
    assert "the two differ; once more" in err
    assert sum(p.startswith("passphrase of custodian-1") for p in prompts) == 2
    assert prompts[:2] == ["passphrase of custodian-1: "] * 2
    shares = sorted(out.glob("*.share"))
    # packaging: the second share's holder mistypes once
    typed(monkeypatch, [good[0], "not mine at all, sorry", good[1]])
    assert cli.main(["keys", "package", "--ca", str(pki.root / "ca.pem"), "--node", "GM0363",
                     "--cert", str(pki.root / "node-GM0363.pem"), "--out",
                     str(tmp_path / "packages"), "--shares", *map(str, shares)]) == 0
    shown = capsys.readouterr()
    assert "; once more" in shown.err
    assert (f"key package for GM0363, epoch 1 (secret {fingerprint}, as the ceremony's "
            "minutes; keys ") in shown.out


def test_a_share_whose_salt_was_edited_says_so_after_three_right_passphrases(
        tmp_path, pki, ceremony, monkeypatch, capsys):
    """The salt and passphrase check make the key that opens the seal, so an edit to them
    reads as a wrong passphrase; a custodian who typed theirs right three times is told
    that the file, not the typing, is at fault."""
    document = json.loads(ceremony[1].read_bytes())
    salt = document["kdf"]["salt"]
    document["kdf"]["salt"] = ("1" if salt[0] == "0" else "0") + salt[1:]
    ceremony[1].write_text(json.dumps(document), "utf-8")
    right = [f"demo passphrase of custodian {i}" for i in (1, 2, 3)]
    typed(monkeypatch, [right[0], right[1], right[1], right[1]])
    args = package_args(tmp_path, pki, ceremony, (1, 2, 3))
    args = args[:args.index("--passphrase-file")]
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert err.count("wrong passphrase for custodian 2") == 3
    assert err.rstrip("\n").endswith(
        "not accepted after 3 attempts; nothing was written; a custodian sure of the "
        "passphrase holds a share file whose salt or passphrase check was altered: leave "
        "that share out and use another custodian's")
    assert not (tmp_path / "packages").exists()


def rsa_node_certificate(tmp_path: Path, node: str) -> tuple[Path, Path]:
    """(ca.pem, certificate) of a CA that issued `node` an RSA certificate."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    from zichtlijn.pki import DevCA

    ca = DevCA.create("an RSA-issuing CA")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, node)]))
            .issuer_name(ca.cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName(
                [x509.UniformResourceIdentifier(f"zichtlijn://node/{node}")]), critical=False)
            .sign(ca.key, hashes.SHA256()))
    (tmp_path / "rsa-ca.pem").write_bytes(ca.cert_pem)
    (tmp_path / "rsa-node.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return tmp_path / "rsa-ca.pem", tmp_path / "rsa-node.pem"


def test_an_rsa_certificate_is_refused_before_any_custodian_types(tmp_path, pki, ceremony,
                                                                  monkeypatch, capsys):
    ca, rsa_cert = rsa_node_certificate(tmp_path, "GM0344")
    (tmp_path / "both.pem").write_bytes((pki.root / "ca.pem").read_bytes() + ca.read_bytes())
    prompts = typed(monkeypatch, [f"demo passphrase of custodian {i}" for i in (1, 2, 3)])
    out = tmp_path / "new" / "packages"
    # the RSA certificate comes second: the first node's is fine
    assert cli.main(["keys", "package", "--ca", str(tmp_path / "both.pem"),
                     "--node", "GM0363", "--cert", str(pki.root / "node-GM0363.pem"),
                     "--node", "GM0344", "--cert", str(rsa_cert), "--out", str(out),
                     "--shares", *map(str, ceremony[:3])]) == 1
    err = capsys.readouterr().err
    assert err == (f"zichtlijn: {rsa_cert}: certificate of GM0344 has no EC key; key packages "
                   "need an EC key (P-256), so ask the CA for one\n")
    assert prompts == []
    assert not (tmp_path / "new").exists()


def two_packages_args(tmp_path, pki, ceremony) -> list[str]:
    """Packages for GM0363 and GM0599 into a directory `new/packages` not there yet."""
    args = package_args(tmp_path, pki, ceremony, (1, 2, 3), out="new/packages")
    args[args.index("--out"):args.index("--out")] = [
        "--node", "GM0599", "--cert", str(pki.root / "node-GM0599.pem")]
    return args


def test_a_package_that_cannot_be_sealed_leaves_no_package_and_no_directory(
        tmp_path, pki, ceremony, monkeypatch, capsys):
    from linkage.key_package import KeyPackageError
    from zichtlijn import keys_cli

    real, sealed = keys_cli.seal_package, []

    def fails_second(*args, **kwargs):
        if sealed:
            raise KeyPackageError("sealing failed")
        sealed.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(keys_cli, "seal_package", fails_second)
    assert cli.main(two_packages_args(tmp_path, pki, ceremony)) == 1
    assert "sealing failed" in capsys.readouterr().err
    assert sealed == ["GM0363"]  # every package is sealed before the first is written
    assert not (tmp_path / "new").exists()


def test_a_package_that_cannot_be_written_takes_back_those_written(
        tmp_path, pki, ceremony, monkeypatch, capsys):
    from zichtlijn import keys_cli

    real, written = keys_cli._write_private, []

    def fails_second(path, data):
        if written:
            raise keys_cli.CliError(f"{path}: disk full")
        real(path, data)
        written.append(path)

    monkeypatch.setattr(keys_cli, "_write_private", fails_second)
    assert cli.main(two_packages_args(tmp_path, pki, ceremony)) == 1
    assert "disk full" in capsys.readouterr().err
    assert [p.name for p in written] == ["GM0363-epoch1.keys"]  # written, and gone again
    assert not (tmp_path / "new").exists()


def test_a_passphrase_file_others_can_read_is_warned_of(tmp_path, test_kdf, capsys):
    phrases = passphrase_files(tmp_path / "phrases", 2)
    phrases[1].chmod(0o644)
    assert cli.main(["keys", "ceremony", "--custodians", "2", "--threshold", "2", "--epoch",
                     "1", "--out", str(tmp_path / "shares"), "--passphrase-file",
                     str(phrases[0]), "--passphrase-file", str(phrases[1])]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert warnings == [f"zichtlijn: warning: {phrases[1]}: passphrase file readable by "
                        "others (mode 644); chmod 600 it"]


def test_keys_package_usage_says_cert_is_required(capsys):
    with pytest.raises(SystemExit):
        cli.main(["keys", "package", "--help"])
    usage = " ".join(capsys.readouterr().out.split())
    assert "--cert PEM" in usage and "[--cert PEM]" not in usage
