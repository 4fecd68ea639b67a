from zichtlijn.v1 import encoding_pb2 as _encoding_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class UploadBatch(_message.Message):
    __slots__ = ("batch_digest", "sightings", "node_signature", "known_tree_size")
    BATCH_DIGEST_FIELD_NUMBER: _ClassVar[int]
    SIGHTINGS_FIELD_NUMBER: _ClassVar[int]
    NODE_SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    KNOWN_TREE_SIZE_FIELD_NUMBER: _ClassVar[int]
    batch_digest: bytes
    sightings: _containers.RepeatedCompositeFieldContainer[_encoding_pb2.EncodedSighting]
    node_signature: bytes
    known_tree_size: int
    def __init__(self, batch_digest: _Optional[bytes] = ..., sightings: _Optional[_Iterable[_Union[_encoding_pb2.EncodedSighting, _Mapping]]] = ..., node_signature: _Optional[bytes] = ..., known_tree_size: _Optional[int] = ...) -> None: ...

class BatchReceipt(_message.Message):
    __slots__ = ("batch_digest", "accepted", "already_present", "received_at", "leaf_index", "log_entry", "tree_head", "inclusion_proof", "consistency_from", "consistency_proof", "uncatalogued_signals")
    BATCH_DIGEST_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    ALREADY_PRESENT_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    LEAF_INDEX_FIELD_NUMBER: _ClassVar[int]
    LOG_ENTRY_FIELD_NUMBER: _ClassVar[int]
    TREE_HEAD_FIELD_NUMBER: _ClassVar[int]
    INCLUSION_PROOF_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_FROM_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_PROOF_FIELD_NUMBER: _ClassVar[int]
    UNCATALOGUED_SIGNALS_FIELD_NUMBER: _ClassVar[int]
    batch_digest: bytes
    accepted: int
    already_present: int
    received_at: str
    leaf_index: int
    log_entry: bytes
    tree_head: str
    inclusion_proof: _containers.RepeatedScalarFieldContainer[bytes]
    consistency_from: int
    consistency_proof: _containers.RepeatedScalarFieldContainer[bytes]
    uncatalogued_signals: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, batch_digest: _Optional[bytes] = ..., accepted: _Optional[int] = ..., already_present: _Optional[int] = ..., received_at: _Optional[str] = ..., leaf_index: _Optional[int] = ..., log_entry: _Optional[bytes] = ..., tree_head: _Optional[str] = ..., inclusion_proof: _Optional[_Iterable[bytes]] = ..., consistency_from: _Optional[int] = ..., consistency_proof: _Optional[_Iterable[bytes]] = ..., uncatalogued_signals: _Optional[_Iterable[str]] = ...) -> None: ...

class NodeStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class NodeStatus(_message.Message):
    __slots__ = ("gemeente", "sightings_held", "schema_fingerprint")
    GEMEENTE_FIELD_NUMBER: _ClassVar[int]
    SIGHTINGS_HELD_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    gemeente: str
    sightings_held: int
    schema_fingerprint: bytes
    def __init__(self, gemeente: _Optional[str] = ..., sightings_held: _Optional[int] = ..., schema_fingerprint: _Optional[bytes] = ...) -> None: ...

class ListHeldRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class HeldSighting(_message.Message):
    __slots__ = ("sighting_uuid", "content_digest", "observed_on", "single_epoch_digest", "epoch")
    SIGHTING_UUID_FIELD_NUMBER: _ClassVar[int]
    CONTENT_DIGEST_FIELD_NUMBER: _ClassVar[int]
    OBSERVED_ON_FIELD_NUMBER: _ClassVar[int]
    SINGLE_EPOCH_DIGEST_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    sighting_uuid: str
    content_digest: bytes
    observed_on: str
    single_epoch_digest: bytes
    epoch: int
    def __init__(self, sighting_uuid: _Optional[str] = ..., content_digest: _Optional[bytes] = ..., observed_on: _Optional[str] = ..., single_epoch_digest: _Optional[bytes] = ..., epoch: _Optional[int] = ...) -> None: ...

class HeldSightings(_message.Message):
    __slots__ = ("sightings", "withdrawn_uuids")
    SIGHTINGS_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWN_UUIDS_FIELD_NUMBER: _ClassVar[int]
    sightings: _containers.RepeatedCompositeFieldContainer[HeldSighting]
    withdrawn_uuids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, sightings: _Optional[_Iterable[_Union[HeldSighting, _Mapping]]] = ..., withdrawn_uuids: _Optional[_Iterable[str]] = ...) -> None: ...
