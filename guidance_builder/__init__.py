"""guidance-builder: structured policy content in, statutory guidance out.

The one obvious entry point for Python callers is `build(project_folder)`;
the command line (`guidance-builder`) wraps it.
"""

__version__ = "0.1.0"


def build(project_folder=".", with_pdf: bool = True):
    """Check the content in `project_folder` and build the site into its build/ folder."""
    from guidance_builder.commands import build as build_command
    from guidance_builder.project import Project

    return build_command.run(Project.at(project_folder), with_pdf=with_pdf)


def check(project_folder="."):
    """Run every check on the content in `project_folder`; raise ContentError on problems."""
    from guidance_builder.commands import check as check_command
    from guidance_builder.project import Project

    return check_command.run(Project.at(project_folder))
