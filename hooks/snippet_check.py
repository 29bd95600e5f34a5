"""Check every snippet include before the page is converted, so a missing file or section stops
the build with the page and line that asked for it (pymdownx.snippets alone names neither): the
line in the source file, front matter counted; a missing section is reported with the sections
the file has.

Code a page shows (an include in a fence that is not `exec`, whose output is shown instead) must
fit the page's code column, MAX_CODE_COLUMNS characters: a wider line scrolls sideways. The
build names the page's line and the snippet's. Code written out in a page's fence is held to the
same width (not the questions of a `quiz` fence, which are prose)."""

import re
from pathlib import Path

from mkdocs.exceptions import PluginError

INCLUDE = re.compile(r'^\s*-{1,}8<-{1,}\s+"(?P<target>[^"]+)"\s*$')
FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
EXEC = re.compile(r'\bexec="(?:on|1|true)"')
# What the code column of a concept page shows on a desktop without scrolling.
MAX_CODE_COLUMNS = 80


def find(path: str, base_paths: list[Path]) -> Path | None:
    return next((base / path for base in base_paths if (base / path).is_file()), None)


def named_section(target: str) -> tuple[str, str]:
    path, _, section = target.partition(":")
    if section.isdigit() or re.fullmatch(r"[\d,-]+", section or "x"):
        section = ""  # a line range, not a named section
    return path, section


def missing_include(target: str, base_paths: list[Path]) -> str | None:
    """Why `path[:section]` cannot be included, or None when it can."""
    path, section = named_section(target)
    candidate = find(path, base_paths)
    if candidate is None:
        return f"file '{path}' not found (looked in: {', '.join(str(b) for b in base_paths)})"
    text = candidate.read_text(encoding="utf-8")
    if section and f"[start:{section}]" not in text:
        sections = ", ".join(re.findall(r"\[start:([^\]]+)\]", text)) or "none"
        return f"section '{section}' is not in {path} (its sections: {sections})"
    return None


def wider_than_the_column(line: str) -> str:
    return (f"{len(line)} characters wide; the page's code column shows {MAX_CODE_COLUMNS}, so it "
            "would scroll sideways: wrap it")


def too_wide(target: str, base_paths: list[Path]) -> str | None:
    """The first line of the included code wider than the code column, or None."""
    path, section = named_section(target)
    lines = find(path, base_paths).read_text(encoding="utf-8").split("\n")
    numbered = list(enumerate(lines, start=1))
    if section:
        start = next(i for i, line in enumerate(lines) if f"[start:{section}]" in line)
        end = next((i for i, line in enumerate(lines) if f"[end:{section}]" in line), len(lines))
        numbered = numbered[start + 1:end]
    for number, line in numbered:
        if len(line) > MAX_CODE_COLUMNS:
            return f"{path}:{number} is {wider_than_the_column(line)}"
    return None


def on_page_markdown(markdown, page, config, files):
    snippets_config = config["mdx_configs"].get("pymdownx.snippets", {})
    root = Path(config["config_file_path"]).parent
    base_paths = [root / base for base in snippets_config.get("base_path", ["."])]
    first_line = 1 + getattr(page, "source_line_offset", 0)
    fence_info = None  # the info string of the fence we are in, if any
    indent = 0  # the fence's indentation, which its lines carry too
    for number, line in enumerate(markdown.split("\n"), start=first_line):
        fence = FENCE.match(line)
        if fence and fence_info is None:
            fence_info, indent = fence["info"], len(line) - len(line.lstrip())
            continue
        if fence and not fence["info"].strip():
            fence_info = None
            continue
        match = INCLUDE.match(line)
        shown = fence_info is not None and not EXEC.search(fence_info)  # its code, not its output
        written = shown and not match and fence_info.split()[:1] != ["quiz"]  # a quiz's text is prose
        if written and len(line[indent:]) > MAX_CODE_COLUMNS:
            raise PluginError(f"docs/{page.file.src_uri}:{number}: this code line is "
                              f"{wider_than_the_column(line[indent:])}")
        if match:
            problem = missing_include(match["target"], base_paths)
            if not problem and shown:
                problem = too_wide(match["target"], base_paths)
            if problem:
                raise PluginError(f"docs/{page.file.src_uri}:{number}: snippet include: {problem}")
    return markdown
