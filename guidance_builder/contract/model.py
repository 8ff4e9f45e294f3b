"""Schema of the model contract's YAML files (content/contract/), and of the fill-in fields.

Fields are the one typed thing every output shares: the HTML shows them as blanks, the
PDF as AcroForm fields, the DOCX as content controls, and `contract fill` checks
answers against them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field as PydanticField
from pydantic import StringConstraints

from guidance_builder.model.content import Id, Strict, Text

FieldType = Literal["text", "multiline", "date", "money", "number", "choice", "yesno", "signature"]

PDF_FIELD_TYPES: dict[str, str] = {
    "text": "/Tx",
    "multiline": "/Tx",
    "date": "/Tx",
    "money": "/Tx",
    "number": "/Tx",
    "signature": "/Tx",
    "choice": "/Ch",
    "yesno": "/Btn",
}
"""The AcroForm field type (/FT) each YAML field type becomes: text, choice or checkbox."""

ChoiceValue = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_]*$")]


class Choice(Strict):
    value: ChoiceValue
    label: Text


class Field(Strict):
    name: Id
    label: Text
    type: FieldType
    help: Text | None = None
    required: bool = False
    choices: list[Choice] = []


class Definition(Strict):
    term: Text
    meaning: Text
    differs_from_guidance: Text | None = None
    """Why this term means something other than the guidance's term of the same name (e.g. a party, not a class of body)."""


class TableRow(Strict):
    cells: list[Text] = PydanticField(min_length=1)
    fields: list[Field] = []


class Table(Strict):
    columns: list[Text] = PydanticField(min_length=1)
    rows: list[TableRow] = PydanticField(min_length=1)


class Paragraph(Strict):
    """A numbered sub-clause (12.3) or schedule sub-paragraph, with optional lettered items."""

    id: Id | None = None
    text: Text
    items: list[Text] = []
    note: Text | None = None
    fields: list[Field] = []
    table: Table | None = None


class Clause(Strict):
    """A numbered clause of the core terms, or a numbered paragraph of a schedule."""

    id: Id
    title: Text
    optional: bool = False
    chosen_by: Id | None = None
    note: Text | None = None
    definitions: list[Definition] = []
    paragraphs: list[Paragraph] = []


class Part(Strict):
    id: Id
    title: Text
    clauses: list[Clause] = PydanticField(min_length=1)


class Schedule(Strict):
    id: Id
    title: Text
    optional: bool = False
    chosen_by: Id | None = None
    note: Text | None = None
    intro: Text | None = None
    clauses: list[Clause] = PydanticField(min_length=1)


class AwardEntry(Strict):
    """One numbered item of the Award Form: the contract's particulars."""

    id: Id
    title: Text
    text: Text | None = None
    note: Text | None = None
    fields: list[Field] = PydanticField(min_length=1)


class Assumption(Strict):
    id: Id
    summary: Text
    detail: Text


class ContractMeta(Strict):
    title: Text
    subtitle: Text
    short_title: Text
    status_note: Text
    how_to_use: list[Text] = PydanticField(min_length=1)
    assumptions: list[Assumption] = []


class AwardFormFile(Strict):
    intro: Text
    entries: list[AwardEntry] = PydanticField(min_length=1)


class CoreTermsFile(Strict):
    intro: Text | None = None
    parts: list[Part] = PydanticField(min_length=1)


class SchedulesFile(Strict):
    schedules: list[Schedule] = PydanticField(min_length=1)


CONTRACT_FILES: dict[str, type[Strict]] = {
    "contract.yaml": ContractMeta,
    "award-form.yaml": AwardFormFile,
    "core-terms.yaml": CoreTermsFile,
    "schedules.yaml": SchedulesFile,
}
"""Each file under content/contract/ and its schema."""
