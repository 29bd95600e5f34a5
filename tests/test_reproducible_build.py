"""The site is reproducible: two builds of the same tree give byte-identical files, except the short
list below, each with its reason; and no build-time detail (a memory address, a timestamp, a random
id) leaks into the pages.

The two builds run with different PYTHONHASHSEED values (tests/conftest.py's mkdocs_build pins it
to 0; the second build is the same command with another seed), so output that depends on the order
of a set or dict of strings shows up as a difference, as it would between two real builds.

Known differences (checked narrowly: everything but the named detail must still match):
- sitemap.xml: each <lastmod> is the day of the build (MkDocs' build date), so two builds on
  different days differ. SOURCE_DATE_EPOCH (e.g. the last commit's time) pins it.
- sitemap.xml.gz: the gzip header stores that same build date as a time; the compressed sitemap
  itself must be the same. SOURCE_DATE_EPOCH pins it too.
- The "Last update" date of a page whose source is not committed yet: git-revision-date-localized
  uses the build time for a file without history. A build from a commit has no such page.
"""

from __future__ import annotations

import datetime
import difflib
import gzip
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, site_build

LASTMOD = re.compile(rb"<lastmod>[^<]*</lastmod>")


def without_lastmod(data: bytes) -> bytes:
    return LASTMOD.sub(b"<lastmod/>", data)


# File -> (why it may differ, what must match all the same).
KNOWN_DIFFERENCES = {
    "sitemap.xml": ("<lastmod> is the build date", without_lastmod),
    "sitemap.xml.gz": ("the gzip header holds the build date",
                       lambda data: without_lastmod(gzip.decompress(data))),
}


@pytest.fixture(scope="module")
def two_builds(built_site, tmp_path_factory) -> tuple[Path, Path]:
    """The session's build (hash seed 0) and one more of the same tree with another hash seed,
    which executes every example and lab again (tests/conftest.py starts it in the background)."""
    second, result = site_build(tmp_path_factory, "second")
    assert result["returncode"] == 0, result["output"]
    return built_site, second


def files_of(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


GIT_DATE = re.compile(r'<span class="git-revision-date-localized-plugin[^"]*"[^>]*>[^<]*</span>')


def uncommitted_pages() -> set[str]:
    """Built pages (e.g. "about/performance/index.html") of docs/ files that git has no history for
    yet: git-revision-date-localized dates them with the time of the build, until they are committed
    (a build from a commit has none)."""
    listed = subprocess.run(["git", "ls-files", "--others", "--exclude-standard", "--", "docs"], cwd=REPO,
                            capture_output=True, text=True, check=False).stdout.split()
    pages = set()
    for name in listed:
        if Path(name).suffix in (".md", ".ipynb"):
            stem = Path(name).relative_to("docs").with_suffix("")
            folder = stem.parent if stem.name in ("index", "README") else stem
            pages.add(f"{folder.as_posix()}/index.html".removeprefix("./"))
    return pages


def test_two_builds_are_byte_identical_but_for_the_known_list(two_builds):
    first, second = (files_of(site) for site in two_builds)
    for name in uncommitted_pages() & first.keys():
        first[name], second[name] = (GIT_DATE.sub("", files[name].decode()).encode() for files in (first, second))
    assert first.keys() == second.keys(), f"different files: {sorted(first.keys() ^ second.keys())}"
    assert len(first) > 20
    differing = sorted(name for name in first if first[name] != second[name])
    unexplained = [name for name in differing if name not in KNOWN_DIFFERENCES]
    assert not unexplained, (f"these files differ between two builds of the same tree: {unexplained}\n"
                             + first_difference(unexplained[0], first, second) if unexplained else "")
    for name in differing:
        reason, comparable = KNOWN_DIFFERENCES[name]
        assert comparable(first[name]) == comparable(second[name]), f"{name} differs beyond {reason}"


def first_difference(name: str, first: dict[str, bytes], second: dict[str, bytes], context: int = 3) -> str:
    """The first lines where the two builds' copies of a file differ, as a unified diff."""
    a, b = (files[name].decode(errors="replace").splitlines() for files in (first, second))
    diff = list(difflib.unified_diff(a, b, "first build", "second build", n=context, lineterm=""))
    return f"first difference in {name}:\n" + "\n".join(line[:300] for line in diff[:40])


def test_a_difference_is_shown_by_its_first_lines():
    """The control: the failure message of the test above shows where two files differ."""
    shown = first_difference("page.html", {"page.html": b"same\nold line\nsame"},
                             {"page.html": b"same\nnew line\nsame"})
    assert "-old line" in shown and "+new line" in shown


def page_texts(site: Path) -> dict[str, str]:
    return {path.relative_to(site).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(site.rglob("*")) if path.suffix in (".html", ".json", ".xml", ".svg")}


MEMORY_ADDRESS = re.compile(r"\b(?:object|function|method) at 0x[0-9a-fA-F]+|\b0x7f[0-9a-fA-F]{8,}\b")
CLOCK_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?")
UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\b", re.IGNORECASE)
# The "Last update" line (GIT_DATE above) is the date of the page's last commit, which comes from the
# history, not from the clock of the build; so is the edition's date, which every page's footer, the
# print cover and the question banks show (hooks/edition.py: "main, 2026-12-01"). Dates and times
# that the sources themselves state (e.g. when a benchmark was measured) are content, not leaks.

SOURCE_SUFFIXES = (".md", ".ipynb", ".json", ".csv", ".py", ".yml", ".yaml", ".txt")


def source_text() -> str:
    folders = [REPO / "docs", REPO / "snippets", REPO / "includes"]
    return "\n".join(path.read_text(encoding="utf-8", errors="replace") for folder in folders
                     for path in folder.rglob("*") if path.is_file() and path.suffix in SOURCE_SUFFIXES)


def today_strings() -> list[str]:
    days = {datetime.date.today(), datetime.datetime.now(datetime.UTC).date()}
    formats = ("%Y-%m-%d", "%B %d, %Y", "%B %-d, %Y", "%d %B %Y", "%-d %B %Y", "%b %d, %Y", "%b %-d, %Y",
               "%d/%m/%Y", "%m/%d/%Y")
    return sorted({day.strftime(fmt) for day in days for fmt in formats})


def edition_label() -> str:
    """The edition the session's builds show (the same function, the same environment)."""
    spec = importlib.util.spec_from_file_location("edition_for_reproducibility", REPO / "hooks" / "edition.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module.current(REPO).label


def test_no_address_timestamp_or_random_id_leaks_into_pages(two_builds):
    site = two_builds[0]
    sources = source_text()
    edition = edition_label()
    problems = []
    for name, text in page_texts(site).items():
        if name in KNOWN_DIFFERENCES:
            continue
        text = GIT_DATE.sub("", text).replace(edition, "")
        for pattern in (MEMORY_ADDRESS, CLOCK_TIME, UUID):
            problems += [f"{name}: {match.group()!r}" for match in pattern.finditer(text)
                         if match.group() not in sources]
        # Today's date more often than the sources state it (a page may quote a date that is today).
        problems += [f"{name}: today's date {today!r}" for today in today_strings()
                     if text.count(today) > sources.count(today)]
    assert not problems, "\n".join(problems[:50])


def test_the_leak_patterns_find_what_they_look_for():
    """The control for the test above: each pattern finds a planted leak."""
    assert MEMORY_ADDRESS.search("<__main__.Model object at 0x7f3a2b1c0d90>")
    assert MEMORY_ADDRESS.search("id 0x7ffd5e8c2a10")
    assert CLOCK_TIME.search("built 2026-11-26T19:22:58")
    assert UUID.search('id="clip-3f2b8c9e-1d2a-4c5b-9e8f-0a1b2c3d4e5f"')
    assert GIT_DATE.sub("", '<span class="git-revision-date-localized-plugin git-revision-date-localized-plugin-date" '
                            'title="November 26, 2026 19:34:00 UTC">November 26, 2026</span>') == ""
    assert datetime.date.today().strftime("%Y-%m-%d") in today_strings()
    assert re.search(r"\d{4}-\d{2}-\d{2}$", edition_label())  # the edition's date, removed above
