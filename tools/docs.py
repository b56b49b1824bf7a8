"""Generate the collection's documentation pages with antsibull-docs, or check that the committed ones are current.

``python tools/docs.py generate docs/site/rst`` replaces that folder with the RST antsibull-docs writes for
``abraflexi.flexi``: the collection index, one page per module (from DOCUMENTATION, EXAMPLES and RETURN), the
environment variables, and the guides of ``docs/docsite/``. To that it adds what antsibull-docs leaves out: the
title spelled ``abraflexi.flexi``, the modules' connection variables (ABRAFLEXI_URL, ...) among the environment
variables, the Markdown pages of ``docs/`` (security, drift audit, performance, Flexi API), and an index that
reaches every page. ``check`` generates into a scratch folder and fails when the committed folder differs.
``pages RST HTML`` checks a built site: every page built and linked from its index, and from README.md.

Run with the tools venv's Python, with the collection on ANSIBLE_COLLECTIONS_PATH and that venv's ``bin`` on PATH
(antsibull-docs runs ansible-doc): the Makefile does both.
"""

from __future__ import annotations

import filecmp
import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import markdown
import yaml

COLLECTION = "abraflexi.flexi"
ROOT = Path(__file__).resolve().parent.parent
# The Markdown pages of docs/ that the site includes, in the order its index lists them.
MARKDOWN_PAGES = ("drift-audit.md", "security.md", "performance.md", "flexi-api.md")
MARKDOWN_FOLDER = "docs"  # their pages' folder in the site
MODULES = ("flexi_smtp", "flexi_smtp_info")
REPOSITORY = "https://github.com/abraflexi/ansible-collection-flexi/blob/main/"


def generate(destination: Path) -> None:
    """Write the collection's RST pages into ``destination``, which must be empty or absent."""
    antsibull_docs = Path(sys.executable).with_name("antsibull-docs")
    subprocess.run(
        [
            str(antsibull_docs),
            "collection",
            "--use-current",
            "--squash-hierarchy",
            "--fail-on-error",
            "--dest-dir",
            str(destination),
            COLLECTION,
        ],
        check=True,
    )
    complete(destination)


def complete(site: Path) -> None:
    """Add to antsibull-docs' pages what it leaves out (see the module docstring)."""
    index = site / "index.rst"
    text = index.read_text(encoding="utf-8")
    heading = COLLECTION.title()
    text = text.replace(f"\n{heading}\n{'=' * len(heading)}\n", f"\n{COLLECTION}\n{'=' * len(COLLECTION)}\n", 1)
    (site / MARKDOWN_FOLDER).mkdir()
    for name in MARKDOWN_PAGES:
        (site / MARKDOWN_FOLDER / name).with_suffix(".rst").write_text(markdown_page(ROOT / "docs" / name), "utf-8")
    pages = "\n".join(f"    {MARKDOWN_FOLDER}/{Path(name).stem}" for name in MARKDOWN_PAGES)
    more = (
        "Reference\n---------\n\n.. toctree::\n    :maxdepth: 1\n\n    environment_variables\n\n"
        f"Background\n----------\n\n.. toctree::\n    :maxdepth: 1\n\n{pages}\n\n"
    )
    marker = ".. _plugin_index_for_abraflexi.flexi:"
    if marker not in text:
        raise SystemExit(f"{index}: no {marker!r} to put the reference and background pages before")
    index.write_text(text.replace(marker, more + marker, 1), encoding="utf-8")
    variables = site / "environment_variables.rst"
    listed = variables.read_text(encoding="utf-8").replace(":orphan:\n\n", "", 1)
    variables.write_text(listed.rstrip("\n") + "\n" + connection_variables(), encoding="utf-8")


def connection_variables() -> str:
    """``envvar`` entries for the connection options that fall back to an environment variable."""
    source = (ROOT / "plugins" / "doc_fragments" / "connection.py").read_text(encoding="utf-8")
    fragment = yaml.safe_load(re.search(r'DOCUMENTATION = r"""(.*?)"""', source, re.S).group(1))
    used_by = "\n".join(
        f"    :ansplugin:`abraflexi.flexi.{name} module <abraflexi.flexi.{name}#module>`" for name in MODULES
    )
    entries = []
    for option, spec in fragment["options"].items():
        for line in spec["description"]:
            found = re.search(r"E\((ABRAFLEXI_[A-Z_]+)\)", line)
            if found:
                summary = ansible_markup(spec["description"][0])
                entries.append(
                    f".. envvar:: {found.group(1)}\n\n    The module option ``{option}`` when the task does not set "
                    f"it: {summary}\n\n    *Used by:*\n{used_by}\n"
                )
    return "\n".join(entries)


def ansible_markup(text: str) -> str:
    """Ansible's C(), O(), V(), E() and M() markup as RST literals."""
    return re.sub(r"\b[COVEM]\(([^)]*)\)", r"``\1``", text)


def markdown_page(source: Path) -> str:
    """An RST page that holds ``source`` (Markdown) as HTML, under its first heading as the page title."""
    lines = source.read_text(encoding="utf-8").splitlines()
    if not lines or not lines[0].startswith("# "):
        raise SystemExit(f"{source}: the first line must be the page title (# ...)")
    title = re.sub(r"`([^`]+)`", r"``\1``", lines[0][2:].strip())
    body = markdown.markdown("\n".join(lines[1:]), extensions=["tables", "fenced_code", "sane_lists"])
    body = re.sub(r'href="(?!https?:|#|mailto:)([^"]+)"', lambda link: f'href="{repository_link(link.group(1))}"', body)
    label = f"ansible_collections.abraflexi.flexi.docsite.{source.stem.replace('-', '_')}"
    indented = "\n".join(f"    {line}" if line else "" for line in body.splitlines())
    return (
        f".. {source.relative_to(ROOT).as_posix()} as HTML; edit that file, then run `make docs`.\n\n"
        f".. _{label}:\n\n{title}\n{'=' * len(title)}\n\n"
        f"Source: `{source.relative_to(ROOT).as_posix()} <{REPOSITORY}{source.relative_to(ROOT).as_posix()}>`_\n\n"
        f".. raw:: html\n\n{indented}\n"
    )


def repository_link(target: str) -> str:
    """A relative link of a docs/ Markdown page: to its page in the site, else to the file in the repository."""
    path, _hash, anchor = target.partition("#")
    name = Path(path).name
    if name in MARKDOWN_PAGES:
        return html.escape(f"{Path(name).stem}.html" + (f"#{anchor}" if anchor else ""))
    resolved = (ROOT / "docs" / path).resolve().relative_to(ROOT).as_posix()
    return html.escape(REPOSITORY + resolved + (f"#{anchor}" if anchor else ""))


def site_pages(rst: Path) -> list[str]:
    """Every page of the site: RST files under ``rst``, as names without suffix relative to it."""
    return sorted(path.relative_to(rst).with_suffix("").as_posix() for path in rst.rglob("*.rst"))


def readme_sources(page: str) -> str:
    """The file README.md links for a site page: the Markdown or guide source, else the generated RST."""
    folder, _slash, name = page.rpartition("/")
    if folder == MARKDOWN_FOLDER:
        return f"docs/{name}.md"
    if folder == "docsite":
        return f"docs/docsite/rst/{name}.rst"
    return f"docs/site/rst/{page}.rst"


def unreachable_pages(rst: Path, built: Path, readme: str) -> list[str]:
    """Pages of the site not built, not linked from its index page, or whose source README.md does not link; and
    Markdown pages of docs/ the site leaves out."""
    index = (built / "index.html").read_text(encoding="utf-8")
    problems = [
        f"docs/{path.name}: not in the site (add it to MARKDOWN_PAGES in tools/docs.py)"
        for path in sorted((ROOT / "docs").glob("*.md"))
        if path.name not in MARKDOWN_PAGES
    ]
    for page in site_pages(rst):
        if not (built / f"{page}.html").is_file():
            problems.append(f"{page}: not built")
        if page != "index" and f'href="{page}.html' not in index:
            problems.append(f"{page}: not linked from index.html")
        if f"]({readme_sources(page)})" not in readme:
            problems.append(f"{page}: README.md does not link {readme_sources(page)}")
    return problems


def relative_files(root: Path) -> set[str]:
    """Every file under ``root``, as paths relative to it."""
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def differences(committed: Path, fresh: Path) -> list[str]:
    """Files missing, extra or different in ``committed`` compared to ``fresh``."""
    committed_files = relative_files(committed) if committed.is_dir() else set()
    fresh_files = relative_files(fresh)
    found = [f"missing: {name}" for name in sorted(fresh_files - committed_files)]
    found += [f"not generated: {name}" for name in sorted(committed_files - fresh_files)]
    found += [
        f"differs: {name}"
        for name in sorted(fresh_files & committed_files)
        if not filecmp.cmp(committed / name, fresh / name, shallow=False)
    ]
    return found


def main() -> int:
    """``generate DEST``, ``check DEST`` or ``pages RST HTML``."""
    if len(sys.argv) == 4 and sys.argv[1] == "pages":
        rst, built = Path(sys.argv[2]), Path(sys.argv[3])
        problems = unreachable_pages(rst, built, (ROOT / "README.md").read_text(encoding="utf-8"))
        for problem in problems:
            print(f"docs site: {problem}", file=sys.stderr)
        if not problems:
            print(f"docs site: all {len(site_pages(rst))} pages built, linked from the index and from README.md")
        return 1 if problems else 0
    if len(sys.argv) != 3 or sys.argv[1] not in ("generate", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    action, destination = sys.argv[1], Path(sys.argv[2])
    with tempfile.TemporaryDirectory(prefix="docs-") as scratch:
        fresh = Path(scratch) / "rst"
        fresh.mkdir(mode=0o700)  # antsibull-docs refuses a folder others may write to
        generate(fresh)
        if action == "generate":
            shutil.rmtree(destination, ignore_errors=True)
            shutil.copytree(fresh, destination)
            print(f"wrote {destination}")
            return 0
        found = differences(destination, fresh)
    if found:
        print(f"{destination} is not current; run `make docs` and commit the result:", file=sys.stderr)
        print("\n".join(f"  {line}" for line in found), file=sys.stderr)
        return 1
    print(f"{destination} is current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
