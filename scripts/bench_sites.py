"""Sites for the benchmark: a snapshot of the project, synthetic sites of N pages, and what the
built pages are (landing, concept, lab), so the benchmark works for whatever the site holds.

No timing happens here; scripts/bench.py has hyperfine measure.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent

# Not copied into a snapshot: environments and build output at the top, caches of every kind
# anywhere (a cold build starts from a fresh snapshot: no __pycache__, no mkdocs-jupyter cache).
# .git is copied: the git-dates plugin reads the history.
TOP_LEVEL_IGNORE = {".venv", ".venv-tools", "site", "site-offline", "test-results"}
ANYWHERE_IGNORE = {"node_modules", "__pycache__", ".cache", ".pytest_cache", ".ruff_cache",
                   ".ipynb_checkpoints"}


def _make_ignore(root: Path):
    def ignore(directory: str, names: list[str]) -> set[str]:
        skipped = {name for name in names if name in ANYWHERE_IGNORE or name.endswith((".pyc", ".zip"))}
        if Path(directory) == root:
            skipped |= TOP_LEVEL_IGNORE & set(names)
        return skipped
    return ignore


def snapshot(repo: Path, dest: Path) -> Path:
    """Copy the project (without caches or build output) to dest and return dest.

    Builds and `mkdocs serve` run in a snapshot, so that the benchmark measures one fixed state of
    the site even while people edit the tree, never touches their files, and starts a cold build
    without any cache.
    """
    shutil.copytree(repo, dest, symlinks=True, ignore=_make_ignore(Path(repo)))
    return dest


# ---------------------------------------------------------------------------------------------
# Synthetic sites: N pages of the kind the course has, built with the project's configuration.

SYNTHETIC_SNIPPET = "bench_synthetic_example.py"
SNIPPET_TEXT = '''"""A small example included (by section) in every page of a synthetic benchmark site."""

import numpy as np


# --8<-- [start:sequence_probability]
def sequence_probability(token_probs):
    """A response's probability: the product of its token probabilities."""
    return float(np.prod(token_probs))
# --8<-- [end:sequence_probability]


if __name__ == "__main__":
    print(sequence_probability([0.6, 0.8]))
'''

WORDS = (
    "model response prompt token probability objective reference demonstration preference reward "
    "gradient loss update data set fine-tuning alignment behaviour instruction example annotator "
    "likelihood softmax logit policy sample quality ranking comparison feedback distribution "
    "sequence generalise evaluate measure train learn predict improve score weight parameter"
).split()


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(9, 18))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _paragraph(rng: random.Random, sentences: int = 5) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def synthetic_page(number: int) -> str:
    """One generated concept page: prose, a snippet include, a formula, a check-yourself question.

    About 450 words of prose in three sections with explicit ids, inline and display math (MathML
    at build time), a snippet section included with pymdownx.snippets, and a `quiz` fence with
    three options, each explained. Deterministic: the same number gives the same page.
    """
    rng = random.Random(number)
    return f"""# Synthetic page {number} {{ #page-{number} }}

**The question.** {_sentence(rng)}

## The idea {{ #idea-{number} }}

{_paragraph(rng)}

{_paragraph(rng)}

## A formula {{ #formula-{number} }}

The probability of a response \\( \\mathbf{{y}} \\) of \\( n \\) tokens, given the prompt
\\( \\mathbf{{x}} \\), is a product:

$$
P(\\mathbf{{y}} \\mid \\mathbf{{x}}) = \\prod_{{t=1}}^{{n}} P(y_t \\mid \\mathbf{{x}}, \\mathbf{{y}}_{{\\lt t}})
$$

{_paragraph(rng)}

## In code {{ #code-{number} }}

```python notest
--8<-- "snippets/{SYNTHETIC_SNIPPET}:sequence_probability"
```

{_paragraph(rng)}

## Check yourself {{ #check-{number} }}

```quiz
Which response does the objective prefer on page {number}?

- [ ] The one whose first token is most likely.
    Its product can still be lower: 0.9 x 0.4 = 0.36.
- [x] The one whose whole sequence is most likely.
    0.6 x 0.8 = 0.48 is the larger product.
- [ ] Both equally.
    The products differ, so the objective does not treat them alike.
```
"""


def synthetic_nav(n_pages: int, per_section: int = 10) -> list:
    """A nav in the shape a course of that size would have: sections of `per_section` pages and,
    past 100 pages, parts of 10 sections. Items are page paths or (title, [items]) pairs."""
    paths = [synthetic_path(number, per_section) for number in range(1, n_pages + 1)]
    sections = [(f"Section {start // per_section + 1}", paths[start:start + per_section])
                for start in range(0, n_pages, per_section)]
    if len(sections) <= 10:
        return sections
    return [(f"Part {start // 10 + 1}", sections[start:start + 10])
            for start in range(0, len(sections), 10)]


def nav_yaml(items: list, indent: int = 2) -> list[str]:
    """The nav as YAML lines (page paths and section titles need no quoting here)."""
    lines = []
    for item in items:
        if isinstance(item, tuple):
            lines.append(" " * indent + f"- {item[0]}:")
            lines += nav_yaml(item[1], indent + 4)
        else:
            lines.append(" " * indent + f"- {item}")
    return lines


def nav_pages(items: list) -> list[str]:
    """Every page path in a nav, in order."""
    pages = []
    for item in items:
        pages += nav_pages(item[1]) if isinstance(item, tuple) else [item]
    return pages


def synthetic_path(number: int, per_section: int = 10) -> str:
    return f"part-{(number - 1) // per_section + 1:03d}/page-{number:04d}.md"


def write_synthetic_site(root: Path, n_pages: int, project: Path) -> Path:
    """Write a site of n_pages generated pages that inherits project/mkdocs.yml; return its config.

    Like tests/conftest.py's make_site: hooks/, includes/ and overrides/ are symlinks to the
    project's, docs/assets/ links the project's assets, and snippets/ holds links to the project's
    snippets plus the synthetic example. The nav (generated) replaces the project's.
    """
    root.mkdir(parents=True, exist_ok=True)
    for name in ("hooks", "includes", "overrides"):
        if (project / name).exists():
            (root / name).symlink_to(project / name)
    snippets = root / "snippets"
    snippets.mkdir()
    for snippet in (project / "snippets").glob("*.py"):
        (snippets / snippet.name).symlink_to(snippet)
    (snippets / SYNTHETIC_SNIPPET).write_text(SNIPPET_TEXT)
    docs = root / "docs"
    docs.mkdir()
    if (project / "docs" / "assets").exists():
        (docs / "assets").symlink_to(project / "docs" / "assets")
    for number in range(1, n_pages + 1):
        page = docs / synthetic_path(number)
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(synthetic_page(number))
    lines = [f"INHERIT: {project / 'mkdocs.yml'}", "nav:"]
    lines += nav_yaml(synthetic_nav(n_pages))
    config = root / "mkdocs.yml"
    config.write_text("\n".join(lines) + "\n")
    return config


# ---------------------------------------------------------------------------------------------
# What a built site holds.

LAB_MARKERS = ("jp-Notebook", "jupyter-wrapper")
SKIP_DIRS = {"assets", "search", "stylesheets", "javascripts"}


@dataclass
class BuiltPage:
    url: str  # relative to the site root, e.g. "" or "sft/objective/"
    src: str | None  # relative to docs/, e.g. "sft/objective.md"; None for plugin-made pages
    kind: str  # "landing", "concept", "lab" or "other"
    math: int  # number of <math> elements
    html_bytes: int


def classify(url: str, html: str) -> str:
    """landing (the root page), lab (a notebook page), concept (a page with check-yourself
    questions), or other (e.g. about/ pages)."""
    if url == "":
        return "landing"
    if url.startswith(("about/", "print_page/")):
        return "other"
    if any(marker in html for marker in LAB_MARKERS):
        return "lab"
    if 'class="quiz"' in html:
        return "concept"
    return "other"


def count_math(html: str) -> int:
    return len(re.findall(r"<math[\s>]", html))


def built_pages(site: Path, docs: Path) -> list[BuiltPage]:
    """Every page of a built site (directory URLs; redirect stubs left out), sorted by URL."""
    pages = []
    for html_file in sorted(site.rglob("index.html")):
        relative = html_file.parent.relative_to(site)
        if relative.parts and relative.parts[0] in SKIP_DIRS:
            continue
        url = "" if not relative.parts else relative.as_posix() + "/"
        text = html_file.read_text(errors="replace")
        if '<meta http-equiv="refresh"' in text:
            continue
        pages.append(BuiltPage(url, source_of(url, docs), classify(url, text), count_math(text),
                               len(text.encode())))
    return sorted(pages, key=lambda page: page.url)


SOURCE_SUFFIXES = (".md", ".ipynb", ".py")


def source_of(url: str, docs: Path) -> str | None:
    """The source file (relative to docs/) of a built page's URL, or None for pages that plugins
    make (the print page)."""
    base = url.rstrip("/")
    candidates = [f"{base}/index{suffix}" if base else f"index{suffix}" for suffix in SOURCE_SUFFIXES]
    if base:
        candidates = [f"{base}{suffix}" for suffix in SOURCE_SUFFIXES] + candidates
    return next((candidate for candidate in candidates if (docs / candidate).is_file()), None)


def site_prefix(site: Path) -> str:
    """The path of the site's site_url (e.g. "/why-sft-is-not-enough/"), from the landing page's
    canonical link; "/" when there is none. Pages are served under it, as hosting does."""
    index = site / "index.html"
    text = index.read_text(errors="replace") if index.is_file() else ""
    match = re.search(r'<link rel="canonical" href="([^"]+)"', text)
    path = urlsplit(match[1]).path.strip("/") if match else ""
    return f"/{path}/" if path else "/"
