"""A "Report a problem with this page" link at the foot of every page.

The link opens a new issue on the repository with the existing template
(.github/ISSUE_TEMPLATE/content-error.md): its title names the page, and its body is the template's
with the page's address and title filled in. It is a plain link, so nothing is requested when the
page loads.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

from mkdocs.exceptions import PluginError

TEMPLATE = Path(__file__).resolve().parent.parent / ".github" / "ISSUE_TEMPLATE" / "content-error.md"
FRONT_MATTER = re.compile(r"\A---\n(?P<head>.*?)\n---\n(?P<body>.*)\Z", re.DOTALL)
PAGE_FIELD = "**Page and heading**"


def load_template(path: Path = TEMPLATE) -> tuple[dict[str, str], str]:
    """The template's front matter (name, about, labels) and its body."""
    match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if not match:
        raise PluginError(f"{path}: no front matter (--- ... ---) at the top of the issue template")
    head = dict(line.split(":", 1) for line in match["head"].splitlines() if ":" in line)
    body = match["body"].strip()
    if PAGE_FIELD not in body:
        raise PluginError(f"{path}: the template has no {PAGE_FIELD} field for the page's address")
    return {key.strip(): value.strip() for key, value in head.items()}, body


def report_url(repo_url: str, page_url: str, page_title: str, path: Path = TEMPLATE) -> str:
    """https://github.com/OWNER/REPO/issues/new?template=...&title=...&body=..."""
    head, body = load_template(path)
    line_end = body.index("\n", body.index(PAGE_FIELD)) if "\n" in body[body.index(PAGE_FIELD):] else len(body)
    body = body[:line_end] + f" {page_url} ({page_title})" + body[line_end:]
    query = {"template": path.name, "title": f"Problem on the page: {page_title}", "body": body}
    if head.get("labels"):
        query["labels"] = head["labels"]
    return f"{repo_url.rstrip('/')}/issues/new?{urlencode(query)}"


def on_page_context(context, page, config, nav):
    page_url = page.canonical_url or page.abs_url or page.url
    # The page's own heading (the home page's nav title is only "Home").
    heading = page.toc.items[0].title if page.toc and page.toc.items else page.title
    context["report_url"] = report_url(config["repo_url"], page_url, heading or config["site_name"])
    return context
