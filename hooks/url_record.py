"""Every page URL and heading anchor of the built site must be in tests/published_urls.txt, the
record of what was ever published (tests/test_published_urls.py also checks that each recorded one
still resolves). A new page or heading that is not recorded yet fails the build here, naming the
file and the heading, so a contributor learns it from `make build` rather than at the end of
`make test`. `make urls` (RECORD_URLS=1) builds without this check and rewrites the record.

Only a site whose project has the record is checked (throw-away test sites have none), and not
the offline edition, whose pages are files rather than folders.
"""

import importlib.util
import logging
import os
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.url_record")
SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "published_urls.py"


def load_script():
    spec = importlib.util.spec_from_file_location("published_urls_for_hooks", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def on_post_build(config):
    record = Path(config["config_file_path"]).resolve().parent / "tests" / "published_urls.txt"
    if os.environ.get("RECORD_URLS") or not record.is_file() or not config["use_directory_urls"]:
        return
    listed = {line.strip() for line in record.read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")}
    sources = {page.url or "/": page.file.src_uri for page in _pages}
    for entry in load_script().published(Path(config["site_dir"])):
        if entry not in listed:
            url, _, anchor = entry.partition("#")
            place = f"docs/{sources[url]}" if url in sources else url
            what = f"heading #{anchor}" if anchor else "download" if url.startswith("downloads/") else "page"
            log.warning(f"{place}: {what} is not in tests/published_urls.txt: run `make urls` and "
                        "commit the file (instructors link every page and heading for good)")


_pages = []


def on_pre_build(config):
    _pages.clear()


def on_post_page(output, page, config):
    _pages.append(page)
    return output
