"""Shamir k-of-n shares of the linkage secret, sealed under custodians' passphrases."""

from __future__ import annotations

import itertools
import json
import secrets

import pytest

from linkage.shares import (
    CEREMONY_COST,
    TEST_COST,
    Share,
    ShareError,
    check_headers,
    combine_shares,
    open_share,
    read_header,
    seal_share,
    secret_fingerprint,
    split_secret,
)

SECRET = bytes(range(32))


@pytest.fixture(scope="module")
def shares_3_of_5() -> list[Share]:
    return split_secret(SECRET, epoch=4, threshold=3, custodians=5)


def test_every_three_of_five_rebuild_the_secret(shares_3_of_5):
    for trio in itertools.combinations(shares_3_of_5, 3):
        assert combine_shares(trio) == SECRET


def test_any_two_of_five_are_refused(shares_3_of_5):
    for pair in itertools.combinations(shares_3_of_5, 2):
        with pytest.raises(ShareError, match="3 shares of epoch 4 are needed"):
            combine_shares(pair)


def test_two_shares_interpolate_to_something_else(shares_3_of_5):
    """Why the count check matters: Shamir itself silently returns garbage below k."""
    from linkage.shares import _combine

    assert _combine(shares_3_of_5[:2]) != SECRET


def test_more_than_k_shares_also_rebuild(shares_3_of_5):
    assert combine_shares(shares_3_of_5) == SECRET
    assert combine_shares(list(reversed(shares_3_of_5[1:]))) == SECRET


def test_both_halves_are_shared(shares_3_of_5):
    """Each share is two 16-byte points; neither half of the secret appears in any share."""
    for share in shares_3_of_5:
        assert len(share.value) == 32
        assert SECRET[:16] not in share.value and SECRET[16:] not in share.value


def test_fresh_polynomials_each_split():
    a = split_secret(SECRET, 1, 2, 3)
    b = split_secret(SECRET, 1, 2, 3)
    assert [s.value for s in a] != [s.value for s in b]
    assert a[0].header.ceremony != b[0].header.ceremony
    assert a[0].header.secret_fingerprint == b[0].header.secret_fingerprint


def test_share_altered_by_its_holder_is_named(shares_3_of_5):
    """A share whose value was changed (it still opens for its holder) does not fit."""
    bad = Share(shares_3_of_5[1].header, bytes(32))
    with pytest.raises(ShareError, match="do not rebuild the secret"):
        combine_shares([shares_3_of_5[0], bad, shares_3_of_5[2]])
    names = ["a", "b", "c", "d"]
    with pytest.raises(ShareError, match=r"^b does not fit the other shares"):
        combine_shares([shares_3_of_5[0], bad, shares_3_of_5[2], shares_3_of_5[3]], names)
    bad_fourth = Share(shares_3_of_5[3].header, bytes(32))
    with pytest.raises(ShareError, match=r"^d does not fit the other shares"):
        combine_shares([*shares_3_of_5[:3], bad_fourth], names)


def test_shares_of_another_epoch_or_ceremony_are_refused(shares_3_of_5):
    other_epoch = split_secret(SECRET, epoch=5, threshold=3, custodians=5)
    with pytest.raises(ShareError, match="share 2 is a share of epoch 5, share 1 of epoch 4"):
        combine_shares([shares_3_of_5[0], other_epoch[1], shares_3_of_5[2]])
    again = split_secret(secrets.token_bytes(32), epoch=4, threshold=3, custodians=5)
    with pytest.raises(ShareError, match="different ceremonies"):
        combine_shares([shares_3_of_5[0], again[1], shares_3_of_5[2]])


def test_the_same_share_twice_is_refused(shares_3_of_5):
    with pytest.raises(ShareError, match="are the same share"):
        combine_shares([shares_3_of_5[0], shares_3_of_5[0], shares_3_of_5[1]])


def test_expected_epoch_is_checked(shares_3_of_5):
    headers = [s.header for s in shares_3_of_5[:3]]
    assert check_headers(headers, ["a", "b", "c"], epoch=4).threshold == 3
    with pytest.raises(ShareError, match=r"^a is a share of epoch 4, not epoch 5$"):
        check_headers(headers, ["a", "b", "c"], epoch=5)


@pytest.mark.parametrize(("k", "n"), [(1, 3), (4, 3), (2, 65)])
def test_impossible_thresholds_are_refused(k, n):
    with pytest.raises(ShareError, match="threshold"):
        split_secret(SECRET, 1, k, n)


def test_fingerprint_depends_on_secret_and_epoch():
    assert secret_fingerprint(SECRET, 1) != secret_fingerprint(SECRET, 2)
    assert secret_fingerprint(SECRET, 1) != secret_fingerprint(bytes(32), 1)
    assert SECRET.hex()[:16] not in secret_fingerprint(SECRET, 1)


# -- sealed share files ----------------------------------------------------------------


@pytest.fixture(scope="module")
def sealed(shares_3_of_5) -> bytes:
    return seal_share(shares_3_of_5[2], "correct horse battery", TEST_COST)


def test_sealed_share_opens_with_its_passphrase(sealed, shares_3_of_5):
    share = open_share(sealed, "correct horse battery")
    assert share.value == shares_3_of_5[2].value
    assert share.header == shares_3_of_5[2].header.__class__(
        **{**shares_3_of_5[2].header.__dict__, "cost": TEST_COST})


def test_sealed_share_carries_epoch_threshold_and_fingerprint_in_clear(sealed, shares_3_of_5):
    header = read_header(sealed)
    assert (header.epoch, header.threshold, header.custodians, header.index) == (4, 3, 5, 3)
    assert header.secret_fingerprint == secret_fingerprint(SECRET, 4)
    assert shares_3_of_5[2].value.hex() not in sealed.decode()
    assert SECRET.hex() not in sealed.decode()


def test_passphrase_is_unicode_normalised(shares_3_of_5):
    composed = seal_share(shares_3_of_5[0], "Ștefania café", TEST_COST)
    decomposed = "Ștefania café".replace("é", "e\u0301").replace("Ș", "S\u0326")
    assert open_share(composed, decomposed).value == shares_3_of_5[0].value


def test_wrong_passphrase_is_refused(sealed):
    with pytest.raises(ShareError, match=r"^s3: wrong passphrase for custodian 3"):
        open_share(sealed, "Correct horse battery", "s3")


def _edit(sealed: bytes, **changes) -> bytes:
    document = json.loads(sealed)
    document.update(changes)
    return json.dumps(document).encode()


@pytest.mark.parametrize("field", ["epoch", "index", "threshold"])
def test_altered_header_is_detected(sealed, field):
    altered = _edit(sealed, **{field: json.loads(sealed)[field] + 1})
    with pytest.raises(ShareError, match="altered or damaged"):
        open_share(altered, "correct horse battery")


def test_altered_ciphertext_is_detected(sealed):
    ciphertext = json.loads(sealed)["ciphertext"]
    flipped = f"{int(ciphertext[0], 16) ^ 1:x}" + ciphertext[1:]
    with pytest.raises(ShareError, match="altered or damaged"):
        open_share(_edit(sealed, ciphertext=flipped), "correct horse battery")


@pytest.mark.parametrize("blob", [b"", b"\xff\xfe", b"[]", b'{"format": "other"}',
                                  b'{"format": "zichtlijn-key-share/1"}'])
def test_not_a_share_file(blob):
    with pytest.raises(ShareError, match=r"^f: (not a zichtlijn share file|damaged)"):
        read_header(blob, "f")


def test_key_derivation_cost_is_recorded_and_bounded(sealed, shares_3_of_5):
    assert json.loads(sealed)["kdf"]["log2_n"] == TEST_COST.log2_n
    assert CEREMONY_COST.log2_n >= 17
    with pytest.raises(ShareError, match="unsupported key derivation"):
        read_header(_edit(sealed, kdf={**json.loads(sealed)["kdf"], "log2_n": 40}))


def test_share_repr_hides_the_value(shares_3_of_5):
    assert shares_3_of_5[0].value.hex() not in repr(shares_3_of_5[0])
    assert "redacted" in repr(shares_3_of_5[0])
