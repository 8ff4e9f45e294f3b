"""A published edition's manifest.json: its shape, and the metadata it shows.

The site lists each published edition by what its manifest says (version, title, status,
change summary, dates), so none of that may be taken on trust: each must equal what the
edition's frozen guidance.yaml says (its bytes are verified by content_sha256), and the
version must be the name of the edition's folder.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from guidance_builder.diagnostics import Diagnostics, Location

if TYPE_CHECKING:
    from guidance_builder.editions.store import PublishedEdition
    from guidance_builder.project import Project

SHOWN = ("version", "title", "status", "change_type", "change_summary", "publication_date", "effective_date")
"""What the site shows of a published edition, all taken from its manifest."""

HINT = "published editions never change: restore it (git checkout -- editions/), and publish any fix as a new edition"


def manifest_shape_problem(manifest: object) -> str:
    """What is wrong with the manifest's shape ("" if nothing), as the end of a sentence."""
    if not isinstance(manifest, dict):
        return f"should be a JSON object, not {type(manifest).__name__}"
    for key in (*SHOWN, "content_sha256"):
        if not isinstance(manifest.get(key), str):
            return f"should give '{key}' as text" if key in manifest else f"has no '{key}'"
    for key in ("publication_date", "effective_date"):
        try:
            datetime.date.fromisoformat(manifest[key])
        except ValueError:
            return f"should give '{key}' as a date (YYYY-MM-DD), not '{manifest[key]}'"
    files = manifest.get("files")
    if not isinstance(files, dict):
        return "should list its documents under 'files'"
    for name, entry in files.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
            return f"should give the SHA-256 of '{name}' as text"
    return ""


def verify_metadata(project: Project, edition: PublishedEdition, diagnostics: Diagnostics) -> bool:
    """Every value the site shows of the edition equals its frozen guidance.yaml; its version is its folder."""
    from guidance_builder.loading.yaml_source import load_yaml

    where = Location(project.display(edition.folder / "manifest.json"))
    manifest = edition.manifest
    if manifest["version"] != edition.folder.name:
        diagnostics.error(
            where, f"the manifest says version '{manifest['version']}', but the edition's folder is {edition.folder.name}", HINT
        )
        return False
    source = edition.content / "guidance.yaml"
    doc = load_yaml(source, project.display(source), diagnostics)
    if doc is None:
        return False
    frozen = doc.data if isinstance(doc.data, dict) else {}
    ok = True
    for key in SHOWN:
        expected = frozen.get(key)
        expected = expected.isoformat() if isinstance(expected, datetime.date) else expected
        if manifest[key] != expected:
            diagnostics.error(
                where,
                f"the manifest's '{key}' of published edition {edition.folder.name} is not what the edition published"
                f" ('{_short(manifest[key])}'; its guidance.yaml says '{_short(expected)}')",
                HINT,
            )
            ok = False
    return ok


def _short(value: object, limit: int = 60) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
