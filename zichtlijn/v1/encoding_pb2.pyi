from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EntityKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ENTITY_KIND_UNSPECIFIED: _ClassVar[EntityKind]
    ENTITY_KIND_PHONE: _ClassVar[EntityKind]
    ENTITY_KIND_VEHICLE_PLATE: _ClassVar[EntityKind]
    ENTITY_KIND_ADDRESS: _ClassVar[EntityKind]
    ENTITY_KIND_ADVERT: _ClassVar[EntityKind]

class Setting(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SETTING_UNSPECIFIED: _ClassVar[Setting]
    SETTING_WONING: _ClassVar[Setting]
    SETTING_HOTEL: _ClassVar[Setting]
    SETTING_RAAM: _ClassVar[Setting]
    SETTING_CLUB: _ClassVar[Setting]
    SETTING_ESCORT: _ClassVar[Setting]
    SETTING_STRAAT: _ClassVar[Setting]
    SETTING_ONLINE: _ClassVar[Setting]
ENTITY_KIND_UNSPECIFIED: EntityKind
ENTITY_KIND_PHONE: EntityKind
ENTITY_KIND_VEHICLE_PLATE: EntityKind
ENTITY_KIND_ADDRESS: EntityKind
ENTITY_KIND_ADVERT: EntityKind
SETTING_UNSPECIFIED: Setting
SETTING_WONING: Setting
SETTING_HOTEL: Setting
SETTING_RAAM: Setting
SETTING_CLUB: Setting
SETTING_ESCORT: Setting
SETTING_STRAAT: Setting
SETTING_ONLINE: Setting

class IdentityEncoding(_message.Message):
    __slots__ = ("name_filter", "dob_tokens", "sex_token", "document_token", "document_near", "place_bucket", "nationality_bucket", "short_name_filter", "single_word_name")
    NAME_FILTER_FIELD_NUMBER: _ClassVar[int]
    DOB_TOKENS_FIELD_NUMBER: _ClassVar[int]
    SEX_TOKEN_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_TOKEN_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NEAR_FIELD_NUMBER: _ClassVar[int]
    PLACE_BUCKET_FIELD_NUMBER: _ClassVar[int]
    NATIONALITY_BUCKET_FIELD_NUMBER: _ClassVar[int]
    SHORT_NAME_FILTER_FIELD_NUMBER: _ClassVar[int]
    SINGLE_WORD_NAME_FIELD_NUMBER: _ClassVar[int]
    name_filter: bytes
    dob_tokens: _containers.RepeatedScalarFieldContainer[int]
    sex_token: int
    document_token: bytes
    document_near: _containers.RepeatedScalarFieldContainer[int]
    place_bucket: int
    nationality_bucket: int
    short_name_filter: bytes
    single_word_name: bool
    def __init__(self, name_filter: _Optional[bytes] = ..., dob_tokens: _Optional[_Iterable[int]] = ..., sex_token: _Optional[int] = ..., document_token: _Optional[bytes] = ..., document_near: _Optional[_Iterable[int]] = ..., place_bucket: _Optional[int] = ..., nationality_bucket: _Optional[int] = ..., short_name_filter: _Optional[bytes] = ..., single_word_name: _Optional[bool] = ...) -> None: ...

class EntityToken(_message.Message):
    __slots__ = ("kind", "token")
    KIND_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    kind: EntityKind
    token: bytes
    def __init__(self, kind: _Optional[_Union[EntityKind, str]] = ..., token: _Optional[bytes] = ...) -> None: ...

class EncodedSighting(_message.Message):
    __slots__ = ("sighting_uuid", "observed_on", "setting", "licensed", "signals", "epoch", "schema_fingerprint", "subject", "companions", "entities", "other_epochs")
    SIGHTING_UUID_FIELD_NUMBER: _ClassVar[int]
    OBSERVED_ON_FIELD_NUMBER: _ClassVar[int]
    SETTING_FIELD_NUMBER: _ClassVar[int]
    LICENSED_FIELD_NUMBER: _ClassVar[int]
    SIGNALS_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    COMPANIONS_FIELD_NUMBER: _ClassVar[int]
    ENTITIES_FIELD_NUMBER: _ClassVar[int]
    OTHER_EPOCHS_FIELD_NUMBER: _ClassVar[int]
    sighting_uuid: str
    observed_on: str
    setting: Setting
    licensed: bool
    signals: _containers.RepeatedScalarFieldContainer[str]
    epoch: int
    schema_fingerprint: bytes
    subject: IdentityEncoding
    companions: _containers.RepeatedCompositeFieldContainer[IdentityEncoding]
    entities: _containers.RepeatedCompositeFieldContainer[EntityToken]
    other_epochs: _containers.RepeatedCompositeFieldContainer[EpochEncoding]
    def __init__(self, sighting_uuid: _Optional[str] = ..., observed_on: _Optional[str] = ..., setting: _Optional[_Union[Setting, str]] = ..., licensed: _Optional[bool] = ..., signals: _Optional[_Iterable[str]] = ..., epoch: _Optional[int] = ..., schema_fingerprint: _Optional[bytes] = ..., subject: _Optional[_Union[IdentityEncoding, _Mapping]] = ..., companions: _Optional[_Iterable[_Union[IdentityEncoding, _Mapping]]] = ..., entities: _Optional[_Iterable[_Union[EntityToken, _Mapping]]] = ..., other_epochs: _Optional[_Iterable[_Union[EpochEncoding, _Mapping]]] = ...) -> None: ...

class EpochEncoding(_message.Message):
    __slots__ = ("epoch", "subject", "companions", "entities")
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    COMPANIONS_FIELD_NUMBER: _ClassVar[int]
    ENTITIES_FIELD_NUMBER: _ClassVar[int]
    epoch: int
    subject: IdentityEncoding
    companions: _containers.RepeatedCompositeFieldContainer[IdentityEncoding]
    entities: _containers.RepeatedCompositeFieldContainer[EntityToken]
    def __init__(self, epoch: _Optional[int] = ..., subject: _Optional[_Union[IdentityEncoding, _Mapping]] = ..., companions: _Optional[_Iterable[_Union[IdentityEncoding, _Mapping]]] = ..., entities: _Optional[_Iterable[_Union[EntityToken, _Mapping]]] = ...) -> None: ...
