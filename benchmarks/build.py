"""Build benchmark: prints figures, never passes or fails.

Measures, on this machine, in one run:
- the clean full build, and the raw WeasyPrint render of each PDF document alone in a
  fresh process (the floor), and the ratio between them;
- a no-op rebuild, and rebuilds after a one-paragraph edit (HTML only, and with PDFs);
- a warm preview rebuild (what `serve` does after an edit, in a running process);
- `check`;
- `assess` over a generated 100,000-row register;
- the clean build and check of a synthetic content set ten times the bundled size (prose
  and model contract repeated until all content has ten times the words).

Each figure is the median of several runs (at least seven for the quick ones, whose
medians the machine's noise moves most). Peak memory is measured in one more run, apart
from the timed ones: the largest total of every process a command starts (PDF workers
included), counted as proportional set size.
The package is byte-compiled first, as an installed package is.

Usage: .venv/bin/python benchmarks/build.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import yaml
from assess_register import MemorySampler, generate

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
QUICK_RUNS = 7


def run_timed(args: list[str]) -> float:
    """Wall seconds of one command, with nothing else running in this process (a memory
    sampler reading /proc would take CPU from the command it measures)."""
    start = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 2) or (done.returncode == 2 and "assess" not in args):
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr}")
    return elapsed


def peak_memory(args: list[str]) -> float:
    """Peak memory (MB) of one more run of the command: every process it starts, together
    (sampled), and never less than its own largest resident set (which a short run's
    samples can miss)."""
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = MemorySampler(process.pid)
    sampler.start()
    stderr = process.stderr.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    sampler.stop()
    if os.waitstatus_to_exitcode(status) not in (0, 2):
        raise SystemExit(f"{' '.join(args)} failed:\n{stderr}")
    return max(sampler.peak_mb, usage.ru_maxrss / 1024)


def cli(project: Path, *args: str) -> list[str]:
    return [PYTHON, "-m", "guidance_builder", "--project", str(project), *args]


def median_of(runs: int, prepare, command) -> tuple[float, float]:
    """Median wall time of `runs` timed runs, then the peak memory of one more, sampled."""
    times = []
    for _ in range(runs):
        prepare()
        times.append(run_timed(command()))
    prepare()
    return statistics.median(times), peak_memory(command())


def copy_project(target: Path) -> Path:
    for folder in ("content", "templates"):
        shutil.copytree(ROOT / folder, target / folder)
    return target


def edit_paragraph(project: Path, counter: list[int]) -> None:
    counter[0] += 1
    path = project / "content" / "sections" / "support.md"
    text = path.read_text()
    text = re.sub(r"\n\nBenchmark edit \d+\.\n", "\n", text)
    path.write_text(text.rstrip("\n") + f"\n\nBenchmark edit {counter[0]}.\n")


def print_html_documents(project: Path) -> dict[str, str]:
    """The print HTML of every PDF a build makes, as the build makes it."""
    sys.path.insert(0, str(ROOT))
    from guidance_builder.pipeline import RenderContext, require_edition
    from guidance_builder.project import Project
    from guidance_builder.render.outputs import OUTPUTS
    from guidance_builder.render.pdf_jobs import PdfJob

    edition, _ = require_edition(Project.at(project))
    context = RenderContext(edition, edition.renderer().env, with_pdf=True, deferred=True)
    jobs = {}
    for make in OUTPUTS:
        for path, value in make(context).items():
            if isinstance(value, PdfJob):
                jobs[path] = value
    return jobs


RAW_RENDER = textwrap.dedent(
    """
    import sys, time
    start = time.perf_counter()
    import weasyprint
    from guidance_builder.render.fetcher import AssetFetcher, VIRTUAL_BASE
    imported = time.perf_counter()
    html = open(sys.argv[1], encoding="utf-8").read()
    weasyprint.HTML(string=html, base_url=VIRTUAL_BASE, url_fetcher=AssetFetcher(__import__("pathlib").Path(sys.argv[2]))).write_pdf(
        pdf_variant="pdf/ua-1", pdf_identifier=b"0" * 32, custom_metadata=True, pdf_forms=(sys.argv[3] == "1") or None)
    done = time.perf_counter()
    print(f"{imported - start:.3f} {done - imported:.3f}")
    """
)


def raw_render(source: Path, assets: Path, forms: bool) -> tuple[float, float]:
    """(render seconds, whole fresh process seconds) of one print HTML file, rendered alone."""
    start = time.perf_counter()
    out = subprocess.run(
        [PYTHON, "-c", RAW_RENDER, str(source), str(assets), "1" if forms else "0"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return float(out.stdout.split()[1]), time.perf_counter() - start


def clean_build_against_raw_renders(project: Path, runs: int) -> tuple[float, dict[str, tuple[float, float]]]:
    """Median clean build, and median raw renders of each PDF it makes. Each run times one
    build, then each document alone, so both see the machine in the same state (this
    virtual machine's speed drifts by tens of percent from minute to minute)."""
    builds: list[float] = []
    renders: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        sources = {}
        for path, job in print_html_documents(project).items():
            source = Path(folder) / f"{len(sources)}.html"
            source.write_text(job.html, encoding="utf-8")
            sources[path] = (source, job.forms)
        for _ in range(runs):
            shutil.rmtree(project / "build", ignore_errors=True)
            builds.append(run_timed(cli(project, "build", "--force")))
            for path, (source, forms) in sources.items():
                renders.setdefault(path, []).append(raw_render(source, project / "templates" / "assets", forms))
    medians = {path: (statistics.median(r for r, _ in runs_), statistics.median(t for _, t in runs_)) for path, runs_ in renders.items()}
    return statistics.median(builds), medians


def warm_preview(project: Path, runs: int) -> float:
    """An edit seen by a running `serve`: HTML-only rebuild in a warm process."""
    code = textwrap.dedent(
        f"""
        import re, statistics, sys, time
        from pathlib import Path
        from guidance_builder.commands import build
        from guidance_builder.project import Project
        project = Project.at({str(project)!r})
        build.run(project, with_pdf=False, force=True)
        path = project.content / "sections" / "support.md"
        times = []
        for n in range({runs}):
            text = re.sub(r"\\n\\nWarm edit \\d+\\.\\n", "\\n", path.read_text())
            path.write_text(text.rstrip("\\n") + f"\\n\\nWarm edit {{n}}.\\n")
            start = time.perf_counter()
            build.run(project, with_pdf=False)
            times.append(time.perf_counter() - start)
        print(statistics.median(times))
        """
    )
    out = subprocess.run([PYTHON, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def scale_content(project: Path, factor: int) -> None:
    """Repeat every prose section, every part of the Core Terms and every schedule `factor`
    times. Copies get new ids (and drop generated blocks and definitions, which must be
    unique); their cross-references still point at the originals."""
    guidance = project / "content" / "guidance.yaml"
    text = guidance.read_text()
    lines = []
    for line in text.splitlines():
        lines.append(line)
        match = re.match(r"  - \{id: ([a-z-]+), title: ([^,]+), file: sections/([a-z-]+)\.md(, annex: true)?\}", line)
        if match and not match.group(4):
            source = project / "content" / "sections" / f"{match.group(3)}.md"
            body = source.read_text()
            body = re.sub(r"^\{insert:[a-z_]+\}\s*$", "", body, flags=re.M)
            body = re.sub(r"\{#([a-z0-9-]+)", r"{#\1-copy", body)
            for copy in range(2, factor + 1):
                name = f"{match.group(3)}-{copy}"
                (project / "content" / "sections" / f"{name}.md").write_text(body.replace("-copy", f"-{copy}"))
                lines.append(f"  - {{id: {match.group(1)}-{copy}, title: {match.group(2)} (part {copy}), file: sections/{name}.md}}")
    guidance.write_text("\n".join(lines) + "\n")
    contract = project / "content" / "contract"
    for name, key in (("core-terms.yaml", "parts"), ("schedules.yaml", "schedules")):
        data = yaml.safe_load((contract / name).read_text())
        originals = data[key]
        data[key] = [*originals, *(_renamed(item, copy) for copy in range(2, factor + 1) for item in originals)]
        (contract / name).write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000))


def _renamed(value, copy: int):
    """A deep copy of a contract part or schedule with every id and field name suffixed."""
    if isinstance(value, list):
        return [_renamed(item, copy) for item in value]
    if not isinstance(value, dict):
        return value
    renamed = {}
    for key, item in value.items():
        if key == "definitions":
            continue
        if key in ("id", "name") and isinstance(item, str):
            renamed[key] = f"{item}_{copy}"
        elif key == "title" and isinstance(item, str) and "id" in value:
            renamed[key] = f"{item} (copy {copy})"
        else:
            renamed[key] = _renamed(item, copy)
    return renamed


def scale_to_ten_times(target: Path) -> int:
    """A copy of the project whose content has at least ten times the words; returns how
    many times the prose and the contract repeat in it."""
    wanted = 10 * words(ROOT)
    factor = 10
    while True:
        shutil.rmtree(target, ignore_errors=True)
        copy_project(target)
        scale_content(target, factor)
        if words(target) >= wanted:
            return factor
        factor += 1


def words(project: Path) -> int:
    return sum(len(p.read_text().split()) for p in (project / "content").rglob("*") if p.suffix in (".md", ".yaml"))


def assess_register(project: Path, folder: Path, runs: int, rows: int = 100_000) -> tuple[float, float]:
    """Median wall time and peak memory of `assess --register` over a generated register
    (a few rows are invalid on purpose: the command assesses the rest and exits 2)."""
    register, results = folder / "register.csv", folder / "results.csv"
    generate(register, rows)
    return median_of(runs, lambda: None, lambda: cli(project, "assess", "--register", str(register), "--out", str(results)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = args.runs
    quick = max(runs, QUICK_RUNS)
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "guidance_builder")], check=True, stdout=subprocess.DEVNULL)
    print(f"guidance-builder build benchmark: {os.cpu_count()} cores, medians of {runs} runs ({quick} for the quick measures)\n")
    with tempfile.TemporaryDirectory() as folder:
        project = copy_project(Path(folder) / "one")

        clean_build, raw = clean_build_against_raw_renders(project, runs)
        shutil.rmtree(project / "build", ignore_errors=True)
        clean_peak = peak_memory(cli(project, "build", "--force"))
        serial_render = sum(r for r, _ in raw.values())
        serial_process = sum(t for _, t in raw.values())
        print("Raw WeasyPrint renders, each alone in a fresh process (render only / whole process):")
        for path, (render, total) in raw.items():
            print(f"  {path:<40} {render:6.2f} s / {total:6.2f} s")
        print(f"  serial sum                               {serial_render:6.2f} s / {serial_process:6.2f} s")
        print(f"Clean full build (check, HTML, PDFs, DOCX, site, search)  {clean_build:6.2f} s   peak {clean_peak:5.0f} MB")
        print(
            f"  ratio build / serial sum of raw renders: {clean_build / serial_render:.2f} (render only), "
            f"{clean_build / serial_process:.2f} (whole processes)"
        )

        noop, noop_peak = median_of(quick, lambda: None, lambda: cli(project, "build"))
        print(f"No-op rebuild                                              {noop:6.3f} s   peak {noop_peak:5.0f} MB")

        counter = [0]
        run_timed(cli(project, "build", "--no-pdf", "--force"))
        html_edit, html_peak = median_of(quick, lambda: edit_paragraph(project, counter), lambda: cli(project, "build", "--no-pdf"))
        print(f"Rebuild after a one-paragraph edit, HTML only (cold CLI)   {html_edit:6.3f} s   peak {html_peak:5.0f} MB")
        run_timed(cli(project, "build", "--force"))
        pdf_edit, pdf_peak = median_of(runs, lambda: edit_paragraph(project, counter), lambda: cli(project, "build"))
        print(f"Rebuild after a one-paragraph edit, with PDFs              {pdf_edit:6.3f} s   peak {pdf_peak:5.0f} MB")
        warm = warm_preview(project, quick)
        print(f"Preview rebuild after an edit in a running `serve` (warm)  {warm:6.3f} s")

        check, check_peak = median_of(quick, lambda: None, lambda: cli(project, "check"))
        print(f"check                                                      {check:6.3f} s   peak {check_peak:5.0f} MB")

        assess, assess_peak = assess_register(project, Path(folder), runs)
        print(f"assess, generated register of 100,000 rows                 {assess:6.2f} s   peak {assess_peak:5.0f} MB")

        large = Path(folder) / "ten"
        factor = scale_to_ten_times(large)
        ratio_words = words(large) / words(project)

        def clean_large() -> None:
            shutil.rmtree(large / "build", ignore_errors=True)

        large_build, large_peak = median_of(runs, clean_large, lambda: cli(large, "build", "--force"))
        large_check, _ = median_of(runs, lambda: None, lambda: cli(large, "check"))
        print(
            f"\nSynthetic content: prose sections, Core Terms and schedules repeated {factor} times "
            f"({ratio_words:.1f}x the words of all content)"
        )
        print(
            f"  clean full build  {large_build:6.2f} s   peak {large_peak:5.0f} MB   ({large_build / clean_build:.1f}x the bundled build)"
        )
        print(f"  check             {large_check:6.3f} s   ({large_check / check:.1f}x the bundled check)")


if __name__ == "__main__":
    main()
