"""List every published page URL and heading anchor of a built site, and every download that the
build makes (downloads/NAME: the question banks), one per line.

    python scripts/published_urls.py SITE_DIR > tests/published_urls.txt   (make urls does this)

tests/test_published_urls.py checks that every listed URL and anchor still resolves (following
redirects), and that every page and heading of the site is listed, so that a syllabus link
never breaks silently.
"""

import re
import sys
from pathlib import Path

HEADING_ID = re.compile(r'<h[1-6][^>]*\bid="([^"]+)"')
# Pages that are part of the site's machinery, not of the course.
UNLISTED = {"404.html", "print_page/index.html"}


def page_urls(site: Path) -> list[str]:
    """Site-relative URLs of the built pages, e.g. 'sft/objective/' ('' is the landing page)."""
    urls = []
    for html in sorted(site.rglob("index.html")):
        relative = html.relative_to(site).as_posix()
        if relative in UNLISTED or is_redirect(html.read_text(encoding="utf-8")):
            continue
        urls.append(relative.removesuffix("index.html"))
    return urls


def is_redirect(html: str) -> bool:
    return '<meta http-equiv="refresh"' in html


def heading_ids(html: str) -> list[str]:
    return HEADING_ID.findall(html)


def download_urls(site: Path) -> list[str]:
    """The files below downloads/ (hooks/downloads.py), e.g. 'downloads/why-sft-is-not-enough.apkg'.
    Not the PDF, which `make pdf` adds after the build."""
    folder = site / "downloads"
    return sorted(path.relative_to(site).as_posix() for path in folder.glob("*")
                  if path.is_file() and path.suffix != ".pdf") if folder.is_dir() else []


def published(site: Path) -> list[str]:
    lines = []
    for url in page_urls(site):
        lines.append(url or "/")
        html = (site / url / "index.html").read_text(encoding="utf-8")
        lines += [f"{url or '/'}#{anchor}" for anchor in heading_ids(html)]
    return lines + download_urls(site)


if __name__ == "__main__":
    print("\n".join(published(Path(sys.argv[1]))))
