"""The glossary, from one source: includes/glossary.yml.

- The glossary page (docs/glossary.md) holds the token [[glossary]]; this hook replaces it with one
  section per term, in alphabetical order: its one-sentence definition, the other names the field
  uses for it, and a link to the page and heading that teach it.
- Every Markdown page gets the abbreviations of the glossary appended (the `abbr` extension turns
  them into tooltips wherever the abbreviation appears in the text).

A malformed entry, or one that points at a page that does not exist, stops the build with the file,
the entry and the problem. (A missing heading anchor is caught by the strict build's link checks.)
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

SOURCE = Path(__file__).resolve().parent.parent / "includes" / "glossary.yml"
TOKEN = "[[glossary]]"
REQUIRED = ("term", "definition", "taught")
OPTIONAL = ("abbr", "aka", "spellings", "id")
FIRST_HEADING = re.compile(r"^# (?P<title>.+?)(?:\s*\{[^}]*\})?\s*$", re.MULTILINE)


# libyaml's safe loader when PyYAML has it (ten times faster: the glossary is read on every
# build and every `make serve` rebuild), else the pure-Python one; both give line numbers.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def slug(term: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")


def load_entries(path: Path = SOURCE, docs_dir: Path | None = None) -> list[dict]:
    """The glossary entries, checked; sorted by term, case-insensitively."""
    where = str(path.relative_to(SOURCE.parent.parent)) if path.is_relative_to(SOURCE.parent.parent) else str(path)
    try:
        entries = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f", line {mark.line + 1}" if mark else ""
        raise PluginError(f"{where}{line}: not valid YAML: {error.problem or error.context}") from None
    if not isinstance(entries, list):
        raise PluginError(f"{where}: expected a list of entries")
    for number, entry in enumerate(entries, start=1):
        name = entry.get("term", f"entry {number}") if isinstance(entry, dict) else f"entry {number}"
        if not isinstance(entry, dict):
            raise PluginError(f"{where}: {name} is not a mapping of term, definition, taught")
        missing = [key for key in REQUIRED if not entry.get(key)]
        unknown = sorted(set(entry) - set(REQUIRED) - set(OPTIONAL))
        if missing or unknown:
            raise PluginError(f"{where}: {name!r}: missing {missing}, unknown keys {unknown}")
        definition = entry["definition"].strip()
        if not definition.endswith(".") or re.search(r"\.\s+[A-Z]", definition):
            raise PluginError(f"{where}: {name!r}: the definition must be one sentence, ending with a full stop")
        page = entry["taught"].partition("#")[0]
        if docs_dir is not None and not (docs_dir / page).is_file():
            raise PluginError(f"{where}: {name!r}: taught at {entry['taught']!r}, but docs/{page} does not exist")
        entry.setdefault("id", slug(entry["term"]))
        entry["aka"] = list(entry.get("aka") or [])
        entry["spellings"] = list(entry.get("spellings") or [])
    terms = [entry["term"].lower() for entry in entries]
    twice = sorted({term for term in terms if terms.count(term) > 1})
    if twice:
        raise PluginError(f"{where}: listed twice: {', '.join(twice)}")
    return sorted(entries, key=lambda entry: entry["term"].lower())


def page_title(docs_dir: Path, page: str) -> str:
    text = (docs_dir / page).read_text(encoding="utf-8")
    match = FIRST_HEADING.search(text)
    return match["title"] if match else page


def render(entries: list[dict], docs_dir: Path) -> str:
    """One section per term; links are relative to docs/ (the glossary page sits at its root)."""
    sections = []
    for entry in entries:
        heading = entry["term"] + (f" ({entry['abbr']})" if entry.get("abbr") else "")
        lines = [f"## {heading} {{ #{entry['id']} }}", "", entry["definition"].strip()]
        if entry["aka"]:
            lines += ["", "Also called: " + ", ".join(f"*{name}*" for name in entry["aka"]) + "."]
        if entry["spellings"]:
            lines += ["", "Other spellings: " + ", ".join(entry["spellings"]) + "."]
        page = entry["taught"].partition("#")[0]
        lines += ["", f"Taught in [{page_title(docs_dir, page)}]({entry['taught']})."]
        sections.append("\n".join(lines))
    return "\n\n".join(sections)


def tooltip(entry: dict) -> str:
    """ "Supervised fine-tuning: training a ..." (a leading capital is kept for acronyms)."""
    definition = entry["definition"].strip().rstrip(".")
    if definition[1:2].islower():
        definition = definition[0].lower() + definition[1:]
    return f"{entry['term']}: {definition}"


def abbreviations(entries: list[dict]) -> str:
    """Lines for the abbr extension: *[SFT]: Supervised fine-tuning: ..."""
    return "\n".join(f"*[{entry['abbr']}]: {tooltip(entry)}" for entry in entries if entry.get("abbr"))


state: dict[str, list[dict]] = {}


def on_config(config):
    # Where each term is taught is checked when the glossary page is built (a throw-away test
    # site that inherits this configuration holds only some of the pages).
    state["entries"] = load_entries(SOURCE)
    return config


# After the hooks that count words (page_meta) and before the Markdown is converted.
@event_priority(-50)
def on_page_markdown(markdown, page, config, files):
    if not page.file.src_uri.endswith(".md"):
        return markdown
    entries = state["entries"]
    if TOKEN in markdown:
        docs_dir = Path(config["docs_dir"])
        load_entries(SOURCE, docs_dir)  # every "taught" page exists
        markdown = markdown.replace(TOKEN, render(entries, docs_dir))
    return markdown + "\n\n" + abbreviations(entries) + "\n"
