from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EpochState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EPOCH_STATE_UNSPECIFIED: _ClassVar[EpochState]
    EPOCH_STATE_CURRENT: _ClassVar[EpochState]
    EPOCH_STATE_OVERLAP: _ClassVar[EpochState]
    EPOCH_STATE_RETIRED: _ClassVar[EpochState]
EPOCH_STATE_UNSPECIFIED: EpochState
EPOCH_STATE_CURRENT: EpochState
EPOCH_STATE_OVERLAP: EpochState
EPOCH_STATE_RETIRED: EpochState

class NodeEpoch(_message.Message):
    __slots__ = ("epoch", "state", "key_fingerprint", "overlap_until", "changed_on")
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    KEY_FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    OVERLAP_UNTIL_FIELD_NUMBER: _ClassVar[int]
    CHANGED_ON_FIELD_NUMBER: _ClassVar[int]
    epoch: int
    state: EpochState
    key_fingerprint: str
    overlap_until: str
    changed_on: str
    def __init__(self, epoch: _Optional[int] = ..., state: _Optional[_Union[EpochState, str]] = ..., key_fingerprint: _Optional[str] = ..., overlap_until: _Optional[str] = ..., changed_on: _Optional[str] = ...) -> None: ...

class EpochReport(_message.Message):
    __slots__ = ("epochs",)
    EPOCHS_FIELD_NUMBER: _ClassVar[int]
    epochs: _containers.RepeatedCompositeFieldContainer[NodeEpoch]
    def __init__(self, epochs: _Optional[_Iterable[_Union[NodeEpoch, _Mapping]]] = ...) -> None: ...

class RetiredElsewhere(_message.Message):
    __slots__ = ("epoch", "successor")
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    SUCCESSOR_FIELD_NUMBER: _ClassVar[int]
    epoch: int
    successor: int
    def __init__(self, epoch: _Optional[int] = ..., successor: _Optional[int] = ...) -> None: ...

class EpochReportReply(_message.Message):
    __slots__ = ("changes_recorded", "retired_elsewhere")
    CHANGES_RECORDED_FIELD_NUMBER: _ClassVar[int]
    RETIRED_ELSEWHERE_FIELD_NUMBER: _ClassVar[int]
    changes_recorded: int
    retired_elsewhere: _containers.RepeatedCompositeFieldContainer[RetiredElsewhere]
    def __init__(self, changes_recorded: _Optional[int] = ..., retired_elsewhere: _Optional[_Iterable[_Union[RetiredElsewhere, _Mapping]]] = ...) -> None: ...
