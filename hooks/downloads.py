"""The course's downloads: what each is called in the built site (downloads/NAME, the same name
in every build, so a syllabus can link it for good) and what makes it. A release copies each
under a name with the edition (scripts/release.py).

A page links one with a token that this hook turns into the right relative URL, online and
offline alike: <a href="@download:canvas">. A token naming no download stops the build, naming
the page. (The PDF is not a file MkDocs knows, so an ordinary Markdown link to it could not be
checked; the question banks use the same tokens, for one way of linking.) <a href="@releases">
links the releases, where every edition's copies are (repo_url in mkdocs.yml).
"""

import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

FOLDER = "downloads"
DOWNLOADS = {
    # key: (file name below downloads/, what makes it)
    "canvas": ("why-sft-is-not-enough-canvas-qti.zip", "make build (hooks/question_banks.py)"),
    "moodle": ("why-sft-is-not-enough-moodle.xml", "make build (hooks/question_banks.py)"),
    "anki": ("why-sft-is-not-enough.apkg", "make build (hooks/question_banks.py)"),
    "pdf": ("why-sft-is-not-enough.pdf", "make pdf (scripts/make_pdf.py)"),
}
TOKEN = re.compile(r'href="@download:([\w-]*)"')
RELEASES = 'href="@releases"'


def path(key: str) -> str:
    """The download's path in the built site, e.g. "downloads/why-sft-is-not-enough.pdf"."""
    return f"{FOLDER}/{DOWNLOADS[key][0]}"


# Before print-site (priority 0) copies each page's HTML into the print edition, so that its copy
# carries the real links, not the tokens.
@event_priority(10)
def on_page_content(html, page, config, files):
    def link(match):
        key = match.group(1)
        if key not in DOWNLOADS:
            raise PluginError(f"docs/{page.file.src_uri}: links @download:{key}, but there is no such "
                              f"download (hooks/downloads.py has: {', '.join(DOWNLOADS)})")
        return f'href="{get_relative_url(path(key), page.url)}"'

    html = TOKEN.sub(link, html)
    if RELEASES in html:
        if not config.get("repo_url"):
            raise PluginError(f"docs/{page.file.src_uri}: links @releases, but mkdocs.yml has no repo_url")
        html = html.replace(RELEASES, f'href="{config["repo_url"].rstrip("/")}/releases"')
    return html
