"""The model contract as an editable Word document (python-docx).

Numbers are written as text ("12.3") from the same numbering as the HTML and PDF, so
they cannot drift when a council edits the file. Fill-in places are Word content
controls (plain text, date or drop-down), tagged with the YAML field name and titled
with its label, showing a highlighted "[Label: kind of answer]" prompt. Drafting notes
are shaded paragraphs headed "Drafting note" to delete before signing.
"""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from guidance_builder.contract.document import ContractDocument, NumberedClause
from guidance_builder.contract.layout import AWARD_COLUMNS, CLAUSE_INDENT_MM, MARGINS_MM, PAGE_MM, TEXT_WIDTH_MM, table_columns
from guidance_builder.contract.model import Field
from guidance_builder.contract.render import field_placeholder, guidance_value
from guidance_builder.contract.text import runs
from guidance_builder.model import Rulebook

NOTE_FILL = "FEF3EA"
BLANK_FILL = "FFF7BF"
RED = RGBColor(0xD4, 0x35, 0x1C)
GREY = RGBColor(0x48, 0x49, 0x49)
LETTERS = "abcdefghijklmnopqrstuvwxyz"


class _Writer:
    def __init__(self, document: ContractDocument, book: Rulebook):
        self.contract = document
        self.book = book
        self.doc = Document()
        self.field_map = document.field_map
        normal = self.doc.styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(10.5)
        # The PDF's page (python-docx starts from US Letter with inch margins).
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        section.top_margin, section.right_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["right"])
        section.bottom_margin, section.left_margin = Mm(MARGINS_MM["bottom"]), Mm(MARGINS_MM["left"])

    # Inline text -------------------------------------------------------------

    def helper_text(self, helper) -> tuple[str, bool]:
        """The text of a helper, and whether it is an assumption marker."""
        if helper.kind == "clause":
            return helper.display or self.contract.anchors[helper.arg].label, False
        if helper.kind == "field":
            return helper.display or self.field_map[helper.arg].where, False
        if helper.kind == "assumption":
            return f"[{helper.display or 'illustrative assumption'}]", True
        if helper.kind == "guidance":
            return guidance_value(self.book, helper.arg), False
        return helper.source, False

    def add_text(self, paragraph, text: str | None, bold: bool = False, italic: bool = False) -> None:
        for run in runs(text or ""):
            content, mark = (run.text, False) if run.helper is None else self.helper_text(run.helper)
            r = paragraph.add_run(content)
            r.bold = bold or run.bold or None
            r.italic = italic or run.italic or None
            if mark:
                r.bold = True
                r.font.color.rgb = RED

    def para(self, text: str | None = None, style: str | None = None, number: str | None = None, indent: float = 0, hang: float = 0):
        p = self.doc.add_paragraph(style=style)
        if indent or hang:
            p.paragraph_format.left_indent = Pt(indent)
            p.paragraph_format.first_line_indent = Pt(-hang)
            p.paragraph_format.tab_stops.add_tab_stop(Pt(indent))
        if number:
            p.add_run(f"{number}\t")
        if text:
            self.add_text(p, text)
        return p

    def note(self, text: str | None, indent: float = 30) -> None:
        if not text:
            return
        p = self.doc.add_paragraph()
        p.paragraph_format.left_indent = Pt(indent)
        _shade(p, NOTE_FILL)
        label = p.add_run("Drafting note: ")
        label.bold = True
        label.font.color.rgb = RGBColor(0xB5, 0x4B, 0x0C)
        self.add_text(p, text, italic=True)

    # Fields ------------------------------------------------------------------

    def field(self, item: Field, container=None) -> None:
        target = container if container is not None else self.doc
        label = target.add_paragraph()
        run = label.add_run(item.label + (" (required)" if item.required else ""))
        run.bold = True
        if item.help:
            help_p = target.add_paragraph()
            self.add_text(help_p, item.help)
            for r in help_p.runs:
                r.font.size = Pt(9)
                r.font.color.rgb = GREY
        p = target.add_paragraph()
        p._p.append(_content_control(item))

    # Structure ---------------------------------------------------------------

    def clause(self, c: NumberedClause, heading_level: int) -> None:
        clause = c.clause
        self.doc.add_heading(f"{c.number}\t{clause.title}" + ("  [Optional]" if clause.optional else ""), level=heading_level)
        if clause.optional:
            chooser = self.field_map[clause.chosen_by]
            self.para(f"This applies only if the answer to “{chooser.field.label}” ({chooser.where}) is yes.", indent=30).runs[
                0
            ].italic = True
        self.note(clause.note)
        for d in clause.definitions:
            p = self.para(indent=30)
            p.add_run(f"“{d.term}” ").bold = True
            self.add_text(p, d.meaning)
        for numbered in c.paragraphs:
            para = numbered.para
            self.para(para.text, number=numbered.number, indent=30, hang=30)
            for i, item in enumerate(para.items):
                self.para(item, number=f"({LETTERS[i]})", indent=56, hang=26)
            if para.table:
                self.table(para.table)
            for item in para.fields:
                self.field(item)
            self.note(para.note)

    def table(self, table) -> None:
        t = self.doc.add_table(rows=1, cols=len(table.columns))
        t.style = "Table Grid"
        width = TEXT_WIDTH_MM - CLAUSE_INDENT_MM
        _fix_widths(t, [width * f for f in table_columns(len(table.columns))], indent_mm=CLAUSE_INDENT_MM)
        for i, title in enumerate(table.columns):
            t.rows[0].cells[i].text = title
            t.rows[0].cells[i].paragraphs[0].runs[0].bold = True
        for row in table.rows:
            cells = t.add_row().cells
            for i, text in enumerate(row.cells):
                self.add_text(cells[i].paragraphs[0], text)
            if row.fields:
                target = cells[len(row.cells)]
                for item in row.fields:
                    p = target.paragraphs[0] if not target.paragraphs[0].text and len(target.paragraphs) == 1 else target.add_paragraph()
                    p._p.append(_content_control(item))

    def write(self) -> bytes:
        contract, meta = self.contract, self.contract.meta
        self.doc.add_heading(meta.title, level=0)
        self.para(meta.subtitle)
        self.para(f"Published with {self.book.meta.title}, version {self.book.meta.version}.")
        self.para(meta.status_note)
        if meta.assumptions:
            p = self.para()
            r = p.add_run("Illustrative drafting assumptions. ")
            r.bold = True
            r.font.color.rgb = RED
            p.add_run("Some references rest on assumptions that are not enacted law. Each is marked in the text and listed at the end.")
        self.doc.add_heading("How to use this contract", level=2)
        for text in meta.how_to_use:
            self.para(text, style="List Bullet")

        self.page_break()
        self.doc.add_heading("Award Form", level=1)
        self.para(contract.award.intro)
        table = self.doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for i, title in enumerate(("Item", "Particular", "Details")):
            table.rows[0].cells[i].text = title
            table.rows[0].cells[i].paragraphs[0].runs[0].bold = True
        for e in contract.entries:
            cells = table.add_row().cells
            cells[0].text = str(e.number)
            cells[1].paragraphs[0].add_run(e.entry.title).bold = True
            if e.entry.text:
                self.add_text(cells[1].add_paragraph(), e.entry.text)
            first = cells[2].paragraphs[0]
            for item in e.entry.fields:
                self.field(item, cells[2])
            first._p.getparent().remove(first._p)
            if e.entry.note:
                p = cells[2].add_paragraph()
                _shade(p, NOTE_FILL)
                p.add_run("Drafting note: ").bold = True
                self.add_text(p, e.entry.note, italic=True)
        _fix_widths(table, [TEXT_WIDTH_MM * f for f in AWARD_COLUMNS])

        self.page_break()
        self.doc.add_heading("Core Terms", level=1)
        if contract.core.intro:
            self.para(contract.core.intro)
        for part in contract.parts:
            self.doc.add_heading(part.part.title, level=2)
            for c in part.clauses:
                self.clause(c, 3)

        for s in contract.schedules:
            self.page_break()
            self.doc.add_heading(f"Schedule {s.number}: {s.schedule.title}" + ("  [Optional]" if s.schedule.optional else ""), level=1)
            if s.schedule.optional:
                chooser = self.field_map[s.schedule.chosen_by]
                self.para(f"This schedule applies only if the answer to “{chooser.field.label}” ({chooser.where}) is yes.").runs[
                    0
                ].italic = True
            self.note(s.schedule.note, indent=0)
            if s.schedule.intro:
                self.para(s.schedule.intro)
            for c in s.clauses:
                self.clause(c, 2)

        if meta.assumptions:
            self.page_break()
            self.doc.add_heading("Note on drafting assumptions", level=1)
            self.para("This note is not part of the contract. Check each assumption before use.")
            for a in meta.assumptions:
                p = self.para()
                p.add_run(a.summary + " ").bold = True
                self.add_text(p, a.detail)

        core = self.doc.core_properties
        core.title = meta.title
        core.subject = meta.subtitle
        core.author = self.book.meta.issuing_body
        core.comments = f"Generated by guidance-builder from guidance version {self.book.meta.version}"
        from datetime import datetime, time

        stamp = datetime.combine(self.book.meta.publication_date, time(0, 0))
        core.created = core.modified = stamp
        core.last_modified_by = self.book.meta.issuing_body
        core.revision = 1
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return _normalise_zip(buffer.getvalue())

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _fix_widths(table, widths_mm: list[float], indent_mm: float = 0) -> None:
    """Fixed column widths, written everywhere Word and LibreOffice look: the grid, the table and each cell.

    Without them LibreOffice divides the width equally, whatever the content."""
    twips = [round(w / 25.4 * 1440) for w in widths_mm]
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    for tag in ("w:tblW", "w:tblLayout", "w:tblInd"):
        for old in tbl_pr.findall(qn(tag)):
            tbl_pr.remove(old)
    total = OxmlElement("w:tblW")
    total.set(qn("w:w"), str(sum(twips)))
    total.set(qn("w:type"), "dxa")
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    extra = [total, layout]
    if indent_mm:
        ind = OxmlElement("w:tblInd")
        ind.set(qn("w:w"), str(round(indent_mm / 25.4 * 1440)))
        ind.set(qn("w:type"), "dxa")
        extra.append(ind)
    for element in extra:
        tbl_pr.append(element)
    # CT_TblPr keeps its children in schema order when python-docx inserts them; appended ones are put back in order here.
    _order_tbl_pr(tbl_pr)
    table.autofit = False
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), twips, strict=True):
        col.set(qn("w:w"), str(width))
    for row in table.rows:
        for cell, width in zip(row.cells, twips, strict=True):
            cell.width = width * 635  # twips to EMU


_TBL_PR_ORDER = [
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
]


def _order_tbl_pr(tbl_pr) -> None:
    children = list(tbl_pr)
    rank = {f"{{{tbl_pr.nsmap.get('w', '')}}}{name}": i for i, name in enumerate(_TBL_PR_ORDER)}
    children.sort(key=lambda e: rank.get(e.tag, len(_TBL_PR_ORDER)))
    for child in children:
        tbl_pr.remove(child)
        tbl_pr.append(child)


def _shade(paragraph, fill: str) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    ppr.append(shd)


def _content_control(item: Field):
    """An inline Word content control for one field, tagged with its name."""
    sdt = OxmlElement("w:sdt")
    pr = OxmlElement("w:sdtPr")
    for tag, value in (("w:alias", item.label), ("w:tag", item.name)):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        pr.append(element)
    pr.append(OxmlElement("w:showingPlcHdr"))
    if item.type == "date":
        kind = OxmlElement("w:date")
        fmt = OxmlElement("w:dateFormat")
        fmt.set(qn("w:val"), "d MMMM yyyy")
        lid = OxmlElement("w:lid")
        lid.set(qn("w:val"), "en-GB")
        kind.append(fmt)
        kind.append(lid)
    elif item.type in ("choice", "yesno"):
        kind = OxmlElement("w:dropDownList")
        options = [(c.label, c.value) for c in item.choices] if item.type == "choice" else [("Yes", "yes"), ("No", "no")]
        for label, value in options:
            entry = OxmlElement("w:listItem")
            entry.set(qn("w:displayText"), label)
            entry.set(qn("w:value"), value)
            kind.append(entry)
    else:
        kind = OxmlElement("w:text")
        if item.type == "multiline":
            kind.set(qn("w:multiLine"), "1")
    pr.append(kind)
    sdt.append(pr)
    content = OxmlElement("w:sdtContent")
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), BLANK_FILL)
    rpr.append(shd)
    run.append(rpr)
    text = OxmlElement("w:t")
    text.text = f"[{item.label}: {field_placeholder(item)}]"
    run.append(text)
    content.append(run)
    sdt.append(content)
    return sdt


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed timestamps so the same content gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def render_docx(document: ContractDocument, book: Rulebook) -> bytes:
    return _Writer(document, book).write()
