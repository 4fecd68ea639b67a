from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TreeHeadRequest(_message.Message):
    __slots__ = ("from_size", "min_cosignatures", "witness_keys")
    FROM_SIZE_FIELD_NUMBER: _ClassVar[int]
    MIN_COSIGNATURES_FIELD_NUMBER: _ClassVar[int]
    WITNESS_KEYS_FIELD_NUMBER: _ClassVar[int]
    from_size: int
    min_cosignatures: int
    witness_keys: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, from_size: _Optional[int] = ..., min_cosignatures: _Optional[int] = ..., witness_keys: _Optional[_Iterable[str]] = ...) -> None: ...

class TreeHead(_message.Message):
    __slots__ = ("note", "from_size", "consistency_proof")
    NOTE_FIELD_NUMBER: _ClassVar[int]
    FROM_SIZE_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_PROOF_FIELD_NUMBER: _ClassVar[int]
    note: str
    from_size: int
    consistency_proof: _containers.RepeatedScalarFieldContainer[bytes]
    def __init__(self, note: _Optional[str] = ..., from_size: _Optional[int] = ..., consistency_proof: _Optional[_Iterable[bytes]] = ...) -> None: ...

class CosignatureRequest(_message.Message):
    __slots__ = ("tree_size", "witness_key", "signature")
    TREE_SIZE_FIELD_NUMBER: _ClassVar[int]
    WITNESS_KEY_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    tree_size: int
    witness_key: str
    signature: str
    def __init__(self, tree_size: _Optional[int] = ..., witness_key: _Optional[str] = ..., signature: _Optional[str] = ...) -> None: ...

class CosignatureReply(_message.Message):
    __slots__ = ("cosignatures",)
    COSIGNATURES_FIELD_NUMBER: _ClassVar[int]
    cosignatures: int
    def __init__(self, cosignatures: _Optional[int] = ...) -> None: ...

class ExportRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ExportMeta(_message.Message):
    __slots__ = ("format", "origin", "log_key", "exported_at", "exported_by", "log_size", "partition")
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_FIELD_NUMBER: _ClassVar[int]
    LOG_KEY_FIELD_NUMBER: _ClassVar[int]
    EXPORTED_AT_FIELD_NUMBER: _ClassVar[int]
    EXPORTED_BY_FIELD_NUMBER: _ClassVar[int]
    LOG_SIZE_FIELD_NUMBER: _ClassVar[int]
    PARTITION_FIELD_NUMBER: _ClassVar[int]
    format: int
    origin: str
    log_key: str
    exported_at: str
    exported_by: str
    log_size: int
    partition: str
    def __init__(self, format: _Optional[int] = ..., origin: _Optional[str] = ..., log_key: _Optional[str] = ..., exported_at: _Optional[str] = ..., exported_by: _Optional[str] = ..., log_size: _Optional[int] = ..., partition: _Optional[str] = ...) -> None: ...

class LogEntry(_message.Message):
    __slots__ = ("index", "entry")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    index: int
    entry: bytes
    def __init__(self, index: _Optional[int] = ..., entry: _Optional[bytes] = ...) -> None: ...

class SignedTreeHead(_message.Message):
    __slots__ = ("note",)
    NOTE_FIELD_NUMBER: _ClassVar[int]
    note: str
    def __init__(self, note: _Optional[str] = ...) -> None: ...

class WitnessKey(_message.Message):
    __slots__ = ("vkey", "principal")
    VKEY_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    vkey: str
    principal: str
    def __init__(self, vkey: _Optional[str] = ..., principal: _Optional[str] = ...) -> None: ...

class Certificate(_message.Message):
    __slots__ = ("sha256", "pem")
    SHA256_FIELD_NUMBER: _ClassVar[int]
    PEM_FIELD_NUMBER: _ClassVar[int]
    sha256: bytes
    pem: bytes
    def __init__(self, sha256: _Optional[bytes] = ..., pem: _Optional[bytes] = ...) -> None: ...

class BatchRecord(_message.Message):
    __slots__ = ("digest", "gemeente", "sightings", "accepted", "received_at", "leaf_index", "sighting_digests")
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    GEMEENTE_FIELD_NUMBER: _ClassVar[int]
    SIGHTINGS_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    LEAF_INDEX_FIELD_NUMBER: _ClassVar[int]
    SIGHTING_DIGESTS_FIELD_NUMBER: _ClassVar[int]
    digest: bytes
    gemeente: str
    sightings: int
    accepted: int
    received_at: str
    leaf_index: int
    sighting_digests: bytes
    def __init__(self, digest: _Optional[bytes] = ..., gemeente: _Optional[str] = ..., sightings: _Optional[int] = ..., accepted: _Optional[int] = ..., received_at: _Optional[str] = ..., leaf_index: _Optional[int] = ..., sighting_digests: _Optional[bytes] = ...) -> None: ...

class SightingRecord(_message.Message):
    __slots__ = ("sighting_uuid", "gemeente", "digest", "batch_digest", "linked")
    SIGHTING_UUID_FIELD_NUMBER: _ClassVar[int]
    GEMEENTE_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    BATCH_DIGEST_FIELD_NUMBER: _ClassVar[int]
    LINKED_FIELD_NUMBER: _ClassVar[int]
    sighting_uuid: str
    gemeente: str
    digest: bytes
    batch_digest: bytes
    linked: bool
    def __init__(self, sighting_uuid: _Optional[str] = ..., gemeente: _Optional[str] = ..., digest: _Optional[bytes] = ..., batch_digest: _Optional[bytes] = ..., linked: _Optional[bool] = ...) -> None: ...

class AlertRecord(_message.Message):
    __slots__ = ("alert_id", "rule", "version", "evidence_digest", "merged_into", "shown_evidence")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_DIGEST_FIELD_NUMBER: _ClassVar[int]
    MERGED_INTO_FIELD_NUMBER: _ClassVar[int]
    SHOWN_EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    rule: str
    version: int
    evidence_digest: bytes
    merged_into: str
    shown_evidence: bytes
    def __init__(self, alert_id: _Optional[str] = ..., rule: _Optional[str] = ..., version: _Optional[int] = ..., evidence_digest: _Optional[bytes] = ..., merged_into: _Optional[str] = ..., shown_evidence: _Optional[bytes] = ...) -> None: ...

class AlertRegionRecord(_message.Message):
    __slots__ = ("alert_id", "region", "state")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    region: str
    state: str
    def __init__(self, alert_id: _Optional[str] = ..., region: _Optional[str] = ..., state: _Optional[str] = ...) -> None: ...

class ExportChunk(_message.Message):
    __slots__ = ("meta", "entries", "tree_heads", "witness_keys", "certificates", "batches", "sightings", "alerts", "alert_regions")
    META_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    TREE_HEADS_FIELD_NUMBER: _ClassVar[int]
    WITNESS_KEYS_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATES_FIELD_NUMBER: _ClassVar[int]
    BATCHES_FIELD_NUMBER: _ClassVar[int]
    SIGHTINGS_FIELD_NUMBER: _ClassVar[int]
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    ALERT_REGIONS_FIELD_NUMBER: _ClassVar[int]
    meta: ExportMeta
    entries: _containers.RepeatedCompositeFieldContainer[LogEntry]
    tree_heads: _containers.RepeatedCompositeFieldContainer[SignedTreeHead]
    witness_keys: _containers.RepeatedCompositeFieldContainer[WitnessKey]
    certificates: _containers.RepeatedCompositeFieldContainer[Certificate]
    batches: _containers.RepeatedCompositeFieldContainer[BatchRecord]
    sightings: _containers.RepeatedCompositeFieldContainer[SightingRecord]
    alerts: _containers.RepeatedCompositeFieldContainer[AlertRecord]
    alert_regions: _containers.RepeatedCompositeFieldContainer[AlertRegionRecord]
    def __init__(self, meta: _Optional[_Union[ExportMeta, _Mapping]] = ..., entries: _Optional[_Iterable[_Union[LogEntry, _Mapping]]] = ..., tree_heads: _Optional[_Iterable[_Union[SignedTreeHead, _Mapping]]] = ..., witness_keys: _Optional[_Iterable[_Union[WitnessKey, _Mapping]]] = ..., certificates: _Optional[_Iterable[_Union[Certificate, _Mapping]]] = ..., batches: _Optional[_Iterable[_Union[BatchRecord, _Mapping]]] = ..., sightings: _Optional[_Iterable[_Union[SightingRecord, _Mapping]]] = ..., alerts: _Optional[_Iterable[_Union[AlertRecord, _Mapping]]] = ..., alert_regions: _Optional[_Iterable[_Union[AlertRegionRecord, _Mapping]]] = ...) -> None: ...
