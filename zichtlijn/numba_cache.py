"""Where numba keeps the compiled Dice kernels, decided before `linkage.kernels` is imported.

`linkage/kernels.py` compiles with `cache=True`, and numba refuses to even define such a
function (RuntimeError at import, so every `zichtlijn` command) when it finds no
writable cache: it tries `NUMBA_CACHE_DIR`, then `__pycache__` beside the module, then
the user's `~/.cache/numba`. Under the shipped systemd units none of these need be
writable (a read-only /opt venv, `ProtectSystem=strict`, a home whose `.cache` is not
in `ReadWritePaths`), nor in a container with a read-only root. The library stays free
of I/O (linkage/__init__.py), so the command chooses here, first thing.

A cache directory is code: numba loads the machine code it finds there. So a directory
chosen here is never a predictable shared path such as /tmp/numba: it is the service's
own cache directory (systemd's `CacheDirectory=`), the user's runtime directory, or a
fresh private `tempfile.mkdtemp()` removed at exit, and one that exists already is used
only when it is ours and nobody else may write in it.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import os
import shutil
import stat
import tempfile
from pathlib import Path

CACHE_ENV = "NUMBA_CACHE_DIR"


class NumbaCacheError(Exception):
    """No directory at all in which numba could keep its cache."""


def _writable(path: Path) -> bool:
    """numba's own test of a cache location (`_CacheLocator.ensure_cache_path`)."""
    try:
        os.makedirs(path, exist_ok=True)
        tempfile.TemporaryFile(dir=path).close()
    except OSError:
        return False
    return True


def _kernels_directory() -> Path | None:
    # find_spec of the top-level package locates it without importing it (nor numba)
    spec = importlib.util.find_spec("linkage")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))).resolve()


def _numba_default_works(kernels: Path) -> bool:
    """Whether numba finds a writable cache itself: in-tree, or user-wide (XDG on Linux)."""
    if _writable(kernels / "__pycache__"):
        return True
    user_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path("~/.cache").expanduser())
    # numba's user-wide path: <cache>/numba/<dir name>_<sha1 of the module's directory>
    digest = hashlib.sha1(str(kernels).encode()).hexdigest()
    return _writable(user_cache / "numba" / f"{kernels.name}_{digest}")


def _private(path: Path) -> bool:
    """Ours, a directory, and writable by nobody else: safe to load compiled code from."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid()
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _own_directory(parent: str | None) -> Path | None:
    """`<parent>/zichtlijn-numba`, mode 0700, when parent is ours alone and writable."""
    if not parent or not _private(Path(parent)):
        return None
    path = Path(parent) / "zichtlijn-numba"
    try:
        path.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
    return path if _private(path) and _writable(path) else None


def ensure_numba_cache() -> str | None:
    """Set NUMBA_CACHE_DIR when numba would find no writable cache; return what was set.

    Raises NumbaCacheError when not even a private temporary directory can be made.

    An explicit NUMBA_CACHE_DIR that can be written is kept. One that cannot is passed
    over as numba itself passes it over (it goes on to the in-tree and user-wide
    locations), and replaced only when those fail too.
    """
    given = os.environ.get(CACHE_ENV)
    if given and _writable(Path(given)):
        return None
    kernels = _kernels_directory()
    if kernels is None or _numba_default_works(kernels):
        return None
    # systemd's CacheDirectory= (CACHE_DIRECTORY), then the login session's runtime dir
    for parent in (os.environ.get("CACHE_DIRECTORY", "").split(":")[0],
                   os.environ.get("XDG_RUNTIME_DIR")):
        if (chosen := _own_directory(parent)) is not None:
            os.environ[CACHE_ENV] = str(chosen)
            return str(chosen)
    # last resort: a directory nobody else can have prepared; compiled anew each run
    try:
        fresh = tempfile.mkdtemp(prefix="zichtlijn-numba-")
    except OSError as error:
        raise NumbaCacheError(
            f"no writable directory for numba's cache of compiled code ({error.strerror}); "
            f"set {CACHE_ENV} to a directory only this user can write") from None
    atexit.register(shutil.rmtree, fresh, ignore_errors=True)
    os.environ[CACHE_ENV] = fresh
    return fresh
