from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AlertState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ALERT_STATE_UNSPECIFIED: _ClassVar[AlertState]
    ALERT_STATE_NEW: _ClassVar[AlertState]
    ALERT_STATE_ACKNOWLEDGED: _ClassVar[AlertState]
    ALERT_STATE_CLOSED: _ClassVar[AlertState]
ALERT_STATE_UNSPECIFIED: AlertState
ALERT_STATE_NEW: AlertState
ALERT_STATE_ACKNOWLEDGED: AlertState
ALERT_STATE_CLOSED: AlertState

class AlertSighting(_message.Message):
    __slots__ = ("sighting_uuid", "gemeente", "observed_on", "signals", "undated")
    SIGHTING_UUID_FIELD_NUMBER: _ClassVar[int]
    GEMEENTE_FIELD_NUMBER: _ClassVar[int]
    OBSERVED_ON_FIELD_NUMBER: _ClassVar[int]
    SIGNALS_FIELD_NUMBER: _ClassVar[int]
    UNDATED_FIELD_NUMBER: _ClassVar[int]
    sighting_uuid: str
    gemeente: str
    observed_on: str
    signals: _containers.RepeatedScalarFieldContainer[str]
    undated: bool
    def __init__(self, sighting_uuid: _Optional[str] = ..., gemeente: _Optional[str] = ..., observed_on: _Optional[str] = ..., signals: _Optional[_Iterable[str]] = ..., undated: _Optional[bool] = ...) -> None: ...

class Alert(_message.Message):
    __slots__ = ("alert_id", "rule", "score", "region", "state", "close_reason", "changed", "version", "created_at", "updated_at", "sighting_count", "gemeente_count", "gemeenten", "sightings", "other_regions", "related_alert_ids")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CLOSE_REASON_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    SIGHTING_COUNT_FIELD_NUMBER: _ClassVar[int]
    GEMEENTE_COUNT_FIELD_NUMBER: _ClassVar[int]
    GEMEENTEN_FIELD_NUMBER: _ClassVar[int]
    SIGHTINGS_FIELD_NUMBER: _ClassVar[int]
    OTHER_REGIONS_FIELD_NUMBER: _ClassVar[int]
    RELATED_ALERT_IDS_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    rule: str
    score: float
    region: str
    state: AlertState
    close_reason: str
    changed: bool
    version: int
    created_at: str
    updated_at: str
    sighting_count: int
    gemeente_count: int
    gemeenten: _containers.RepeatedScalarFieldContainer[str]
    sightings: _containers.RepeatedCompositeFieldContainer[AlertSighting]
    other_regions: _containers.RepeatedCompositeFieldContainer[RegionState]
    related_alert_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, alert_id: _Optional[str] = ..., rule: _Optional[str] = ..., score: _Optional[float] = ..., region: _Optional[str] = ..., state: _Optional[_Union[AlertState, str]] = ..., close_reason: _Optional[str] = ..., changed: _Optional[bool] = ..., version: _Optional[int] = ..., created_at: _Optional[str] = ..., updated_at: _Optional[str] = ..., sighting_count: _Optional[int] = ..., gemeente_count: _Optional[int] = ..., gemeenten: _Optional[_Iterable[str]] = ..., sightings: _Optional[_Iterable[_Union[AlertSighting, _Mapping]]] = ..., other_regions: _Optional[_Iterable[_Union[RegionState, _Mapping]]] = ..., related_alert_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class RegionState(_message.Message):
    __slots__ = ("region", "state", "close_reason")
    REGION_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CLOSE_REASON_FIELD_NUMBER: _ClassVar[int]
    region: str
    state: AlertState
    close_reason: str
    def __init__(self, region: _Optional[str] = ..., state: _Optional[_Union[AlertState, str]] = ..., close_reason: _Optional[str] = ...) -> None: ...

class ListAlertsRequest(_message.Message):
    __slots__ = ("states", "changed_since", "changed_until")
    STATES_FIELD_NUMBER: _ClassVar[int]
    CHANGED_SINCE_FIELD_NUMBER: _ClassVar[int]
    CHANGED_UNTIL_FIELD_NUMBER: _ClassVar[int]
    states: _containers.RepeatedScalarFieldContainer[AlertState]
    changed_since: str
    changed_until: str
    def __init__(self, states: _Optional[_Iterable[_Union[AlertState, str]]] = ..., changed_since: _Optional[str] = ..., changed_until: _Optional[str] = ...) -> None: ...

class ListAlertsResponse(_message.Message):
    __slots__ = ("alerts", "cursor")
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    alerts: _containers.RepeatedCompositeFieldContainer[Alert]
    cursor: int
    def __init__(self, alerts: _Optional[_Iterable[_Union[Alert, _Mapping]]] = ..., cursor: _Optional[int] = ...) -> None: ...

class WatchAlertsRequest(_message.Message):
    __slots__ = ("after_cursor", "follow")
    AFTER_CURSOR_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_FIELD_NUMBER: _ClassVar[int]
    after_cursor: int
    follow: bool
    def __init__(self, after_cursor: _Optional[int] = ..., follow: _Optional[bool] = ...) -> None: ...

class AlertChange(_message.Message):
    __slots__ = ("cursor", "change", "at", "alert")
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    CHANGE_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    ALERT_FIELD_NUMBER: _ClassVar[int]
    cursor: int
    change: str
    at: str
    alert: Alert
    def __init__(self, cursor: _Optional[int] = ..., change: _Optional[str] = ..., at: _Optional[str] = ..., alert: _Optional[_Union[Alert, _Mapping]] = ...) -> None: ...

class AcknowledgeAlertRequest(_message.Message):
    __slots__ = ("alert_id", "decided_at", "riec_signature")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    RIEC_SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    decided_at: str
    riec_signature: bytes
    def __init__(self, alert_id: _Optional[str] = ..., decided_at: _Optional[str] = ..., riec_signature: _Optional[bytes] = ...) -> None: ...

class CloseAlertRequest(_message.Message):
    __slots__ = ("alert_id", "reason", "decided_at", "riec_signature")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    RIEC_SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    reason: str
    decided_at: str
    riec_signature: bytes
    def __init__(self, alert_id: _Optional[str] = ..., reason: _Optional[str] = ..., decided_at: _Optional[str] = ..., riec_signature: _Optional[bytes] = ...) -> None: ...

class ReopenAlertRequest(_message.Message):
    __slots__ = ("alert_id", "reason", "decided_at", "riec_signature")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    RIEC_SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    reason: str
    decided_at: str
    riec_signature: bytes
    def __init__(self, alert_id: _Optional[str] = ..., reason: _Optional[str] = ..., decided_at: _Optional[str] = ..., riec_signature: _Optional[bytes] = ...) -> None: ...

class ListOwnAlertsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class NodeAlert(_message.Message):
    __slots__ = ("alert_id", "rule", "state", "own_sightings")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    OWN_SIGHTINGS_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    rule: str
    state: AlertState
    own_sightings: _containers.RepeatedCompositeFieldContainer[AlertSighting]
    def __init__(self, alert_id: _Optional[str] = ..., rule: _Optional[str] = ..., state: _Optional[_Union[AlertState, str]] = ..., own_sightings: _Optional[_Iterable[_Union[AlertSighting, _Mapping]]] = ...) -> None: ...

class ListOwnAlertsResponse(_message.Message):
    __slots__ = ("alerts",)
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    alerts: _containers.RepeatedCompositeFieldContainer[NodeAlert]
    def __init__(self, alerts: _Optional[_Iterable[_Union[NodeAlert, _Mapping]]] = ...) -> None: ...
