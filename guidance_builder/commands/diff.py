"""`guidance-builder diff OLD NEW`: what changed in the rules between two editions.

OLD and NEW are published versions (from editions/) or 'content' for the working edition.
"""

from __future__ import annotations

import json

from guidance_builder.diagnostics import ContentError, Diagnostic, Diagnostics, Location, did_you_mean
from guidance_builder.editions.diff import diff_rulebooks
from guidance_builder.editions.history import contract_clauses, load_rulebook
from guidance_builder.editions.store import list_published
from guidance_builder.project import Project


def configure(parser) -> None:
    parser.add_argument("old", help="the earlier edition: a published version, or 'content'")
    parser.add_argument("new", help="the later edition: a published version, or 'content'")
    parser.add_argument("--json", action="store_true", help="print the changes as JSON")


def main(args, project: Project) -> int:
    diagnostics = Diagnostics()
    published = {p.version: p for p in list_published(project, diagnostics)}
    books, clauses = [], []
    for name in (args.old, args.new):
        if name == "content":
            source = project
        elif name in published:
            source = project.with_content(published[name].content)
        else:
            diagnostics.error(
                Location(project.display(project.editions)), f"no published edition '{name}'", did_you_mean(name, [*published, "content"])
            )
            continue
        books.append(load_rulebook(source, diagnostics))
        clauses.append(contract_clauses(source, diagnostics))
    if diagnostics or None in books:
        raise ContentError(diagnostics.sorted() or [Diagnostic(Location("content"), "cannot load the editions")])
    changes = diff_rulebooks(books[0], books[1], clauses[0], clauses[1])
    if args.json:
        print(json.dumps({"old": books[0].meta.version, "new": books[1].meta.version, "changes": [c.as_json() for c in changes]}, indent=2))
        return 0
    print(f"Changes to the rules from version {books[0].meta.version} to {books[1].meta.version}:")
    for change in changes:
        print("  " + change.line())
    if not changes:
        print("  none")
    return 0
