"""Where a project's folders are. Every path the build reads or writes comes from here."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Project:
    root: Path
    content_folder: Path | None = None
    """Content of another edition (a published snapshot); by default root/content."""

    @classmethod
    def at(cls, root: str | Path) -> Project:
        return cls(Path(root).resolve())

    def with_content(self, folder: Path) -> Project:
        return dataclasses.replace(self, content_folder=folder.resolve())

    @property
    def content(self) -> Path:
        return self.content_folder or self.root / "content"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def assets(self) -> Path:
        return self.root / "templates" / "assets"

    @property
    def build(self) -> Path:
        return self.root / "build"

    @property
    def frontend(self) -> Path:
        """GOV.UK Frontend compiled at set-up time (scripts/setup), shared by every project."""
        return Path(os.environ.get("GUIDANCE_BUILDER_DEPS") or CHECKOUT / ".deps")

    @property
    def editions(self) -> Path:
        return self.root / "editions"

    def display(self, path: Path) -> str:
        """A path as a drafter sees it: relative to the project root."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def inside(self, folder: Path, relative: str) -> Path | None:
        """`relative` resolved under `folder`, or None if it would leave the folder."""
        if not relative or Path(relative).is_absolute():
            return None
        candidate = (folder / relative).resolve()
        try:
            candidate.relative_to(folder.resolve())
        except ValueError:
            return None
        return candidate
