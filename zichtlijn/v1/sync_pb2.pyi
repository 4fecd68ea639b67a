from zichtlijn.v1 import encoding_pb2 as _encoding_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class UploadBatch(_message.Message):
    __slots__ = ("batch_digest", "sightings")
    BATCH_DIGEST_FIELD_NUMBER: _ClassVar[int]
    SIGHTINGS_FIELD_NUMBER: _ClassVar[int]
    batch_digest: bytes
    sightings: _containers.RepeatedCompositeFieldContainer[_encoding_pb2.EncodedSighting]
    def __init__(self, batch_digest: _Optional[bytes] = ..., sightings: _Optional[_Iterable[_Union[_encoding_pb2.EncodedSighting, _Mapping]]] = ...) -> None: ...

class BatchReceipt(_message.Message):
    __slots__ = ("batch_digest", "accepted", "already_present", "received_at")
    BATCH_DIGEST_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    ALREADY_PRESENT_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    batch_digest: bytes
    accepted: int
    already_present: int
    received_at: str
    def __init__(self, batch_digest: _Optional[bytes] = ..., accepted: _Optional[int] = ..., already_present: _Optional[int] = ..., received_at: _Optional[str] = ...) -> None: ...

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
