"""A node's key epochs: which purpose keys it encodes under, and when old ones go.

Installed key packages stay on disk as they came (sealed to the node's TLS
key, see linkage/key_package.py) in the home's `keys/` directory; the node
opens them in memory for each command. Their state lives in node.db:

- current: the newest epoch; every new sighting is encoded under it.
- overlap: the previous epoch after a newer package was installed; until
  `overlap_until` (inclusive) every new sighting is encoded under it as well
  (dual encoding), so the hub can bridge the old and the new epoch.
- retired: the overlap is over; the package file has been overwritten and
  deleted and the node refuses to encode under the epoch again.

Retirement needs no scheduler: the first command that encodes or reports to the hub
after the overlap (import, sync, lookup, correct) retires the epoch. `node status` only
says the overlap ended: a read, perhaps a monitoring job's, on a clock running ahead
must not destroy keys irreversibly.

A development node configured with a single-holder secret file has exactly
one epoch, derived from that file, and cannot rotate.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from linkage.encode import Encoder
from linkage.key_package import open_package, package_node
from linkage.keys import PurposeKeys
from linkage.schema import LinkageSchema
from node.config import NodeConfig
from node.store import NodeStore
from zichtlijn.keyfile import load_purpose_keys

DEFAULT_OVERLAP_DAYS = 90
CURRENT, OVERLAP, RETIRED = "current", "overlap", "retired"


class EpochError(ValueError):
    """A key-epoch operation the node refuses; the message says why and what to do."""


@dataclass(frozen=True)
class EpochInfo:
    epoch: int
    state: str  # CURRENT, OVERLAP or RETIRED
    key_fingerprint: str
    installed_on: dt.date | None
    changed_on: dt.date | None  # installed, overlap started, or retired
    overlap_until: dt.date | None = None
    retired_on: dt.date | None = None
    from_secret_file: bool = False


def overlap_ended(info: EpochInfo, today: dt.date) -> bool:
    """An epoch whose overlap is over but which is not retired yet (read without retiring)."""
    return (info.state == OVERLAP and info.overlap_until is not None
            and info.overlap_until < today)


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def destroy_file(path: Path) -> None:
    """Overwrite a key file with zeros, flush it to disk, then delete it.

    Best effort: on copy-on-write file systems, SSDs and backups the old
    blocks may survive; the README says so. What it does guarantee is that
    the node itself can no longer open the package.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with path.open("r+b") as handle:
        handle.write(b"\x00" * size)
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()


def load_private_key(path: Path) -> PrivateKeyTypes:
    """The node's TLS private key, which also opens its key packages."""
    try:
        return serialization.load_pem_private_key(path.read_bytes(), None)
    except (ValueError, TypeError):
        raise EpochError(f"{path}: not a usable (unencrypted PEM) private key") from None


class Keyring:
    """The key epochs of one node, backed by node.db and the home's keys/ directory."""

    def __init__(self, config: NodeConfig, store: NodeStore) -> None:
        self.config = config
        self.store = store
        if "key_epochs" not in store.db.table_names():
            store.db.execute(
                "CREATE TABLE IF NOT EXISTS key_epochs ("
                " epoch INTEGER PRIMARY KEY,"
                " key_fingerprint TEXT NOT NULL,"
                " package TEXT NOT NULL,"
                " installed_on TEXT NOT NULL,"
                " changed_on TEXT NOT NULL,"
                " overlap_until TEXT,"
                " retired_on TEXT)"
            )

    # -- reading -------------------------------------------------------------------------

    @property
    def from_secret_file(self) -> bool:
        return self.config.secret_file is not None

    def _rows(self) -> list[tuple]:
        return self.store.db.execute(
            "SELECT epoch, key_fingerprint, installed_on, changed_on, overlap_until, retired_on "
            "FROM key_epochs ORDER BY epoch DESC"
        ).fetchall()

    def epochs(self, today: dt.date, retire: bool = True) -> list[EpochInfo]:
        """Every epoch this node has held, newest first, retiring any whose overlap ended
        unless `retire` is False (then such an epoch stays in OVERLAP, `overlap_ended`)."""
        if self.from_secret_file:
            keys = load_purpose_keys(self.config.secret_file)
            return [EpochInfo(keys.epoch, CURRENT, keys.fingerprint(), None, None,
                              from_secret_file=True)]
        if retire:
            self._retire_expired(today)
        infos = []
        for epoch, fingerprint, installed, changed, until, retired in self._rows():
            state = RETIRED if retired else OVERLAP if until else CURRENT
            infos.append(EpochInfo(epoch, state, fingerprint, _date(installed), _date(changed),
                                   _date(until), _date(retired)))
        return infos

    def _private_key(self) -> PrivateKeyTypes:
        return load_private_key(self.config.tls.key)

    def _open(self, epoch: int) -> PurposeKeys:
        row = self.store.db.execute(
            "SELECT package FROM key_epochs WHERE epoch = ?", [epoch]).fetchone()
        path = self._package_dir() / row[0]
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            # a node database restored from before a rotation names a retired epoch
            newer = [e for e in _packaged_epochs(path.parent) if e > epoch]
            hint = (f" (the package of epoch {max(newer)} is here: if node.db was restored "
                    "from a backup, install it again, README \"Restoring from a backup\")"
                    if newer else "")
            raise EpochError(f"{path}: key package of epoch {epoch} is missing{hint}") from None
        keys = open_package(blob, self.config.gemeente, self._private_key(), str(path))
        if keys.epoch != epoch:
            raise EpochError(f"{path}: holds epoch {keys.epoch}, expected {epoch}")
        return keys

    def keys_for(self, epoch: int, today: dt.date, retire: bool = True) -> PurposeKeys:
        """The keys of `epoch`, if this node may still encode under it today."""
        for info in self.epochs(today, retire):
            if info.epoch != epoch:
                continue
            if info.state == RETIRED:
                raise EpochError(f"epoch {epoch} was retired on {info.retired_on}: its keys "
                                 "are destroyed and this node no longer encodes under it")
            if info.from_secret_file:
                return load_purpose_keys(self.config.secret_file)
            return self._open(epoch)
        raise EpochError(f"this node holds no keys of epoch {epoch}")

    def active_keys(self, today: dt.date, retire: bool = True) -> list[PurposeKeys]:
        """Keys to encode new sightings under today: current first, then any in overlap.

        `retire=False` (`node status`) opens them without retiring an ended overlap."""
        active = [i.epoch for i in self.epochs(today, retire)
                  if i.state != RETIRED and not overlap_ended(i, today)]
        if not active:
            raise EpochError("this node holds no usable key epoch; install a key package "
                             "(`zichtlijn node keys install`)")
        return [self.keys_for(epoch, today, retire) for epoch in active]

    def encoders(self, schema: LinkageSchema, today: dt.date,
                 retire: bool = True) -> list[Encoder]:
        return [Encoder(schema, keys) for keys in self.active_keys(today, retire)]

    # -- changing ------------------------------------------------------------------------

    def _package_dir(self) -> Path:
        if self.config.key_packages is None:
            raise EpochError("this node uses a development secret file ([keys] secret_file "
                             "in node.toml); key epochs and rotation need key packages "
                             "(`zichtlijn node init --key-package`)")
        return self.config.key_packages

    def install(self, blob: bytes, today: dt.date, overlap_until: dt.date | None = None,
                name: str = "key package") -> EpochInfo:
        """Install a package: the first epoch, or the next one (starting an overlap), or
        an installed epoch's keys sealed to this node's current certificate."""
        self._package_dir()  # a development secret file: refused before anything is read
        node, _ = package_node(blob, name)
        if node != self.config.gemeente:
            raise EpochError(f"{name}: made for {node}, not for this node "
                             f"({self.config.gemeente})")
        keys = open_package(blob, self.config.gemeente, self._private_key(), name)
        known = {i.epoch: i for i in self.epochs(today)}
        if keys.epoch in known:
            info = known[keys.epoch]
            if info.state == RETIRED:
                raise EpochError(f"{name}: epoch {keys.epoch} was retired on "
                                 f"{info.retired_on}; a retired epoch never comes back")
            if info.key_fingerprint != keys.fingerprint():
                raise EpochError(f"{name}: other keys for epoch {keys.epoch} than the ones "
                                 "installed (a package from another ceremony?)")
            # the same keys sealed to this node's current certificate (a new one after a
            # revocation or renewal): the package kept must be one this node can open
            self._write_package(keys.epoch, blob)
            return info
        newest = max(known, default=None)
        if newest is not None and keys.epoch < newest:
            raise EpochError(f"{name}: epoch {keys.epoch} is older than this node's "
                             f"epoch {newest}")
        still = [i for i in known.values() if i.state == OVERLAP]
        if still:
            raise EpochError(f"epoch {still[0].epoch} is still in its overlap window until "
                             f"{still[0].overlap_until}; retire it first "
                             f"(`zichtlijn node keys retire --epoch {still[0].epoch}`)")
        until = overlap_until or today + dt.timedelta(days=DEFAULT_OVERLAP_DAYS)
        if newest is not None and until < today:
            raise EpochError(f"overlap end {until} lies in the past")
        filename = self._write_package(keys.epoch, blob)
        with self.store.db.conn:
            if newest is not None:
                self.store.db.execute(
                    "UPDATE key_epochs SET overlap_until = ?, changed_on = ? WHERE epoch = ?",
                    [until.isoformat(), today.isoformat(), newest])
            self.store.db.execute(
                "INSERT INTO key_epochs (epoch, key_fingerprint, package, installed_on, "
                "changed_on) VALUES (?, ?, ?, ?, ?)",
                [keys.epoch, keys.fingerprint(), filename, today.isoformat(),
                 today.isoformat()])
        return next(i for i in self.epochs(today) if i.epoch == keys.epoch)

    def _write_package(self, epoch: int, blob: bytes) -> str:
        """Keep `blob` as the package of `epoch` (replacing one there); its file name."""
        directory = self._package_dir()
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        filename = f"epoch-{epoch}.keys"
        fresh = directory / f"{filename}.new"
        fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        fresh.replace(directory / filename)
        return filename

    def retire(self, epoch: int, today: dt.date) -> EpochInfo:
        """End an epoch's overlap now: destroy its keys, never encode under it again."""
        self._package_dir()
        info = next((i for i in self.epochs(today) if i.epoch == epoch), None)
        if info is None:
            raise EpochError(f"this node holds no keys of epoch {epoch}")
        if info.state == CURRENT:
            raise EpochError(f"epoch {epoch} is the current epoch; it is retired by "
                             "installing the next epoch's package and ending that overlap")
        if info.state == OVERLAP:
            self._retire(epoch, today)
        return next(i for i in self.epochs(today) if i.epoch == epoch)

    def _retire(self, epoch: int, today: dt.date) -> None:
        (package,) = self.store.db.execute(
            "SELECT package FROM key_epochs WHERE epoch = ?", [epoch]).fetchone()
        destroy_file(self._package_dir() / package)  # first the keys, then the record
        with self.store.db.conn:
            self.store.db.execute(
                "UPDATE key_epochs SET retired_on = ?, changed_on = ? WHERE epoch = ?",
                [today.isoformat(), today.isoformat(), epoch])

    def _retire_expired(self, today: dt.date) -> None:
        expired = self.store.db.execute(
            "SELECT epoch FROM key_epochs WHERE retired_on IS NULL AND overlap_until < ?",
            [today.isoformat()]).fetchall()
        for (epoch,) in expired:
            self._retire(epoch, today)


def _packaged_epochs(directory: Path) -> list[int]:
    """The epochs of the key packages installed in `directory` (`epoch-N.keys`)."""
    names = (path.stem.removeprefix("epoch-") for path in directory.glob("epoch-*.keys"))
    return [int(name) for name in names if name.isdigit()]
