"""Helpers of the file-fault tests (issue 12): ``kg`` run as a child process under the
limits a fault needs (no permission override for root, a file size limit), and the
checks every such test makes (the output set whole, no working file left)."""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PROFILES = ROOT / "examples" / "profiles"
KG = [sys.executable, "-m", "kg"]
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def _drop_permission_override() -> None:
    """In the child, before exec: root loses the capabilities that let it read and write
    whatever the permissions say, so ``chmod 000`` means what it means for a user."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def permissions_apply() -> bool:
    """Whether a child process can be made to obey file permissions (not root, or root
    allowed to drop its capabilities)."""
    if os.geteuid() != 0:
        return True
    probe = subprocess.run(["true"], preexec_fn=_drop_permission_override, check=False)
    return probe.returncode == 0


needs_permissions = pytest.mark.skipif(not permissions_apply(), reason="cannot make file permissions apply here")


def run_kg(*args: str | Path, cwd: Path | None = None, tmpdir: Path | None = None, obey_permissions: bool = False,
           max_file_bytes: int | None = None, stdin: int | None = subprocess.DEVNULL,
           timeout: float = 120) -> subprocess.CompletedProcess:
    """``kg ARGS`` in a child process: stdout bytes, stderr text. ``tmpdir``: its TMPDIR
    (the spill folders); ``obey_permissions``: root loses its permission override;
    ``max_file_bytes``: RLIMIT_FSIZE, a write past it fails as on a full disk (EFBIG)."""
    def limits() -> None:
        if obey_permissions and os.geteuid() == 0:
            _drop_permission_override()
        if max_file_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))

    env = dict(os.environ, TMPDIR=str(tmpdir)) if tmpdir else None
    result = subprocess.run([*KG, *map(os.fsencode, args)], cwd=cwd, env=env, preexec_fn=limits, stdin=stdin,
                            capture_output=True, timeout=timeout, check=False)
    result.stderr = result.stderr.decode("utf-8", "replace")
    return result


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def trio(export: Path) -> tuple[Path, Path, Path]:
    """An export and the report and description beside it (the default names)."""
    stem = export.with_suffix("")
    return export, stem.with_name(f"{stem.name}.report.json"), stem.with_name(f"{stem.name}.void.ttl")


def is_complete_set(export: Path, report: Path | None = None, description: Path | None = None) -> bool:
    """Whether the report (default: beside ``export``) names that export and the
    description by size and SHA-256 (README, "Reliability": how a reader tells a
    complete set)."""
    export, default_report, default_description = trio(export)
    report, description = report or default_report, description or default_description
    files = json.loads(report.read_text(encoding="utf-8"))["files"]
    return all(files[role]["bytes"] == path.stat().st_size and files[role]["sha256"] == sha256(path)
               for role, path in (("export", export), ("description", description)))


def snapshot(*paths: Path) -> dict[Path, bytes | None]:
    return {p: p.read_bytes() if p.exists() else None for p in paths}


def working_files(*folders: Path) -> list[str]:
    """kg's working files (staged outputs, journals, kept old files, spill folders) and any
    other temporary file left in ``folders``."""
    left = []
    for folder in folders:
        if folder.is_dir():
            left += [f"{folder.name}/{e.name}" for e in os.scandir(folder)
                     if ".kg-" in e.name or e.name.startswith("kg-spill") or e.name.endswith((".tmp", ".part"))]
    return left


def small_profiles(folder: Path, count: int = 2) -> Path:
    """A folder with the first ``count`` bundled profiles."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in sorted(PROFILES.glob("*.txt"))[:count]:
        shutil.copy(source, folder / source.name)
    return folder


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path: an input tree before and after a run."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink()}

