"""The command works where numba cannot write its usual caches (the shipped systemd units)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from zichtlijn import numba_cache

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("linkage", "hub", "node", "zichtlijn")


def _unwritable(path: Path) -> None:
    """A place numba cannot create its cache in, also for root: a file where a
    directory would be (the permission bits alone do not stop root)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("not a directory\n")


def _read_only_tree(root: Path) -> Path:
    """The packages copied to a read-only tree, as a venv under /opt is to the service."""
    tree = root / "opt"
    for package in PACKAGES:
        shutil.copytree(REPO / package, tree / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    _unwritable(tree / "linkage" / "__pycache__")  # numba's in-tree location
    for path in [tree, *tree.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    return tree


def _locked_down_env(root: Path, **extra: str) -> dict[str, str]:
    home = root / "home"
    _unwritable(home / ".cache")  # numba's user-wide location
    home.chmod(0o555)
    tmp = root / "tmp"
    tmp.mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items()
           if k not in ("NUMBA_CACHE_DIR", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR",
                        "CACHE_DIRECTORY", "PYTHONDONTWRITEBYTECODE")}
    return {**env, "HOME": str(home), "TMPDIR": str(tmp), "PYTHONPATH": str(root / "opt"),
            "PYTHONDONTWRITEBYTECODE": "1", **extra}


def _run(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "zichtlijn", "pki", "dev", "--out", str(root / "pki")],
        cwd=root / "opt", env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def locked_down(tmp_path: Path):
    _read_only_tree(tmp_path)
    yield tmp_path
    for path in [tmp_path, *tmp_path.rglob("*")]:  # so that pytest can clean up
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o700)


def test_the_command_runs_with_no_writable_numba_cache_and_leaves_no_temporary_cache(
        locked_down):
    env = _locked_down_env(locked_down)
    done = _run(locked_down, env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert (locked_down / "pki" / "ca.pem").exists()
    # the copy was the code that ran, not the repository's
    assert not (REPO / "zichtlijn-numba").exists()
    # its private temporary cache is gone with it
    assert list((locked_down / "tmp").iterdir()) == []


def test_systemds_cache_directory_is_used_when_given(locked_down):
    cache = locked_down / "cache"
    cache.mkdir(mode=0o755)
    done = _run(locked_down, _locked_down_env(locked_down, CACHE_DIRECTORY=str(cache)))
    assert done.returncode == 0, done.stderr
    chosen = cache / "zichtlijn-numba"
    assert stat.S_IMODE(chosen.stat().st_mode) == 0o700


@pytest.fixture
def no_default_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    kernels = tmp_path / "linkage"
    _unwritable(kernels / "__pycache__")
    monkeypatch.setattr(numba_cache, "_kernels_directory", lambda: kernels)
    _unwritable(tmp_path / "home" / ".cache")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in ("NUMBA_CACHE_DIR", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR", "CACHE_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "tmp").mkdir(mode=0o700)
    monkeypatch.setattr(numba_cache.tempfile, "tempdir", str(tmp_path / "tmp"))
    return tmp_path


def test_a_cache_directory_others_may_write_is_passed_over(no_default_cache, monkeypatch):
    shared = no_default_cache / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # anyone could plant compiled code here
    monkeypatch.setenv("CACHE_DIRECTORY", str(shared))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(shared))
    chosen = numba_cache.ensure_numba_cache()
    assert chosen is not None
    assert Path(chosen).parent == no_default_cache / "tmp"  # a fresh mkdtemp instead
    assert stat.S_IMODE(Path(chosen).stat().st_mode) == 0o700
    assert os.environ["NUMBA_CACHE_DIR"] == chosen
    assert not (shared / "zichtlijn-numba").exists()


def test_a_writable_numba_cache_dir_is_kept(no_default_cache, monkeypatch):
    given = no_default_cache / "given"
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(given))
    assert numba_cache.ensure_numba_cache() is None
    assert os.environ["NUMBA_CACHE_DIR"] == str(given)


def test_nothing_is_set_where_numba_finds_its_own_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(numba_cache, "_kernels_directory", lambda: tmp_path / "linkage")
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    assert numba_cache.ensure_numba_cache() is None
    assert "NUMBA_CACHE_DIR" not in os.environ


def test_no_writable_directory_at_all_is_one_line_and_exit_1(no_default_cache, monkeypatch,
                                                            capsys):
    from zichtlijn import cli
    _unwritable(no_default_cache / "notmp")
    monkeypatch.setattr(numba_cache.tempfile, "tempdir", str(no_default_cache / "notmp"))
    assert cli.main(["pki", "dev", "--out", str(no_default_cache / "pki")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("zichtlijn: no writable directory for numba's cache")
    assert err.count("\n") == 1
