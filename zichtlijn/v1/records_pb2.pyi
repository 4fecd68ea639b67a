from zichtlijn.v1 import encoding_pb2 as _encoding_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class WithdrawReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WITHDRAW_REASON_UNSPECIFIED: _ClassVar[WithdrawReason]
    WITHDRAW_REASON_RECORDED_IN_ERROR: _ClassVar[WithdrawReason]
    WITHDRAW_REASON_ERASURE_REQUEST: _ClassVar[WithdrawReason]
WITHDRAW_REASON_UNSPECIFIED: WithdrawReason
WITHDRAW_REASON_RECORDED_IN_ERROR: WithdrawReason
WITHDRAW_REASON_ERASURE_REQUEST: WithdrawReason

class WithdrawRequest(_message.Message):
    __slots__ = ("sighting_uuid", "reason", "node_signature", "decided_at")
    SIGHTING_UUID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    NODE_SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    sighting_uuid: str
    reason: WithdrawReason
    node_signature: bytes
    decided_at: str
    def __init__(self, sighting_uuid: _Optional[str] = ..., reason: _Optional[_Union[WithdrawReason, str]] = ..., node_signature: _Optional[bytes] = ..., decided_at: _Optional[str] = ...) -> None: ...

class WithdrawReply(_message.Message):
    __slots__ = ("removed",)
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    removed: bool
    def __init__(self, removed: _Optional[bool] = ...) -> None: ...

class CorrectRequest(_message.Message):
    __slots__ = ("sighting", "node_signature", "replaces_digest", "decided_at")
    SIGHTING_FIELD_NUMBER: _ClassVar[int]
    NODE_SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    REPLACES_DIGEST_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    sighting: _encoding_pb2.EncodedSighting
    node_signature: bytes
    replaces_digest: bytes
    decided_at: str
    def __init__(self, sighting: _Optional[_Union[_encoding_pb2.EncodedSighting, _Mapping]] = ..., node_signature: _Optional[bytes] = ..., replaces_digest: _Optional[bytes] = ..., decided_at: _Optional[str] = ...) -> None: ...

class CorrectReply(_message.Message):
    __slots__ = ("changed",)
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    changed: bool
    def __init__(self, changed: _Optional[bool] = ...) -> None: ...

class NodePurge(_message.Message):
    __slots__ = ("purge_id", "purged_at", "cutoff", "retention_months", "sightings")
    PURGE_ID_FIELD_NUMBER: _ClassVar[int]
    PURGED_AT_FIELD_NUMBER: _ClassVar[int]
    CUTOFF_FIELD_NUMBER: _ClassVar[int]
    RETENTION_MONTHS_FIELD_NUMBER: _ClassVar[int]
    SIGHTINGS_FIELD_NUMBER: _ClassVar[int]
    purge_id: str
    purged_at: str
    cutoff: str
    retention_months: int
    sightings: int
    def __init__(self, purge_id: _Optional[str] = ..., purged_at: _Optional[str] = ..., cutoff: _Optional[str] = ..., retention_months: _Optional[int] = ..., sightings: _Optional[int] = ...) -> None: ...

class PurgeReport(_message.Message):
    __slots__ = ("purges",)
    PURGES_FIELD_NUMBER: _ClassVar[int]
    purges: _containers.RepeatedCompositeFieldContainer[NodePurge]
    def __init__(self, purges: _Optional[_Iterable[_Union[NodePurge, _Mapping]]] = ...) -> None: ...

class PurgeReportReply(_message.Message):
    __slots__ = ("recorded",)
    RECORDED_FIELD_NUMBER: _ClassVar[int]
    recorded: int
    def __init__(self, recorded: _Optional[int] = ...) -> None: ...
