"""`zichtlijn keys ceremony`, `keys package` and `keys reshare`: what key custodians run.

The ceremony creates an epoch's linkage secret in memory, splits it k-of-n
and writes only the passphrase-sealed shares. Packaging asks k custodians
for their passphrases, rebuilds the secret in memory, derives the epoch's
purpose keys and writes one package per node, sealed to that node's
certificate. Resharing rebuilds it the same way and splits it again, for a
new set of custodians, on new polynomials: a custodian who left keeps a share
that no share of the new set combines with. None of them writes the secret
anywhere.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import secrets
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from linkage.key_package import seal_package
from linkage.keys import SECRET_BYTES, derive_purpose_keys
from linkage.shares import (
    CEREMONY_COST,
    MAX_CUSTODIANS,
    TEST_COST,
    ScryptCost,
    Share,
    ShareDamaged,
    ShareError,
    ShareHeader,
    check_headers,
    combine_shares,
    open_share,
    read_header,
    seal_share,
    split_secret,
)
from zichtlijn.ca_bundle import issued_by_one_of, read_ca_bundle
from zichtlijn.errors import CliError
from zichtlijn.identity import GEMEENTE_CODE, IdentityError, principal_of_certificate

# Set to 1 only by tests: shares are sealed with TEST_COST and such shares are
# accepted again. Never set it for a real ceremony (see README "Key management").
TEST_KDF_ENV = "ZICHTLIJN_INSECURE_TEST_KDF"
MIN_PASSPHRASE_CHARS = 12


def _test_kdf() -> bool:
    return os.environ.get(TEST_KDF_ENV) == "1"


def _write_private(path: Path, data: bytes) -> None:
    """Create a file readable by its owner only; never overwrite one."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise CliError(f"{path}: exists already; refusing to overwrite it") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _passphrase_from_file(path: str) -> str:
    try:
        text = Path(path).read_text("utf-8")
        mode = stat.S_IMODE(Path(path).stat().st_mode)
    except UnicodeDecodeError:
        raise CliError(f"{path}: passphrase file is not UTF-8") from None
    if mode & 0o077:  # others on the machine could have read the passphrase
        print(f"zichtlijn: warning: {path}: passphrase file readable by others (mode "
              f"{mode:o}); chmod 600 it", file=sys.stderr)
    lines = text.splitlines()
    return lines[0] if lines else ""


# a custodian's passphrase is checked as it is typed: a ceremony of five need not start
# over for the fourth one's mistake. None: accepted; else why not.
Check = Callable[[str], str | None]
ATTEMPTS = 3


def _ask(prompt: str, confirm: bool, check: Check, give_up: str = "") -> str:
    if not sys.stdin.isatty():
        raise CliError("no terminal to ask for passphrases; pass --passphrase-file "
                       "(demo and tests only)")
    for _ in range(ATTEMPTS):
        first = getpass.getpass(prompt)
        # checked before the second typing: a short passphrase is refused at once (README)
        problem = check(first)
        if problem is not None:
            print(f"{problem}; once more", file=sys.stderr)
            continue
        if confirm and getpass.getpass("again: ") != first:
            print("the two differ; once more", file=sys.stderr)
            continue
        return first
    raise CliError(f"{prompt.rstrip(': ')}: not accepted after {ATTEMPTS} attempts; nothing "
                   f"was written{give_up}")


def _passphrases(files: list[str] | None, labels: list[str], confirm: bool,
                 checks: list[Check], give_up: str = "",
                 flag: str = "--passphrase-file") -> list[str]:
    if files:
        if len(files) != len(labels):
            raise CliError(f"{len(files)} {flag} for {len(labels)} "
                           f"{'custodians' if confirm else 'shares'}")
        read = [_passphrase_from_file(f) for f in files]
        for passphrase, check in zip(read, checks, strict=True):
            if (problem := check(passphrase)) is not None:
                raise CliError(problem)
        return read
    return [_ask(f"passphrase of {label}: ", confirm, check, give_up)
            for label, check in zip(labels, checks, strict=True)]


def _long_enough(label: str) -> Check:
    def check(passphrase: str) -> str | None:
        if len(passphrase) < MIN_PASSPHRASE_CHARS:
            return f"passphrase of {label}: at least {MIN_PASSPHRASE_CHARS} characters needed"
        return None
    return check


def cmd_ceremony(args: argparse.Namespace) -> int:
    n, k, epoch = args.custodians, args.threshold, args.epoch
    if not 0 < epoch < 2**32:
        raise CliError(f"--epoch {epoch}: must be a positive number")
    _check_scheme(k, n)
    labels = _custodian_labels(args.custodian, n)
    out = Path(args.out)
    paths = _share_paths(out, epoch, n)
    cost = _share_cost()
    # ask every passphrase before any secret exists, so an aborted ceremony leaves nothing
    passphrases = _new_passphrases(args.passphrase_file, labels)
    secret = secrets.token_bytes(SECRET_BYTES)
    header = _write_new_shares(secret, epoch, k, labels, passphrases, cost, out)
    del secret  # drop our reference; Python cannot wipe the memory (README)
    print(f"epoch {epoch}: linkage secret created and split {k}-of-{n} "
          f"(fingerprint {header.secret_fingerprint}); the secret itself was not written "
          "anywhere")
    _list_shares(labels, paths)
    return 0


def _share_paths(out: Path, epoch: int, n: int) -> list[Path]:
    paths = [out / f"epoch{epoch}-share-{i}-of-{n}.share" for i in range(1, n + 1)]
    existing = [str(p) for p in paths if p.exists()]
    if existing:
        raise CliError(f"{existing[0]}: exists already; refusing to overwrite a share")
    return paths


def _custodian_labels(names: list[str] | None, n: int) -> list[str]:
    labels = names or [f"custodian-{i}" for i in range(1, n + 1)]
    if len(labels) != n:
        raise CliError(f"{len(labels)} --custodian names for --custodians {n}")
    if len(set(labels)) != n:
        raise CliError("--custodian names must differ")
    return labels


def _check_scheme(k: int, n: int) -> None:
    if not 2 <= k <= n <= MAX_CUSTODIANS:
        raise CliError(f"need 2 <= threshold <= custodians <= {MAX_CUSTODIANS}, "
                       f"got --threshold {k} of --custodians {n}")


def _share_cost() -> ScryptCost:
    if not _test_kdf():
        return CEREMONY_COST
    print(f"WARNING: {TEST_KDF_ENV}=1: test-strength passphrase protection; "
          "these shares are for tests only", file=sys.stderr)
    return TEST_COST


def _new_passphrases(files: list[str] | None, labels: list[str],
                     flag: str = "--passphrase-file") -> list[str]:
    return _passphrases(files, labels, confirm=True,
                        checks=[_long_enough(label) for label in labels], flag=flag)


def _write_new_shares(secret: bytes, epoch: int, k: int, labels: list[str],
                      passphrases: list[str], cost: ScryptCost, out: Path) -> ShareHeader:
    """Split `secret` k-of-len(labels) on new polynomials, seal each share under its
    custodian's passphrase and write them all to `out`, or none; the header of the set."""
    n = len(labels)
    shares = split_secret(secret, epoch, k, n, labels)
    _prove_recoverable(shares, secret)
    sealed = [seal_share(s, p, cost) for s, p in zip(shares, passphrases, strict=True)]
    del shares
    made = _new_directories(out)
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    _write_all(list(zip(_share_paths(out, epoch, n), sealed, strict=True)), made)
    return read_header(sealed[0])


def _write_all(files: list[tuple[Path, bytes]], made: list[Path]) -> None:
    """Write every file or none: a failure takes back those written and the
    directories `made` for them."""
    written: list[Path] = []
    try:
        for path, blob in files:
            _write_private(path, blob)
            written.append(path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        for directory in made:
            with contextlib.suppress(OSError):
                directory.rmdir()
        raise


def _list_shares(labels: list[str], paths: list[Path]) -> None:
    for label, path in zip(labels, paths, strict=True):
        print(f"  {label}: {path}")


def _prove_recoverable(shares: list[Share], secret: bytes) -> None:
    """Check, before writing anything, that k shares really rebuild the secret."""
    k, n = shares[0].header.threshold, len(shares)
    for start in range(n):
        if combine_shares([shares[(start + i) % n] for i in range(k)]) != secret:
            raise CliError("internal error: shares do not rebuild the secret; nothing written")


def _load_certificate(path: str, cas: tuple[x509.Certificate, ...],
                      node: str) -> x509.Certificate:
    try:
        cert = x509.load_pem_x509_certificate(Path(path).read_bytes())
    except ValueError:
        raise CliError(f"{path}: not a PEM certificate") from None
    if not issued_by_one_of(cert, cas):
        raise CliError(f"{path}: not issued by the given --ca; refusing to seal keys to it")
    try:
        principal = principal_of_certificate(cert)
    except IdentityError as error:
        raise CliError(f"{path}: {error}") from None
    if (principal.role, principal.name) != ("node", node):
        raise CliError(f"{path}: certificate is for {principal}, not node:{node}")
    # seal_package would refuse it too, but only after every custodian had typed
    if not isinstance(cert.public_key(), ec.EllipticCurvePublicKey):
        raise CliError(f"{path}: certificate of {node} has no EC key; key packages need "
                       "an EC key (P-256), so ask the CA for one")
    return cert


def cmd_package(args: argparse.Namespace) -> int:
    nodes, certs = args.node, args.cert or []
    for node in nodes:
        if not GEMEENTE_CODE.match(node):
            raise CliError(f"--node {node!r}: expected a CBS code like GM0363")
    if len(certs) != len(nodes):
        raise CliError(f"{len(nodes)} --node but {len(certs)} --cert: give one certificate "
                       "per node, in the same order")
    given = _given_shares(args.shares, args.epoch)
    first = given.first
    cas = read_ca_bundle(Path(args.ca))
    recipients = [_load_certificate(c, cas, n) for c, n in zip(certs, nodes, strict=True)]
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise CliError(f"--out {out}: exists and is not a directory")
    targets = [out / f"{node}-epoch{first.epoch}.keys" for node in nodes]
    existing = [str(t) for t in targets if t.exists()]
    if existing:
        raise CliError(f"{existing[0]}: exists already; refusing to overwrite a key package")

    secret = given.rebuild(args.passphrase_file)
    keys = derive_purpose_keys(secret, first.epoch)
    del secret  # from here on only the purpose keys are used
    sealed = [seal_package(keys, node, cert.public_key(), first.secret_fingerprint)
              for node, cert in zip(nodes, recipients, strict=True)]
    made = _new_directories(out)
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    # all packages or none: a failure leaves neither some of them nor an empty --out
    _write_all(list(zip(targets, sealed, strict=True)), made)
    for node, target in zip(nodes, targets, strict=True):
        print(f"key package for {node}, epoch {first.epoch} (secret "
              f"{first.secret_fingerprint}, as the ceremony's minutes; keys "
              f"{keys.fingerprint()}): {target}")
    return 0


# the salt and the passphrase check of a share file are not sealed (they make the key
# that opens the seal), so a change to either reads as a wrong passphrase
SURE_OF_IT = ("; a custodian sure of the passphrase holds a share file whose salt or "
              "passphrase check was altered: leave that share out and use another custodian's")


@dataclass(frozen=True)
class GivenShares:
    """Share files handed in by custodians, their headers read and checked together (not
    yet opened: that needs each custodian's passphrase)."""

    paths: list[str]
    blobs: list[bytes]
    headers: list[ShareHeader]

    @property
    def first(self) -> ShareHeader:
        return self.headers[0]

    def rebuild(self, passphrase_files: list[str] | None) -> bytes:
        """Ask each custodian for the passphrase of their share, open it at once (a wrong
        one is asked again) and rebuild the secret, proven by its fingerprint."""
        # the header is authenticated only when the share opens: until then a name in it
        # is what the file says, not a fact (a tampered header would put words in its mouth)
        labels = [f"share file {p} (unverified header: custodian {h.index} of "
                  f"{h.custodians}, {h.custodian})"
                  for h, p in zip(self.headers, self.paths, strict=True)]
        opened: dict[int, Share] = {}

        def opens(position: int) -> Check:
            def check(passphrase: str) -> str | None:
                try:
                    opened[position] = open_share(self.blobs[position], passphrase,
                                                  self.paths[position])
                except ShareDamaged as error:  # typing again cannot mend the file: stop
                    raise CliError(f"{error}; leave this share out and use another "
                                   "custodian's") from None
                except ShareError as error:
                    return str(error)
                return None
            return check

        _passphrases(passphrase_files, labels, confirm=False,
                     checks=[opens(i) for i in range(len(self.blobs))], give_up=SURE_OF_IT)
        return combine_shares([opened[i] for i in range(len(self.blobs))], self.paths)


def _given_shares(paths: list[str], epoch: int | None) -> GivenShares:
    """Read and check share files before anyone types: same epoch and set, enough of them,
    none twice, none of test strength outside tests."""
    blobs = []
    for path in paths:
        try:
            blobs.append(Path(path).read_bytes())
        except OSError as error:
            raise CliError(f"{path}: cannot read share file ({error.strerror})") from None
    headers = [read_header(b, p) for b, p in zip(blobs, paths, strict=True)]
    check_headers(headers, paths, epoch)
    weak = [p for h, p in zip(headers, paths, strict=True) if _weaker(h.cost, CEREMONY_COST)]
    if weak and not _test_kdf():
        raise CliError(f"{weak[0]}: share made with test-strength passphrase protection; "
                       "not accepted outside tests")
    return GivenShares(list(paths), blobs, headers)


def cmd_reshare(args: argparse.Namespace) -> int:
    """Split an epoch's secret again for a new set of custodians (README "Key management":
    a custodian leaves, shares were lost). The secret and its fingerprint stay; nodes and
    their packages are untouched."""
    n, k = args.custodians, args.threshold
    _check_scheme(k, n)
    labels = _custodian_labels(args.custodian, n)
    given = _given_shares(args.shares, args.epoch)
    old, out = given.first, Path(args.out)
    beside = sorted({str(Path(p).resolve().parent) for p in args.shares}
                    & {str(out.resolve())})
    if beside:
        raise CliError(f"--out {out}: holds shares of the set being replaced; write the new "
                       "set to a directory of its own")
    if out.exists() and not out.is_dir():
        raise CliError(f"--out {out}: exists and is not a directory")
    paths = _share_paths(out, old.epoch, n)
    if args.passphrase_file and args.new_passphrase_file is None:
        raise CliError("--passphrase-file given for the old shares but no "
                       "--new-passphrase-file for the new custodians")
    secret = given.rebuild(args.passphrase_file)
    cost = _share_cost()
    passphrases = _new_passphrases(args.new_passphrase_file, labels, "--new-passphrase-file")
    new = _write_new_shares(secret, old.epoch, k, labels, passphrases, cost, out)
    del secret
    print(f"epoch {old.epoch}: linkage secret (fingerprint {new.secret_fingerprint}, "
          f"unchanged) split again {k}-of-{n} as set {new.ceremony}, replacing set "
          f"{old.ceremony} ({old.threshold}-of-{old.custodians}); shares of the two sets "
          "do not combine. Every custodian of the old set now destroys their old share "
          "file and its copies.")
    _list_shares(labels, paths)
    return 0


def _new_directories(path: Path) -> list[Path]:
    """The directories `path.mkdir(parents=True)` would create, deepest first."""
    missing = []
    while not path.exists():
        missing.append(path)
        if path.parent == path:
            break
        path = path.parent
    return missing


def _weaker(cost: ScryptCost, floor: ScryptCost) -> bool:
    return cost.log2_n < floor.log2_n or cost.r < floor.r


def register(commands: argparse._SubParsersAction) -> None:
    """Add `ceremony` and `package` to the `zichtlijn keys` group."""
    ceremony = commands.add_parser(
        "ceremony", help="create an epoch's linkage secret and split it among custodians")
    ceremony.add_argument("--custodians", type=int, required=True, metavar="N",
                          help="number of custodians (shares)")
    ceremony.add_argument("--threshold", type=int, required=True, metavar="K",
                          help="shares needed to make key packages (2 <= K <= N)")
    ceremony.add_argument("--epoch", type=int, required=True, help="key epoch of the secret")
    ceremony.add_argument("--out", required=True, help="directory for the share files")
    ceremony.add_argument("--custodian", action="append", metavar="NAME",
                          help="custodian names in share order (repeat N times; optional)")
    ceremony.add_argument("--passphrase-file", action="append", metavar="FILE",
                          help="DEMO AND TESTS ONLY: read custodian i's passphrase from the "
                               "i-th file instead of asking on the terminal")
    ceremony.set_defaults(run=cmd_ceremony)

    package = commands.add_parser(
        "package", help="combine K shares and write key packages for nodes")
    package.add_argument("--shares", nargs="+", required=True, metavar="FILE",
                         help="share files of at least K custodians")
    package.add_argument("--node", action="append", required=True, metavar="GMxxxx",
                         help="node to make a package for (repeatable)")
    package.add_argument("--cert", action="append", required=True, metavar="PEM",
                         help="that node's certificate (one per --node, same order)")
    package.add_argument("--ca", required=True,
                         help="CA certificate the node certificates must be issued by")
    package.add_argument("--epoch", type=int, help="refuse shares of any other epoch")
    package.add_argument("--out", required=True, help="directory for the key packages")
    package.add_argument("--passphrase-file", action="append", metavar="FILE",
                         help="DEMO AND TESTS ONLY: passphrase of the i-th share from the "
                              "i-th file instead of asking on the terminal")
    package.set_defaults(run=cmd_package)

    reshare = commands.add_parser(
        "reshare", help="split an epoch's secret again for new custodians (one leaves, "
                        "shares were lost); the secret and the nodes' packages stay")
    reshare.add_argument("--shares", nargs="+", required=True, metavar="FILE",
                         help="share files of at least K custodians of the current set")
    reshare.add_argument("--epoch", type=int, help="refuse shares of any other epoch")
    reshare.add_argument("--custodians", type=int, required=True, metavar="N",
                         help="number of custodians of the new set")
    reshare.add_argument("--threshold", type=int, required=True, metavar="K",
                         help="shares of the new set needed (2 <= K <= N)")
    reshare.add_argument("--custodian", action="append", metavar="NAME",
                         help="new custodian names in share order (repeat N times; optional)")
    reshare.add_argument("--out", required=True,
                         help="directory for the new share files (not that of the old ones)")
    reshare.add_argument("--passphrase-file", action="append", metavar="FILE",
                         help="DEMO AND TESTS ONLY: passphrase of the i-th old share")
    reshare.add_argument("--new-passphrase-file", action="append", metavar="FILE",
                         help="DEMO AND TESTS ONLY: passphrase of the i-th new custodian")
    reshare.set_defaults(run=cmd_reshare)
