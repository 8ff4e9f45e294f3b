"""The content an edition is made of: exactly the files it reads, and nothing else.

`publish` freezes these files (not everything under content/: an editor's swap file or
a `.DS_Store` is no part of an edition), and "is this content a published edition?"
compares these files alone. content/ holds only regular files and folders: a link could
freeze a file from anywhere on the machine, and a FIFO would hang whoever reads it.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from guidance_builder.diagnostics import Diagnostics, Location
from guidance_builder.project import Project

_SPECIAL = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
}


def edition_files(project: Project, meta) -> list[str]:
    """The files under content/ that this edition reads, relative to it (posix), sorted."""
    from guidance_builder.contract.files import CONTRACT_FILE_NAMES, CONTRACT_FOLDER
    from guidance_builder.model import CONTENT_FILES

    names = {*CONTENT_FILES, *(f"{CONTRACT_FOLDER}/{name}" for name in CONTRACT_FILE_NAMES)}
    for section in meta.sections:
        path = project.inside(project.content, section.file)
        if path is not None:
            names.add(path.relative_to(project.content.resolve()).as_posix())
    return sorted(name for name in names if (project.content / name).exists())


def files_hash(folder: Path, names: list[str]) -> str:
    """One hash for some files of a folder: their relative paths and bytes (as store.folder_hash
    computes it for a whole snapshot, which holds exactly these files)."""
    digest = hashlib.sha256()
    for name in sorted(names):
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256(read_regular(folder / name) or b"").hexdigest().encode() + b"\n")
    return digest.hexdigest()


def read_regular(path: Path) -> bytes | None:
    """The bytes of a regular file; None for anything else (a link, a FIFO: never opened)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        return path.read_bytes()
    except OSError:
        return None


def check_content_folder(project: Project, diagnostics: Diagnostics) -> None:
    """An error for every link and special file under content/, wherever it is."""
    root = project.content
    if not root.is_dir():
        return
    for folder, subfolders, files in os.walk(root):
        for name in sorted([*subfolders, *files]):
            path = Path(folder) / name
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                continue
            where = Location(project.display(path))
            if stat.S_ISLNK(mode):
                diagnostics.error(
                    where,
                    "this is a symbolic link; content/ holds only real files and folders",
                    "replace the link with the file itself, or remove it",
                )
            elif not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
                kind = _SPECIAL.get(stat.S_IFMT(mode), "not a regular file")
                diagnostics.error(where, f"this is {kind}, not a file; content/ holds only files and folders", "remove it")


def differences(working: Path, working_names: list[str], snapshot: Path) -> list[str]:
    """What differs between the files an edition reads and a published snapshot, one phrase each."""
    published = sorted(p.relative_to(snapshot).as_posix() for p in snapshot.rglob("*") if p.is_file()) if snapshot.is_dir() else []
    found = []
    for name in sorted(set(working_names) | set(published)):
        if name not in published:
            found.append(f"content/{name} is new")
        elif name not in working_names:
            found.append(f"content/{name} is gone")
        elif read_regular(working / name) != read_regular(snapshot / name):
            found.append(f"content/{name} differs")
    return found
