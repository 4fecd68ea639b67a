"""Errors a user can act on, and how each becomes one line on stderr."""

from __future__ import annotations

import grpc

from hub.config import ConfigError as HubConfigError
from hub.linker_rows import LinkerUnusableError, StoredClusterError, StoredPersonError
from hub.log_key import LogKeyError
from hub.revocation import RevocationError
from hub.store import DatabaseLocked
from linkage.key_package import KeyPackageError
from linkage.schema import SchemaError
from linkage.shares import ShareError
from node.config import ConfigError as NodeConfigError
from node.csv_file import CsvFileError
from node.epochs import EpochError
from node.sync import SyncError
from zichtlijn.audit_file import ExportFileError
from zichtlijn.ca_bundle import CaBundleError
from zichtlijn.certsign import CertificateKeyError
from zichtlijn.config_files import ConfigFileError
from zichtlijn.database_file import DatabaseFileError
from zichtlijn.identity import IdentityError
from zichtlijn.keyfile import KeyFileError
from zichtlijn.riec_config import RiecConfigError
from zichtlijn.riec_decisions import DecisionsError
from zichtlijn.transport import TlsPairError, describe_rpc_error
from zichtlijn.witness import LogError


class CliError(Exception):
    exit_code = 1


USER_ERRORS: tuple[type[BaseException], ...] = (
    HubConfigError, NodeConfigError, CsvFileError, SyncError, IdentityError, KeyFileError,
    SchemaError, ConfigFileError, RiecConfigError, FileNotFoundError, PermissionError,
    IsADirectoryError, OSError, ShareError, KeyPackageError, EpochError,
    LogError, LogKeyError, CertificateKeyError, ExportFileError, StoredPersonError,
    StoredClusterError, LinkerUnusableError, DatabaseFileError, DecisionsError, CaBundleError,
    RevocationError, DatabaseLocked, TlsPairError,
)


def describe(error: BaseException, peer: str = "hub") -> str:
    if isinstance(error, grpc.RpcError):
        return describe_rpc_error(error, peer)
    if isinstance(error, OSError) and error.filename:
        return f"{error.filename}: {error.strerror or error}"
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def failure_line(error: BaseException, peer: str = "hub") -> str:
    """One line for a record of what failed: a user error as `describe` says it, a bug by
    its type only (its message may quote a row)."""
    if isinstance(error, (grpc.RpcError, CliError, *USER_ERRORS)):
        return describe(error, peer)
    return f"internal error ({type(error).__name__})"
