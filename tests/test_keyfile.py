"""The linkage-secret file of `zichtlijn keys new`."""

from __future__ import annotations

import stat

import pytest

from linkage.keys import SECRET_BYTES, derive_purpose_keys
from zichtlijn.keyfile import KeyFileError, load_purpose_keys, write_new_secret


def test_a_new_secret_is_random_private_and_never_written_over(tmp_path):
    first, second = tmp_path / "a.key", tmp_path / "b.key"
    write_new_secret(first, epoch=3)
    write_new_secret(second, epoch=3)
    assert load_purpose_keys(first) != load_purpose_keys(second)
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    before = first.read_bytes()
    with pytest.raises(KeyFileError, match="exists already"):
        write_new_secret(first)
    assert first.read_bytes() == before


def test_a_given_secret_is_written_as_given_and_must_have_its_length(tmp_path):
    secret = bytes(range(SECRET_BYTES))
    write_new_secret(tmp_path / "given.key", epoch=2, secret=secret)
    assert load_purpose_keys(tmp_path / "given.key") == derive_purpose_keys(secret, 2)
    with pytest.raises(KeyFileError, match=f"is {SECRET_BYTES} bytes, not 16"):
        write_new_secret(tmp_path / "short.key", secret=secret[:16])
    assert not (tmp_path / "short.key").exists()
