"""Stage 6: write outputs into a temporary folder and swap it in only when complete.

A failed or interrupted build never leaves a half-written site: the previous
`build/site` stays as it was until the new one is whole. A build killed outright
(SIGKILL, a power cut) can leave its staging folder behind, or, in the instant
between the two renames of the swap, the previous site under its retired name;
the next publish restores the one and removes the other.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath


def publish(files: dict[str, bytes], target: Path) -> None:
    for relative in files:
        if not relative or relative.startswith("/") or "\\" in relative or ".." in PurePosixPath(relative).parts:
            raise ValueError(f"refusing to write {relative!r} outside the site folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    # One publish at a time per target; the lock dies with its process, so whatever a
    # holder finds of another publish was left by one that was killed.
    with open(target.parent / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        recover(target)
        _write_and_swap(files, target)


def _write_and_swap(files: dict[str, bytes], target: Path) -> None:
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a published site must be readable
    try:
        for relative, data in sorted(files.items()):
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        _swap(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def recover(target: Path) -> None:
    """Tidy up after a build that was killed: restore a retired site if the swap was cut
    short, and remove staging and retired folders left behind."""
    retired = sorted(target.parent.glob(f".{target.name}-old-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    if not target.exists() and retired:
        os.replace(retired.pop(0), target)
    for stale in [*retired, *target.parent.glob(f".{target.name}-new-*")]:
        shutil.rmtree(stale, ignore_errors=True)


def _swap(staging: Path, target: Path) -> None:
    if not target.exists():
        os.replace(staging, target)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
    os.rmdir(retired)
    os.replace(target, retired)
    try:
        os.replace(staging, target)
    except OSError:
        os.replace(retired, target)
        raise
    shutil.rmtree(retired, ignore_errors=True)
