"""C2SP checkpoints, signed notes and cosignatures: interop vectors, forgery, malformed input."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from linkage.checkpoint import (
    SIG_COSIGNATURE_V1,
    SIG_ED25519,
    Checkpoint,
    CheckpointError,
    NoteSignature,
    SignedNote,
    Verifier,
    cosign,
    cosignature_message,
    key_id,
    open_checkpoint,
    sign_checkpoint,
    sign_note,
    verify_cosignature,
    verify_note,
)

DASH = "\u2014"

# golang.org/x/mod/sumdb/note example (note_test.go / package docs): Ed25519 is
# deterministic, so signing this text with this key must give the same bytes.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n" + DASH + " PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)

# transparency-dev/formats note tests: verifier keys of type 0x01 and 0x04.
PLUS_VKEY = "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6"
COSIGNER_VKEY = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"

# c2sp.org/tlog-cosignature example checkpoint with a log signature and a cosignature.
SPEC_NOTE = (
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    f"{DASH} example.com/behind-the-sofa "
    "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    f"{DASH} witness.example.com/w1 "
    "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
)

LOG = "zichtlijn.example/audit"
ROOT = hashlib.sha256(b"root").digest()


def _go_private_key() -> Ed25519PrivateKey:
    material = base64.b64decode(GO_SKEY.split("+", 4)[4])
    assert material[0] == SIG_ED25519
    return Ed25519PrivateKey.from_private_bytes(material[1:])


@pytest.fixture(scope="module")
def log_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def witness_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture()
def cp() -> Checkpoint:
    return Checkpoint(LOG, 1234, ROOT)


def _log_verifier(key: Ed25519PrivateKey) -> Verifier:
    return Verifier.from_key(LOG, key.public_key())


def _witness_verifier(key: Ed25519PrivateKey, name: str = "witness.example/w1") -> Verifier:
    return Verifier.from_key(name, key.public_key(), SIG_COSIGNATURE_V1)


# Interoperability with published vectors.


def test_go_signed_note_is_reproduced_byte_for_byte() -> None:
    sig = sign_note(GO_TEXT, "PeterNeumann", _go_private_key())
    assert SignedNote(GO_TEXT, (sig,)).to_text() == GO_NOTE
    note = SignedNote.from_text(GO_NOTE.encode())
    assert note.text == GO_TEXT
    assert verify_note(note, [Verifier.from_vkey(GO_VKEY)]) == ["PeterNeumann"]


def test_go_note_tampered_text_is_rejected() -> None:
    note = SignedNote.from_text(GO_NOTE.replace("cryptography", "cryptographY"))
    with pytest.raises(CheckpointError, match="invalid signature"):
        verify_note(note, [Verifier.from_vkey(GO_VKEY)])


@pytest.mark.parametrize(
    ("vkey", "sig_type"),
    [(GO_VKEY, SIG_ED25519), (PLUS_VKEY, SIG_ED25519), (COSIGNER_VKEY, SIG_COSIGNATURE_V1)],
)
def test_key_ids_match_published_verifier_keys(vkey: str, sig_type: int) -> None:
    name, hex_id, material = vkey.split("+", 2)
    raw = base64.b64decode(material)
    assert raw[0] == sig_type
    assert key_id(name, raw[1:], sig_type).hex() == hex_id
    verifier = Verifier.from_vkey(vkey)
    assert (verifier.name, verifier.sig_type, verifier.public_key) == (name, sig_type, raw[1:])
    assert verifier.to_vkey() == vkey


def test_key_id_accepts_key_objects_and_separates_types(log_key: Ed25519PrivateKey) -> None:
    pub = log_key.public_key()
    raw = pub.public_bytes_raw()
    assert key_id(LOG, pub) == key_id(LOG, raw)
    assert key_id(LOG, raw) == hashlib.sha256(LOG.encode() + b"\n\x01" + raw).digest()[:4]
    assert key_id(LOG, raw, SIG_COSIGNATURE_V1) != key_id(LOG, raw)


def test_spec_cosigned_checkpoint_parses() -> None:
    note = SignedNote.from_text(SPEC_NOTE)
    assert note.to_text() == SPEC_NOTE
    cp = note.checkpoint()
    assert (cp.origin, cp.size) == ("example.com/behind-the-sofa", 20852163)
    assert base64.b64encode(cp.root).decode() == "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
    log_sig, witness_sig = note.signatures
    assert len(log_sig.signature) == 64
    assert len(witness_sig.signature) == 72
    assert int.from_bytes(witness_sig.signature[:8], "big") == 1679315147
    with pytest.raises(CheckpointError, match="no valid signature"):
        verify_note(note, [Verifier.from_vkey(GO_VKEY)])


def test_cosignature_message_format() -> None:
    cp = Checkpoint.from_body(SPEC_NOTE.split("\n\n")[0] + "\n")
    assert cosignature_message(cp.body(), 1679315147) == (
        b"cosignature/v1\n"
        b"time 1679315147\n"
        b"example.com/behind-the-sofa\n"
        b"20852163\n"
        b"CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    )


# Checkpoint body.


def test_checkpoint_body_round_trip(cp: Checkpoint) -> None:
    body = cp.body()
    assert body == f"{LOG}\n1234\n{base64.b64encode(ROOT).decode()}\n".encode()
    assert Checkpoint.from_body(body) == cp
    assert Checkpoint.from_body(body.decode()) == cp
    empty = Checkpoint(LOG, 0, hashlib.sha256(b"").digest())
    assert empty.body().split(b"\n")[1] == b"0"
    assert Checkpoint.from_body(empty.body()) == empty


@given(
    origin=st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=40),
    size=st.integers(0, 2**64),
    root=st.binary(min_size=32, max_size=32),
)
def test_checkpoint_round_trip_property(origin: str, size: int, root: bytes) -> None:
    cp = Checkpoint(origin, size, root)
    assert Checkpoint.from_body(cp.body()) == cp


@pytest.mark.parametrize(
    ("origin", "size", "root"),
    [
        ("", 1, ROOT),
        ("a\nb", 1, ROOT),
        ("a\tb", 1, ROOT),
        (LOG, -1, ROOT),
        (LOG, True, ROOT),
        (LOG, 1, ROOT[:31]),
    ],
)
def test_checkpoint_rejects_bad_fields(origin: str, size: int, root: bytes) -> None:
    with pytest.raises(CheckpointError):
        Checkpoint(origin, size, root)


# Signing and verification.


def test_sign_round_trip_and_open(log_key: Ed25519PrivateKey, cp: Checkpoint) -> None:
    note = sign_checkpoint(cp, LOG, log_key)
    text = note.to_text()
    assert text.startswith(cp.body().decode() + "\n" + DASH + " " + LOG + " ")
    parsed = SignedNote.from_text(text)
    assert parsed == note
    assert verify_note(parsed, [_log_verifier(log_key)]) == [LOG]
    assert open_checkpoint(text, _log_verifier(log_key)) == cp


def test_forged_signature_rejected(log_key: Ed25519PrivateKey, cp: Checkpoint) -> None:
    note = sign_checkpoint(cp, LOG, log_key)
    sig = note.signatures[0]
    forged = SignedNote(
        note.text,
        (NoteSignature(sig.name, sig.key_id, bytes([sig.signature[0] ^ 1]) + sig.signature[1:]),),
    )
    with pytest.raises(CheckpointError, match="invalid signature"):
        verify_note(forged, [_log_verifier(log_key)])
    other = Checkpoint(LOG, cp.size + 1, cp.root)
    replayed = SignedNote(other.body().decode(), note.signatures)
    with pytest.raises(CheckpointError, match="invalid signature"):
        verify_note(replayed, [_log_verifier(log_key)])


def test_wrong_key_rejected(log_key: Ed25519PrivateKey, cp: Checkpoint) -> None:
    attacker = Ed25519PrivateKey.generate()
    note = sign_checkpoint(cp, LOG, attacker)
    with pytest.raises(CheckpointError, match="no valid signature"):
        verify_note(note, [_log_verifier(log_key)])
    sig = note.signatures[0]
    spoofed = SignedNote(
        note.text, (NoteSignature(LOG, _log_verifier(log_key).key_id, sig.signature),)
    )
    with pytest.raises(CheckpointError, match="invalid signature"):
        verify_note(spoofed, [_log_verifier(log_key)])


def test_unknown_signatures_are_ignored(log_key: Ed25519PrivateKey, cp: Checkpoint) -> None:
    note = sign_checkpoint(cp, LOG, log_key)
    stranger = sign_note(note.text, "stranger.example", Ed25519PrivateKey.generate())
    mixed = SignedNote.from_text(note.with_signatures(stranger).to_text())
    assert len(mixed.signatures) == 2
    assert verify_note(mixed, [_log_verifier(log_key)]) == [LOG]


def test_verifiers_must_be_unambiguous(log_key: Ed25519PrivateKey, cp: Checkpoint) -> None:
    note = sign_checkpoint(cp, LOG, log_key)
    with pytest.raises(CheckpointError, match="share name"):
        verify_note(note, [_log_verifier(log_key), _log_verifier(log_key)])


# Cosignatures.


def test_cosignature_round_trip(
    log_key: Ed25519PrivateKey, witness_key: Ed25519PrivateKey, cp: Checkpoint
) -> None:
    witness = _witness_verifier(witness_key)
    note = sign_checkpoint(cp, LOG, log_key)
    cosig = cosign(cp, witness.name, witness_key, 1_700_000_000)
    assert cosig.key_id == key_id(witness.name, witness_key.public_key(), SIG_COSIGNATURE_V1)
    assert cosig.signature[:8] == (1_700_000_000).to_bytes(8, "big")
    assert verify_cosignature(cp, cosig, witness) == 1_700_000_000

    witness_key.public_key().verify(
        cosig.signature[8:], cosignature_message(cp.body(), 1_700_000_000)
    )

    cosigned = SignedNote.from_text(note.with_signatures(cosig).to_text())
    assert verify_note(cosigned, [_log_verifier(log_key), witness]) == [LOG, witness.name]
    assert open_checkpoint(cosigned, _log_verifier(log_key), [witness], quorum=1) == cp


def test_cosignature_tampering_rejected(witness_key: Ed25519PrivateKey, cp: Checkpoint) -> None:
    witness = _witness_verifier(witness_key)
    cosig = cosign(cp, witness.name, witness_key, 1_700_000_000)
    later = (1_700_000_001).to_bytes(8, "big") + cosig.signature[8:]
    with pytest.raises(CheckpointError, match="invalid cosignature"):
        verify_cosignature(cp, NoteSignature(cosig.name, cosig.key_id, later), witness)
    with pytest.raises(CheckpointError, match="invalid cosignature"):
        verify_cosignature(Checkpoint(LOG, cp.size + 1, cp.root), cosig, witness)
    with pytest.raises(CheckpointError, match="not from cosigner"):
        verify_cosignature(cp, cosig, _witness_verifier(Ed25519PrivateKey.generate()))
    with pytest.raises(CheckpointError, match="not a cosignature key"):
        verify_cosignature(cp, cosig, Verifier.from_key(witness.name, witness_key.public_key()))
    plain = Verifier.from_key(witness.name, witness_key.public_key())
    with pytest.raises(CheckpointError, match="no valid signature"):
        verify_note(SignedNote(cp.body().decode(), (cosig,)), [plain])


def test_cosignature_replaces_older_one(witness_key: Ed25519PrivateKey, cp: Checkpoint) -> None:
    witness = _witness_verifier(witness_key)
    first = cosign(cp, witness.name, witness_key, 100)
    second = cosign(cp, witness.name, witness_key, 200)
    note = SignedNote(cp.body().decode(), (first,)).with_signatures(second)
    assert note.signatures == (second,)


def test_cosign_rejects_bad_timestamps(witness_key: Ed25519PrivateKey, cp: Checkpoint) -> None:
    for bad in (-1, 2**63):
        with pytest.raises(CheckpointError, match="timestamp"):
            cosign(cp, "w", witness_key, bad)


def test_open_checkpoint_policy(
    log_key: Ed25519PrivateKey, witness_key: Ed25519PrivateKey, cp: Checkpoint
) -> None:
    witness = _witness_verifier(witness_key)
    cosig = cosign(cp, witness.name, witness_key, 5)
    only_witness = SignedNote(cp.body().decode(), (cosig,))
    with pytest.raises(CheckpointError, match="not signed by log key"):
        open_checkpoint(only_witness, _log_verifier(log_key), [witness])
    note = sign_checkpoint(cp, LOG, log_key)
    with pytest.raises(CheckpointError, match="0 of 1 witness"):
        open_checkpoint(note, _log_verifier(log_key), [witness], quorum=1)
    impostor = Verifier.from_key(LOG, witness_key.public_key(), SIG_COSIGNATURE_V1)
    with pytest.raises(CheckpointError, match="log's own name"):
        open_checkpoint(note, _log_verifier(log_key), [impostor])
    elsewhere = Checkpoint("other.example/log", cp.size, cp.root)
    foreign = sign_checkpoint(elsewhere, LOG, log_key)
    with pytest.raises(CheckpointError, match="origin"):
        open_checkpoint(foreign, _log_verifier(log_key))


# Malformed input.

GOOD_LINE = GO_NOTE.split("\n\n")[1]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(GO_TEXT, id="no-blank-line"),
        pytest.param(GO_TEXT + "\n", id="no-signatures"),
        pytest.param(GO_NOTE.rstrip("\n"), id="no-final-newline"),
        pytest.param(GO_NOTE + "\n", id="trailing-blank-line"),
        pytest.param(GO_NOTE.replace(DASH, "--"), id="ascii-dash"),
        pytest.param(GO_NOTE.replace("PeterNeumann ", "Peter+Neumann "), id="plus-in-name"),
        pytest.param(GO_NOTE.replace("PeterNeumann ", "Peter Neumann "), id="space-in-name"),
        pytest.param(GO_NOTE.replace("x08go/", "x08go!"), id="bad-base64"),
        pytest.param(GO_NOTE.replace("JnAM=", "JnAN="), id="non-canonical-base64"),
        pytest.param(GO_TEXT + "\n" + DASH + " PeterNeumann AAAA\n", id="signature-too-short"),
        pytest.param(GO_NOTE.replace("problem,", "problem,\t"), id="control-character"),
        pytest.param(GO_NOTE.replace("\n", "\r\n"), id="crlf"),
        pytest.param(GO_TEXT + "\n" + GOOD_LINE * 101, id="too-many-signatures"),
        pytest.param(GO_NOTE.encode()[:-60] + b"\xff\n", id="invalid-utf8"),
    ],
)
def test_malformed_notes_raise_one_line_errors(text: str | bytes) -> None:
    with pytest.raises(CheckpointError) as excinfo:
        SignedNote.from_text(text)
    assert "\n" not in str(excinfo.value)
    assert isinstance(excinfo.value, ValueError)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(f"{LOG}\n1\n", id="two-lines"),
        pytest.param(f"{LOG}\n1\n{base64.b64encode(ROOT).decode()}\nextra\n", id="extension"),
        pytest.param(f"{LOG}\n01\n{base64.b64encode(ROOT).decode()}\n", id="leading-zero"),
        pytest.param(f"{LOG}\n+1\n{base64.b64encode(ROOT).decode()}\n", id="signed-size"),
        pytest.param(f"{LOG}\n\u0661\n{base64.b64encode(ROOT).decode()}\n", id="arabic-digit"),
        pytest.param(f"{LOG}\n1\n{base64.b64encode(ROOT[:16]).decode()}\n", id="short-root"),
        pytest.param(f"{LOG}\n1\n{base64.b64encode(ROOT).decode()}", id="no-newline"),
        pytest.param(f"\n1\n{base64.b64encode(ROOT).decode()}\n", id="empty-origin"),
    ],
)
def test_malformed_checkpoint_bodies(body: str) -> None:
    with pytest.raises(CheckpointError) as excinfo:
        Checkpoint.from_body(body)
    assert "\n" not in str(excinfo.value)


@pytest.mark.parametrize(
    "vkey",
    [
        GO_VKEY.replace("c74f20a3", "c74f20a4"),
        GO_VKEY.replace("+ARpc", "+BRpc"),
        GO_VKEY.replace("+ARpc", "+CRpc"),
        "PeterNeumann+c74f20a3",
        "PeterNeumann+zz+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        GO_VKEY[:-4],
    ],
)
def test_malformed_vkeys(vkey: str) -> None:
    with pytest.raises(CheckpointError):
        Verifier.from_vkey(vkey)


def test_signing_rejects_bad_names_and_text(log_key: Ed25519PrivateKey, cp: Checkpoint) -> None:
    with pytest.raises(CheckpointError):
        sign_checkpoint(cp, "", log_key)
    with pytest.raises(CheckpointError):
        sign_checkpoint(cp, "a b", log_key)
    with pytest.raises(CheckpointError):
        sign_note("no newline", LOG, log_key)
    with pytest.raises(CheckpointError):
        SignedNote(cp.body().decode()).to_text()
