"""Check every snippet include before the page is converted, so a missing file or section stops
the build with the page and line that asked for it (pymdownx.snippets alone names neither): the
line in the source file, front matter counted; a missing section is reported with the sections
the file has."""

import re
from pathlib import Path

from mkdocs.exceptions import PluginError

INCLUDE = re.compile(r'^\s*-{1,}8<-{1,}\s+"(?P<target>[^"]+)"\s*$')


def missing_include(target: str, base_paths: list[Path]) -> str | None:
    """Why `path[:section]` cannot be included, or None when it can."""
    path, _, section = target.partition(":")
    if section.isdigit() or re.fullmatch(r"[\d,-]+", section or "x"):
        section = ""  # a line range, not a named section
    for base in base_paths:
        candidate = base / path
        if candidate.is_file():
            text = candidate.read_text(encoding="utf-8")
            if section and f"[start:{section}]" not in text:
                sections = ", ".join(re.findall(r"\[start:([^\]]+)\]", text)) or "none"
                return f"section '{section}' is not in {path} (its sections: {sections})"
            return None
    return f"file '{path}' not found (looked in: {', '.join(str(b) for b in base_paths)})"


def on_page_markdown(markdown, page, config, files):
    snippets_config = config["mdx_configs"].get("pymdownx.snippets", {})
    root = Path(config["config_file_path"]).parent
    base_paths = [root / base for base in snippets_config.get("base_path", ["."])]
    first_line = 1 + getattr(page, "source_line_offset", 0)
    for number, line in enumerate(markdown.split("\n"), start=first_line):
        match = INCLUDE.match(line)
        if match:
            problem = missing_include(match["target"], base_paths)
            if problem:
                raise PluginError(f"docs/{page.file.src_uri}:{number}: snippet include: {problem}")
    return markdown
