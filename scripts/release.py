"""The assets of a release, named with the edition (hooks/edition.py), from a built site (with its
PDF, `make pdf`) and a built offline copy:

    python scripts/release.py site site-offline release     (make release)

writes release/EDITION/ with

    why-sft-is-not-enough-EDITION-site.zip          the site as published, to host a fixed copy
    why-sft-is-not-enough-EDITION-offline.zip       the copy that opens from disk (PDF included)
    why-sft-is-not-enough-EDITION.pdf               the PDF edition
    why-sft-is-not-enough-EDITION-canvas-qti.zip    the question banks (hooks/question_banks.py)
    why-sft-is-not-enough-EDITION-moodle.xml
    why-sft-is-not-enough-EDITION.apkg
    SHA256SUMS

and stops, naming the problem, if a download is missing or if the site was built as another
edition than the one being released (e.g. a site left from an older commit). The zips hold one
folder, why-sft-is-not-enough-EDITION/, with entries sorted and dated with the commit.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.util
import shutil
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NAME = "why-sft-is-not-enough"


def load_hook(name: str):
    spec = importlib.util.spec_from_file_location(f"release_hook_{name}", REPO / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


edition_hook = load_hook("edition")
downloads = load_hook("downloads")


class ReleaseError(SystemExit):
    pass


def built_edition(site: Path) -> str:
    """The edition the site was built as: the print edition's cover says it (data-edition)."""
    cover = (site / "print_page" / "index.html")
    if not cover.is_file():
        cover = site / "print_page.html"
    text = cover.read_text(encoding="utf-8") if cover.is_file() else ""
    marker = 'data-edition="'
    start = text.find(marker)
    if start < 0:
        raise ReleaseError(f"release: {cover} does not say which edition it is (no data-edition on its cover)")
    import html

    return html.unescape(text[start + len(marker): text.index('"', start + len(marker))])


def zip_folder(folder: Path, target: Path, top: str, timestamp: int | None) -> None:
    """`folder` as a zip holding `top`/..., entries sorted, every date the commit's."""
    when = datetime.datetime.fromtimestamp(max(timestamp or 0, 315532800), datetime.UTC).timetuple()[:6]
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(f"{top}/{path.relative_to(folder).as_posix()}", date_time=when)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o100644 << 16
                archive.writestr(info, path.read_bytes())


def release_name(download_name: str, slug: str) -> str:
    """"why-sft-is-not-enough-moodle.xml" -> "why-sft-is-not-enough-v2026.1-moodle.xml"."""
    assert download_name.startswith(NAME), download_name
    return f"{NAME}-{slug}{download_name[len(NAME):]}"


def make_release(site: Path, offline: Path, out: Path, edition=None) -> list[Path]:
    edition = edition or edition_hook.current(REPO)
    for label, folder in (("site", site), ("offline copy", offline)):
        found = built_edition(folder)
        if found != edition.label:
            raise ReleaseError(f"release: the {label} in {folder} was built as edition {found!r}, not "
                               f"{edition.label!r}: build it again (make release does)")
    missing = [downloads.path(key) for key in downloads.DOWNLOADS if not (site / downloads.path(key)).is_file()]
    if missing:
        raise ReleaseError(f"release: {site} lacks {', '.join(missing)} (make build writes the question banks, "
                           "make pdf the PDF)")
    # The offline copy links the PDF too: it gets the same file.
    pdf = downloads.path("pdf")
    (offline / pdf).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(site / pdf, offline / pdf)

    folder = out / edition.slug
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    top = f"{NAME}-{edition.slug}"
    assets = []
    for key in downloads.DOWNLOADS:
        target = folder / release_name(downloads.DOWNLOADS[key][0], edition.slug)
        shutil.copyfile(site / downloads.path(key), target)
        assets.append(target)
    for suffix, source in (("site", site), ("offline", offline)):
        target = folder / f"{top}-{suffix}.zip"
        zip_folder(source, target, top, edition.timestamp)
        assets.append(target)
    sums = "".join(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n" for path in sorted(assets))
    (folder / "SHA256SUMS").write_text(sums)
    return sorted(assets) + [folder / "SHA256SUMS"]


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: python scripts/release.py SITE OFFLINE_SITE OUT")
    written = make_release(*(Path(argument) for argument in sys.argv[1:]))
    print(f"Release {written[0].parent.name}:")
    for path in written:
        print(f"  {path}  ({path.stat().st_size:,} bytes)")
