"""No broken internal link, by a checker no one here wrote: LinkChecker over the built site served
under its published prefix (as GitHub Pages serves it), following every internal link from the
home page, the print edition and the 404 page, and checking every anchor (its AnchorCheck plugin),
the lab downloads included. Other hosts are never asked (LinkChecker checks only their syntax;
a proxy that does not exist stands in the way of any request all the same).

scripts/check_links.py runs LinkChecker's own command line, parsing each page once however many of
its anchors are linked (minutes saved on the print edition). A page planted beside the site, with
a missing page and a missing anchor, is checked in the same run, as the control.
"""

from __future__ import annotations

import csv
import functools
import http.server
import io
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from .conftest import SiteHandler
from .helpers import REPO

sys.path.insert(0, str(REPO / "scripts"))
from bench_sites import site_prefix  # noqa: E402
from make_pdf import PDF  # noqa: E402  (where make pdf writes the PDF edition, as the pages link it)

PLANTED = "__planted__/"
PLANTED_PAGE = b"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Planted</title></head>
<body><a href="../">home</a> <a href="../no-such-page/">a missing page</a>
<a href="../sft/objective/#no-such-anchor">a missing anchor</a> <a href="https://example.org/">another host</a>
</body></html>"""


class LinkCheckedSite(SiteHandler):
    """The site below its prefix, and the planted page. The `LinkChecker` header lets LinkChecker
    send more than 10 requests a second to this server (its documented way for a site to allow it)."""

    def end_headers(self):
        self.send_header("LinkChecker", "allowed")
        super().end_headers()

    def do_GET(self):  # noqa: N802 - the name the base class calls
        if self.path.split("?")[0] == self.prefix + PLANTED:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(PLANTED_PAGE)))
            self.end_headers()
            self.wfile.write(PLANTED_PAGE)
            return
        super().do_GET()


@pytest.fixture(scope="module")
def checked(site_dir, tmp_path_factory) -> Iterator[dict]:
    """LinkChecker's report of every URL it checked: {"rows": [...], "base": url, "output": text,
    "run": a function that runs LinkChecker again, with other arguments (and another Python), on
    the same server}."""
    prefix = site_prefix(site_dir)
    handler = type("Handler", (LinkCheckedSite,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=site_dir))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}{prefix}"
    config = tmp_path_factory.mktemp("linkchecker") / "linkcheckerrc"
    config.write_text(
        "[checking]\nthreads=4\n"
        "maxrequestspersecond=1000\n"  # allowed by the header above
        "maxfilesizeparse=50000000\n"  # the print edition is larger than the default 1 MB
        "[filtering]\ncheckextern=0\n"
        # Anchored URLs are checked (HTTP status, anchor) but not followed: the page itself is.
        f"nofollow=^{base.replace('.', '[.]')}[^#]*#\n"
        "[AnchorCheck]\n[output]\nstatus=0\n")
    nowhere = "http://127.0.0.1:9"  # the discard port: nothing listens there
    env = {**os.environ, "http_proxy": nowhere, "https_proxy": nowhere, "no_proxy": "127.0.0.1"}

    def run(*arguments: str, python: str = sys.executable) -> subprocess.CompletedProcess:
        return subprocess.run([str(python), str(REPO / "scripts" / "check_links.py"), "-f", str(config),
                               *arguments], capture_output=True, text=True, timeout=300, env=env,
                              stdin=subprocess.DEVNULL)

    try:
        done = run("--verbose", "-o", "csv", base, base + "print_page/", base + "404.html", base + PLANTED)
        # The CSV report, between LinkChecker's comment lines at its top and at its end.
        lines = done.stdout.splitlines()
        header = next((index for index, line in enumerate(lines) if line.startswith("urlname;")), len(lines))
        body = lines[header:]
        while body and body[-1].startswith("# "):
            body.pop()
        rows = list(csv.DictReader(io.StringIO("\n".join(body)), delimiter=";"))
        assert rows, f"LinkChecker reported nothing:\n{done.stdout}\n{done.stderr}"
        yield {"rows": rows, "base": base, "output": done.stdout + done.stderr, "run": run}
    finally:
        server.shutdown()
        server.server_close()


def problems(rows) -> list[str]:
    return [f"{row['url']} (on {row['parentname']}, line {row['line']}): {row['result']} {row['warningstring']}"
            for row in rows if row["valid"] != "True" or row["warningstring"]]


def made_by_make_pdf(row, site_dir) -> bool:
    """The PDF edition is linked from the home page and the syllabus but made by `make pdf`, not by
    the build under test (test_print_edition.py prints it as make pdf does): while it is absent,
    its one URL may be missing, nothing else."""
    return urlsplit(row["url"]).path.endswith("/" + PDF) and not (site_dir / PDF).exists()


def test_no_broken_link_or_anchor(checked, site_dir):
    site_rows = [row for row in checked["rows"] if PLANTED not in row["parentname"] + row["url"]
                 and not made_by_make_pdf(row, site_dir)]
    found = problems(site_rows)
    assert not found, f"{len(found)} broken links or anchors:\n" + "\n".join(found[:40])


def test_the_planted_page_s_broken_link_and_anchor_are_found(checked):
    rows = [row for row in checked["rows"] if PLANTED in row["parentname"]]
    planted = problems(rows)
    # On failure, every row LinkChecker wrote for the planted page's links, valid ones too.
    seen = "\n".join(f"{row['url']}: valid={row['valid']} result={row['result']!r} "
                     f"warning={row['warningstring']!r} info={row.get('infostring')!r} "
                     f"size={row.get('size')!r} checktime={row.get('checktime')!r} cached={row.get('cached')!r}"
                     for row in rows)
    if len(planted) != 2:
        # What LinkChecker's check and plugin loggers say of the planted page's links, checked again
        # alone (they showed why `make bench` once lost the anchor check: see scripts/check_links.py).
        again = checked["run"]("-r1", "-Dchecking", "-Dplugin", "-o", "none", checked["base"] + PLANTED)
        debug = [line[:300] for line in again.stderr.splitlines() if "anchor" in line.lower() or "objective" in line]
        seen += "\nChecked again alone, LinkChecker's debug lines on anchors:\n" + "\n".join(debug[:60])
    assert len(planted) == 2, f"{planted}\nLinkChecker's rows for the planted page:\n{seen}"
    assert any("no-such-page" in problem and "404" in problem for problem in planted), planted
    assert any("no-such-anchor" in problem and "Anchor" in problem for problem in planted), planted


def test_anchors_are_checked_from_a_folder_only_its_owner_may_enter(checked, tmp_path):
    """Run as root (as CI runs), LinkChecker drops to the user `nobody` before it lists its plugins;
    from a project in a folder only root may enter (make bench's snapshot, a clone in /root) it
    then checked no anchor, silently (scripts/check_links.py). Here LinkChecker runs from such a
    folder: a .venv reached through it, as the benchmark's snapshot reaches the project's."""
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    (private / ".venv").symlink_to(REPO / ".venv", target_is_directory=True)
    done = checked["run"]("-r1", "-o", "text", checked["base"] + PLANTED, python=private / ".venv" / "bin" / "python")
    report = " ".join(done.stdout.split())  # the text report wraps its lines
    assert "Anchor `no-such-anchor' (decoded: `no-such-anchor') not found" in report, (
        f"the planted missing anchor was not reported:\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}")


def test_every_page_the_print_edition_s_anchors_and_the_lab_downloads_were_checked(checked, pages):
    base = checked["base"]
    checked_urls = {row["url"] for row in checked["rows"]}
    missing = [page.path for page in pages if base + page.path not in checked_urls]
    assert not missing, f"pages LinkChecker never reached: {missing}"
    anchors = [url for url in checked_urls if "#" in url and url.startswith(base)]
    print_anchors = [url for url in anchors if url.startswith(base + "print_page/#")]
    downloads = [url for url in checked_urls if url.startswith(base) and url.endswith(".ipynb")]
    labs = [page for page in pages if page.source and page.source.suffix == ".ipynb"]
    assert len(anchors) > 200 and len(print_anchors) > 100, (len(anchors), len(print_anchors))
    assert len(downloads) == len(labs) >= 3, downloads


def test_no_other_host_was_asked(checked):
    """Links to papers and to GitHub are on the pages, and LinkChecker only read them."""
    local = urlsplit(checked["base"]).netloc
    others = [row for row in checked["rows"] if urlsplit(row["url"]).netloc not in ("", local)]
    assert others, "no link to another host was seen: the check would pass vacuously"
    asked = [row["url"] for row in others if row["dltime"] not in ("", "-1") or row["size"] not in ("", "-1")]
    assert not asked, f"LinkChecker fetched other hosts: {asked[:10]}"
