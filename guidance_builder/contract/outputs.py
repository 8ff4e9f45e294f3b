"""Output makers for the model contract and the assessment record (listed in render/outputs.py OUTPUTS)."""

from __future__ import annotations

from guidance_builder.contract.document import ContractDocument, contract_for
from guidance_builder.contract.record import build_record
from guidance_builder.contract.render import ContractRenderer, guidance_plain, record_page
from guidance_builder.diagnostics import ContentError, Diagnostics
from guidance_builder.render.addresses import ASSET_PREFIX
from guidance_builder.render.context import RenderContext


def require_contract(edition) -> ContractDocument:
    diagnostics = Diagnostics()
    document = contract_for(edition, diagnostics)
    if document is None:
        raise ContentError(diagnostics.sorted())
    return document


def contract_pdf(context: RenderContext) -> bytes:
    renderer = ContractRenderer(require_contract(context.edition), context.edition.book, context.env)
    html = renderer.page(print_mode=True, asset_base=ASSET_PREFIX)
    return context.pdf(html, "model-contract.pdf", "contract/model-contract.html", forms=True)


def record_form(context: RenderContext):
    return build_record(context.edition.book, lambda text: guidance_plain(context.guidance, text))


def record_pdf(context: RenderContext) -> bytes:
    html = record_page(record_form(context), context.edition.book, context.env, print_mode=True, asset_base=ASSET_PREFIX)
    return context.pdf(html, "assessment-record.pdf", "record/assessment-record.html", forms=True)


def _docx(document: ContractDocument, book) -> bytes:
    from guidance_builder.contract.docx_writer import render_docx  # python-docx is slow to import; most builds reuse the DOCX

    return render_docx(document, book)


def contract_outputs(context: RenderContext) -> dict[str, bytes]:
    document = require_contract(context.edition)
    renderer = ContractRenderer(document, context.edition.book, context.env)
    version = context.version
    files = {
        f"{version}/model-contract.html": renderer.page(print_mode=False, asset_base="../assets/").encode(),
        f"{version}/model-contract.docx": context.memo(
            "model-contract.docx",
            [*(doc.path.read_bytes() for doc in document.documents.values()), context.edition.book.model_dump_json()],
            lambda: _docx(document, context.edition.book),
        ),
    }
    if context.with_pdf:
        files[f"{version}/model-contract.pdf"] = contract_pdf(context)
    return files


def record_outputs(context: RenderContext) -> dict[str, bytes]:
    form = record_form(context)
    version = context.version
    files = {f"{version}/assessment-record.html": record_page(form, context.edition.book, context.env, False, "../assets/").encode()}
    if context.with_pdf:
        files[f"{version}/assessment-record.pdf"] = record_pdf(context)
    return files
