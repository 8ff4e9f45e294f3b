"""An edition's history: every earlier published edition and what each changed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from guidance_builder.diagnostics import Diagnostics, Location
from guidance_builder.editions.diff import Change, diff_rulebooks
from guidance_builder.editions.snapshot import differences, edition_files, files_hash
from guidance_builder.editions.store import PublishedEdition, version_key
from guidance_builder.model import Rulebook
from guidance_builder.project import Project


@dataclass(frozen=True)
class HistoryEntry:
    version: str
    publication_date: datetime.date
    change_type: str
    change_summary: str
    changes: list[Change] = field(default_factory=list)


def load_rulebook(project: Project, diagnostics: Diagnostics) -> Rulebook | None:
    from guidance_builder.loading.content import load_yaml_files
    from guidance_builder.validate import assemble, validate_schema

    return assemble(validate_schema(load_yaml_files(project, diagnostics), diagnostics))


def contract_clauses(project: Project, diagnostics: Diagnostics) -> dict[str, dict] | None:
    """Every clause of the model contract (core terms and schedule paragraphs) by id, for diffs."""
    from guidance_builder.contract.document import load_contract

    document = load_contract(project, diagnostics)
    if document is None:
        return None
    clauses = {c.clause.id: c.clause.model_dump(mode="json") for part in document.parts for c in part.clauses}
    for schedule in document.schedules:
        clauses[schedule.schedule.id] = {"title": schedule.schedule.title, "intro": schedule.schedule.intro}
        clauses.update({c.clause.id: c.clause.model_dump(mode="json") for c in schedule.clauses})
    return clauses


def earlier_editions(
    project: Project, book: Rulebook, published: list[PublishedEdition], diagnostics: Diagnostics
) -> list[tuple[Project, Rulebook]]:
    """Every published edition older than this one, oldest first, with its rulebook; an error for one that no longer loads."""
    found = []
    for edition in published:
        if version_key(edition.version) >= version_key(book.meta.version):
            continue
        source = project.with_content(edition.content)
        older = load_rulebook(source, diagnostics)
        if older is not None:
            found.append((source, older))
    return found


def edition_history(project: Project, book: Rulebook, earlier: list[tuple[Project, Rulebook]]) -> list[HistoryEntry]:
    """Newest first: this edition, then every earlier one (`earlier_editions`), each with its changes."""
    chain: list[tuple[Rulebook, dict | None]] = [(older, contract_clauses(source, Diagnostics())) for source, older in earlier]
    chain.append((book, contract_clauses(project, Diagnostics()) if chain else None))
    entries = []
    for index, (current, clauses) in enumerate(chain):
        changes = diff_rulebooks(chain[index - 1][0], current, chain[index - 1][1], clauses) if index else []
        meta = current.meta
        entries.append(HistoryEntry(meta.version, meta.publication_date, meta.change_type, meta.change_summary, changes))
    return list(reversed(entries))


def check_not_republished(
    project: Project, book: Rulebook, published: list[PublishedEdition], where: Location, diagnostics: Diagnostics
) -> PublishedEdition | None:
    """The published edition this content is, if any; an error if it claims a published version but differs."""
    for edition in published:
        if edition.version != book.meta.version:
            continue
        names = edition_files(project, book.meta)
        if files_hash(project.content, names) == edition.manifest["content_sha256"]:
            return edition
        changed = differences(project.content, names, edition.content)
        named = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        diagnostics.error(
            where,
            f"version {edition.version} is already published, and the content has changed since: {named or 'a file differs'}",
            "published editions never change: set a new version in guidance.yaml to start the next edition",
        )
    return None
