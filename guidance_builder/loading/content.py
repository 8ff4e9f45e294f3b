"""Read the content folder: every YAML file the schema knows, then the section Markdown."""

from __future__ import annotations

from dataclasses import dataclass

from guidance_builder.diagnostics import Diagnostics, Location, did_you_mean
from guidance_builder.loading.yaml_source import YamlDocument, load_yaml, read_text
from guidance_builder.model import CONTENT_FILES
from guidance_builder.model.content import GuidanceMeta
from guidance_builder.model.rulebook import OPTIONAL_FILES
from guidance_builder.project import Project


@dataclass(frozen=True)
class SectionSource:
    id: str
    display: str
    text: str


def load_yaml_files(project: Project, diagnostics: Diagnostics) -> dict[str, YamlDocument]:
    if not project.content.is_dir():
        diagnostics.error(
            Location(project.display(project.content)),
            "content folder not found",
            "run the command from the project folder, or pass --project",
        )
        return {}
    documents: dict[str, YamlDocument] = {}
    for path in sorted(project.content.glob("*.y*ml")):
        display = project.display(path)
        if path.name not in CONTENT_FILES:
            diagnostics.error(
                Location(display), f"unknown content file '{path.name}'", did_you_mean(path.name, CONTENT_FILES) or "remove it or rename it"
            )
            continue
    for name in CONTENT_FILES:
        path = project.content / name
        display = project.display(path)
        if name in OPTIONAL_FILES and not path.exists() and not path.is_symlink():
            continue
        doc = load_yaml(path, display, diagnostics, inside=project.content)
        if doc is not None:
            documents[name] = doc
    return documents


def load_sections(project: Project, meta: GuidanceMeta, where: callable, diagnostics: Diagnostics) -> dict[str, SectionSource]:
    """The Markdown of each section named in guidance.yaml, kept inside content/."""
    sources: dict[str, SectionSource] = {}
    for index, section in enumerate(meta.sections):
        path = project.inside(project.content, section.file)
        if path is None:
            diagnostics.error(
                where(("sections", index, "file")),
                f"the section file '{section.file}' is outside the content folder",
                "use a path inside content/, such as sections/summary.md",
            )
            continue
        display = project.display(path)
        if not path.exists():
            known = [project.display(p).removeprefix("content/") for p in project.content.glob("sections/*.md")]
            diagnostics.error(
                where(("sections", index, "file")),
                f"the section file '{section.file}' does not exist",
                did_you_mean(section.file, known) or "create it or fix the path",
            )
            continue
        text = read_text(path, display, diagnostics)
        if text is not None:
            sources[section.id] = SectionSource(section.id, display, text)
    return sources
