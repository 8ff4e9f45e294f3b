"""The editable Word contract, opened in LibreOffice, is laid out like the PDF.

Renders model-contract.docx to PDF with LibreOffice (Debian's libreoffice-writer-nogui, as
a council would open it) and compares it with the WeasyPrint PDF of the same build: the page
count is in a sane range, and the Award Form's Details column starts where the PDF's does and
is as wide. Positions come from the text on the page (pypdfium2), as a reader sees it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from guidance_builder.contract.layout import MARGINS_MM, PAGE_MM

POINTS_PER_MM = 72 / 25.4


@pytest.fixture(scope="module")
def pdfs(built_site: Path, tmp_path_factory) -> tuple[Path, Path]:
    """(the WeasyPrint PDF, the PDF LibreOffice makes from the DOCX) of one build."""
    edition = next(p for p in built_site.iterdir() if (p / "model-contract.docx").exists() and p.name != "latest")
    out = tmp_path_factory.mktemp("libreoffice")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is missing: run scripts/setup test (it installs libreoffice-writer-nogui)"
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(out / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(edition / "model-contract.docx"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    converted = out / "model-contract.pdf"
    assert done.returncode == 0 and converted.exists(), done.stdout + done.stderr
    return edition / "model-contract.pdf", converted


def matches(text, word: str) -> list[tuple[float, float]]:
    """(left, top) of each whole-word, same-case occurrence of a word on a page."""
    found, searcher = [], text.search(word, match_case=True, match_whole_word=True)
    while (hit := searcher.get_next()) is not None:
        left, _, _, top = text.get_charbox(hit[0])
        found.append((left, top))
    return found


def award_columns(path: Path) -> dict[str, float]:
    """On the Award Form's first page: where its header words start (points from the left), and the page size."""
    pdf = pdfium.PdfDocument(str(path))
    for index in range(len(pdf)):
        page = pdf[index]
        text = page.get_textpage()
        for left, top in matches(text, "Details"):
            row = {word: [x for x, y in matches(text, word) if abs(y - top) < 3] for word in ("Item", "Particular")}
            if row["Item"] and row["Particular"] and row["Item"][0] < row["Particular"][0] < left:
                starts = {"Item": row["Item"][0], "Particular": row["Particular"][0], "Details": left}
                return {**starts, "width": page.get_width(), "height": page.get_height()}
    raise AssertionError(f"no page of {path} has the Award Form's column headings")


def test_libreoffice_opens_the_docx_on_the_pdfs_page_with_a_sane_page_count(pdfs: tuple[Path, Path]) -> None:
    weasy, office = pdfs
    weasy_pages, office_pages = len(pdfium.PdfDocument(str(weasy))), len(pdfium.PdfDocument(str(office)))
    assert 10 <= office_pages <= 60, office_pages
    assert 0.7 * weasy_pages <= office_pages <= 1.3 * weasy_pages, (weasy_pages, office_pages)
    columns = award_columns(office)
    assert abs(columns["width"] - PAGE_MM[0] * POINTS_PER_MM) < 2 and abs(columns["height"] - PAGE_MM[1] * POINTS_PER_MM) < 2


def test_the_award_forms_details_column_is_as_wide_as_in_the_pdf(pdfs: tuple[Path, Path]) -> None:
    weasy, office = pdfs
    want, got = award_columns(weasy), award_columns(office)

    def details_width(columns: dict[str, float]) -> float:
        right_edge = columns["width"] - MARGINS_MM["right"] * POINTS_PER_MM
        return right_edge - columns["Details"]

    tolerance = 4 * POINTS_PER_MM  # cell padding differs a little between the two renderers
    assert abs(got["Particular"] - want["Particular"]) < tolerance, (want, got)
    assert abs(got["Details"] - want["Details"]) < tolerance, (want, got)
    assert abs(details_width(got) - details_width(want)) < tolerance, (details_width(want), details_width(got))
    # The details take most of the line, not a third of it.
    text_width = (PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]) * POINTS_PER_MM
    assert details_width(got) > 0.55 * text_width
