from zichtlijn.v1 import encoding_pb2 as _encoding_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class LookupOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LOOKUP_OUTCOME_UNSPECIFIED: _ClassVar[LookupOutcome]
    LOOKUP_OUTCOME_NO_MATCH: _ClassVar[LookupOutcome]
    LOOKUP_OUTCOME_PERSON: _ClassVar[LookupOutcome]
    LOOKUP_OUTCOME_AMBIGUOUS: _ClassVar[LookupOutcome]
LOOKUP_OUTCOME_UNSPECIFIED: LookupOutcome
LOOKUP_OUTCOME_NO_MATCH: LookupOutcome
LOOKUP_OUTCOME_PERSON: LookupOutcome
LOOKUP_OUTCOME_AMBIGUOUS: LookupOutcome

class ProbeEncoding(_message.Message):
    __slots__ = ("epoch", "subject", "entities")
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    ENTITIES_FIELD_NUMBER: _ClassVar[int]
    epoch: int
    subject: _encoding_pb2.IdentityEncoding
    entities: _containers.RepeatedCompositeFieldContainer[_encoding_pb2.EntityToken]
    def __init__(self, epoch: _Optional[int] = ..., subject: _Optional[_Union[_encoding_pb2.IdentityEncoding, _Mapping]] = ..., entities: _Optional[_Iterable[_Union[_encoding_pb2.EntityToken, _Mapping]]] = ...) -> None: ...

class LookupRequest(_message.Message):
    __slots__ = ("purpose", "schema_fingerprint", "encodings")
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    ENCODINGS_FIELD_NUMBER: _ClassVar[int]
    purpose: str
    schema_fingerprint: bytes
    encodings: _containers.RepeatedCompositeFieldContainer[ProbeEncoding]
    def __init__(self, purpose: _Optional[str] = ..., schema_fingerprint: _Optional[bytes] = ..., encodings: _Optional[_Iterable[_Union[ProbeEncoding, _Mapping]]] = ...) -> None: ...

class LookupAnswer(_message.Message):
    __slots__ = ("outcome", "earlier_sightings", "municipalities", "first_seen", "last_seen", "signals", "open_alert_ids", "alerts_available", "possible_persons", "probe_dated", "answered_at", "in_own_municipality", "own_region_alert_ids")
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    EARLIER_SIGHTINGS_FIELD_NUMBER: _ClassVar[int]
    MUNICIPALITIES_FIELD_NUMBER: _ClassVar[int]
    FIRST_SEEN_FIELD_NUMBER: _ClassVar[int]
    LAST_SEEN_FIELD_NUMBER: _ClassVar[int]
    SIGNALS_FIELD_NUMBER: _ClassVar[int]
    OPEN_ALERT_IDS_FIELD_NUMBER: _ClassVar[int]
    ALERTS_AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    POSSIBLE_PERSONS_FIELD_NUMBER: _ClassVar[int]
    PROBE_DATED_FIELD_NUMBER: _ClassVar[int]
    ANSWERED_AT_FIELD_NUMBER: _ClassVar[int]
    IN_OWN_MUNICIPALITY_FIELD_NUMBER: _ClassVar[int]
    OWN_REGION_ALERT_IDS_FIELD_NUMBER: _ClassVar[int]
    outcome: LookupOutcome
    earlier_sightings: int
    municipalities: int
    first_seen: str
    last_seen: str
    signals: _containers.RepeatedScalarFieldContainer[str]
    open_alert_ids: _containers.RepeatedScalarFieldContainer[str]
    alerts_available: bool
    possible_persons: int
    probe_dated: bool
    answered_at: str
    in_own_municipality: int
    own_region_alert_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, outcome: _Optional[_Union[LookupOutcome, str]] = ..., earlier_sightings: _Optional[int] = ..., municipalities: _Optional[int] = ..., first_seen: _Optional[str] = ..., last_seen: _Optional[str] = ..., signals: _Optional[_Iterable[str]] = ..., open_alert_ids: _Optional[_Iterable[str]] = ..., alerts_available: _Optional[bool] = ..., possible_persons: _Optional[int] = ..., probe_dated: _Optional[bool] = ..., answered_at: _Optional[str] = ..., in_own_municipality: _Optional[int] = ..., own_region_alert_ids: _Optional[_Iterable[str]] = ...) -> None: ...
