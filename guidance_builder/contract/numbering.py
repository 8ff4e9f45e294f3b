"""The model contract numbered: parts, clauses, paragraphs, schedules and Award Form entries,
each with its number, its anchor and the file and line it comes from."""

from __future__ import annotations

from dataclasses import dataclass, field

from guidance_builder.contract.model import (
    AwardEntry,
    AwardFormFile,
    Clause,
    ContractMeta,
    CoreTermsFile,
    Field,
    Paragraph,
    Part,
    Schedule,
    SchedulesFile,
)
from guidance_builder.loading.yaml_source import YamlDocument, YamlPath

# Numbered structure ---------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    key: str
    kind: str  # entry, clause, paragraph, schedule
    number: str
    label: str
    html_id: str
    file: str
    path: YamlPath


@dataclass
class NumberedParagraph:
    para: Paragraph
    number: str
    html_id: str


@dataclass
class NumberedClause:
    clause: Clause
    number: str
    html_id: str
    paragraphs: list[NumberedParagraph]


@dataclass
class NumberedPart:
    part: Part
    clauses: list[NumberedClause]


@dataclass
class NumberedSchedule:
    schedule: Schedule
    number: int
    html_id: str
    clauses: list[NumberedClause]


@dataclass
class NumberedEntry:
    entry: AwardEntry
    number: int
    html_id: str


@dataclass(frozen=True)
class PlacedField:
    field: Field
    where: str
    """Label of the place the field is filled in, e.g. 'item 5 of the Award Form'."""
    html_id: str
    file: str
    path: YamlPath


@dataclass
class ContractDocument:
    meta: ContractMeta
    award: AwardFormFile
    core: CoreTermsFile
    entries: list[NumberedEntry]
    parts: list[NumberedPart]
    schedules: list[NumberedSchedule]
    anchors: dict[str, Anchor]
    fields: list[PlacedField]
    documents: dict[str, YamlDocument] = field(default_factory=dict)

    @property
    def field_map(self) -> dict[str, PlacedField]:
        return {p.field.name: p for p in self.fields}

    def clause_count(self) -> int:
        return sum(len(p.clauses) for p in self.parts)


def number_contract(meta: ContractMeta, award: AwardFormFile, core: CoreTermsFile, schedules: SchedulesFile, diagnostics, docs):
    anchors: dict[str, Anchor] = {}
    fields: list[PlacedField] = []

    def add(key: str, kind: str, number: str, label: str, file: str, path: YamlPath) -> str:
        html = f"{kind}-{key}"
        if key in anchors:
            first = anchors[key]
            diagnostics.error(
                docs[file].location(path + ("id",)),
                f"the id '{key}' is used twice in the contract",
                f"it is already used in {first.file}; give each clause, paragraph, schedule and item its own id",
            )
            return html
        anchors[key] = Anchor(key, kind, number, label, html, file, path)
        return html

    def place(items: list[Field], where: str, file: str, path: YamlPath) -> None:
        for index, item in enumerate(items):
            fields.append(PlacedField(item, where, f"field-{item.name}", file, path + (index,)))

    entries = []
    for i, entry in enumerate(award.entries, 1):
        path = ("entries", i - 1)
        html = add(entry.id, "item", str(i), f"item {i} of the Award Form", "award-form.yaml", path)
        entries.append(NumberedEntry(entry, i, html))
        place(entry.fields, f"item {i} of the Award Form", "award-form.yaml", path + ("fields",))

    def number_clauses(clauses: list[Clause], file: str, base: YamlPath, label, start: int) -> list[NumberedClause]:
        result = []
        for offset, clause in enumerate(clauses):
            n = start + offset
            path = base + (offset,)
            html = add(clause.id, "clause", str(n), label(str(n)), file, path)
            paras = []
            for j, para in enumerate(clause.paragraphs, 1):
                number = f"{n}.{j}"
                para_path = path + ("paragraphs", j - 1)
                if para.id:
                    para_html = add(para.id, "clause", number, label(number), file, para_path)
                else:
                    para_html = f"{html}-{j}"
                paras.append(NumberedParagraph(para, number, para_html))
                place(para.fields, label(number), file, para_path + ("fields",))
                if para.table:
                    for r, row in enumerate(para.table.rows):
                        place(row.fields, label(number), file, para_path + ("table", "rows", r, "fields"))
            result.append(NumberedClause(clause, str(n), html, paras))
        return result

    parts = []
    count = 1
    for p, part in enumerate(core.parts):
        clauses = number_clauses(part.clauses, "core-terms.yaml", ("parts", p, "clauses"), lambda n: f"clause {n}", count)
        count += len(part.clauses)
        parts.append(NumberedPart(part, clauses))

    numbered_schedules = []
    for k, schedule in enumerate(schedules.schedules, 1):
        path = ("schedules", k - 1)
        html = add(schedule.id, "schedule", str(k), f"Schedule {k}", "schedules.yaml", path)
        clauses = number_clauses(
            schedule.clauses, "schedules.yaml", path + ("clauses",), lambda n, k=k: f"paragraph {n} of Schedule {k}", 1
        )
        numbered_schedules.append(NumberedSchedule(schedule, k, html, clauses))

    return ContractDocument(meta, award, core, entries, parts, numbered_schedules, anchors, fields, docs)
