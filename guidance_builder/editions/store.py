"""Published editions, frozen in the repository so a fresh clone and CI have them.

editions/<version>/
    content/        the content exactly as published (for diffs and the record)
    site/           the edition's documents exactly as published
    manifest.json   SHA-256 of every file in site/ and of the content snapshot

A published edition never changes: the build verifies every hash and refuses to go on
if a byte differs. A fix is published as a new edition.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from guidance_builder.diagnostics import Diagnostics, Location
from guidance_builder.editions.manifest import manifest_shape_problem, verify_metadata
from guidance_builder.project import Project

MANIFEST = "manifest.json"
BANNER_MARK = "<!-- edition-banner -->"
"""Where a superseded edition's banner goes; the only change ever made to a frozen page."""


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def folder_hash(folder: Path) -> str:
    """One hash for a folder's files: their relative paths and bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(sha256(path.read_bytes()).encode() + b"\n")
    return digest.hexdigest()


@dataclass(frozen=True)
class PublishedEdition:
    version: str
    folder: Path
    manifest: dict

    @property
    def content(self) -> Path:
        return self.folder / "content"

    @property
    def site(self) -> Path:
        return self.folder / "site"

    @property
    def status(self) -> str:
        return self.manifest["status"]

    def files(self) -> dict[str, bytes]:
        return {p.relative_to(self.site).as_posix(): p.read_bytes() for p in sorted(self.site.rglob("*")) if p.is_file()}


def list_published(project: Project, diagnostics: Diagnostics) -> list[PublishedEdition]:
    """Every published edition, oldest first, each verified byte for byte against its manifest."""
    if not project.editions.is_dir():
        return []
    editions = []
    for folder in sorted(project.editions.iterdir(), key=lambda p: p.name):
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        display = project.display(folder)
        if not re.fullmatch(r"\d+\.\d+\.\d+", folder.name):
            diagnostics.error(
                Location(display), f"'{folder.name}' is not an edition version", "edition folders are named by version, such as 0.2.0"
            )
            continue
        manifest_path = folder / MANIFEST
        where = Location(project.display(manifest_path))
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) else f"it is not valid JSON ({error})"
            diagnostics.error(where, f"cannot read the manifest of published edition {folder.name}: {reason}", "restore it from git")
            continue
        problem = manifest_shape_problem(manifest)
        if problem:
            diagnostics.error(where, f"the manifest of published edition {folder.name} {problem}", "restore it from git")
            continue
        edition = PublishedEdition(folder.name, folder, manifest)
        if _verify(project, edition, diagnostics) and verify_metadata(project, edition, diagnostics):
            editions.append(edition)
    return sorted(editions, key=lambda e: version_key(e.version))


def _verify(project: Project, edition: PublishedEdition, diagnostics: Diagnostics) -> bool:
    ok = True
    hint = "published editions never change: restore it (git checkout -- editions/), and publish any fix as a new edition"
    recorded = edition.manifest.get("files", {})
    present = {p.relative_to(edition.site).as_posix() for p in edition.site.rglob("*") if p.is_file()} if edition.site.is_dir() else set()
    for name in sorted(set(recorded) | present):
        where = Location(project.display(edition.site / name))
        if name not in present:
            diagnostics.error(where, f"a document of published edition {edition.version} is missing", hint)
            ok = False
        elif name not in recorded:
            diagnostics.error(where, f"a file was added to published edition {edition.version}", hint)
            ok = False
        elif sha256((edition.site / name).read_bytes()) != recorded[name]["sha256"]:
            diagnostics.error(
                where, f"a document of published edition {edition.version} has changed since it was published (its SHA-256 differs)", hint
            )
            ok = False
    if not edition.content.is_dir() or folder_hash(edition.content) != edition.manifest.get("content_sha256"):
        diagnostics.error(
            Location(project.display(edition.content)),
            f"the content of published edition {edition.version} has changed since it was published",
            hint,
        )
        ok = False
    return ok


def freeze(project: Project, meta, files: dict[str, bytes]) -> Path:
    """Record a new published edition: its content snapshot (the files it reads, and no
    others), documents and manifest. The caller holds the publish lock."""
    from guidance_builder.editions.snapshot import edition_files, read_regular

    target = project.editions / meta.version
    staging = project.editions / f".{meta.version}.new"
    if staging.exists():
        shutil.rmtree(staging)
    for name in edition_files(project, meta):
        data = read_regular(project.content / name)
        if data is None:  # checked when the content was loaded; refused here too rather than frozen wrong
            raise ValueError(f"content/{name} is not a regular file")
        path = staging / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for name, data in sorted(files.items()):
        path = staging / "site" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    manifest = {
        "version": meta.version,
        "title": meta.title,
        "status": meta.status,
        "change_type": meta.change_type,
        "change_summary": meta.change_summary,
        "publication_date": meta.publication_date.isoformat(),
        "effective_date": meta.effective_date.isoformat(),
        "content_sha256": folder_hash(staging / "content"),
        "files": {name: {"sha256": sha256(data), "bytes": len(data)} for name, data in sorted(files.items())},
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    staging.rename(target)
    return target
