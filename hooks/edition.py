"""Which edition of the course a build is: shown in every page's footer, on the print edition's
cover, in the PDF's footer and in the question banks, and used to name the release assets.

- `EDITION=v2026.1` names it outright (`make release EDITION=...`; the release workflow passes
  the tag it runs on).
- Otherwise a commit that carries a version tag (`git describe --tags --exact-match --match 'v*'`)
  is that edition.
- Otherwise the build is of the moving site: "main", with the date of the last commit.

The date is the commit's (SOURCE_DATE_EPOCH, which the Makefile sets from it, or the commit's own
time), never the clock's, so two builds of one commit are byte-identical. A folder without git
history (a throw-away test site, a tarball) is "unversioned" unless EDITION is given.

    python hooks/edition.py          prints the label:  "main, 2026-12-01"
    python hooks/edition.py --slug   prints it for file names:  "main-2026-12-01"
"""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Edition:
    name: str  # "v2026.1", "main" or "unversioned"
    timestamp: int | None  # the commit's time, seconds since 1970 (UTC)

    @property
    def date(self) -> str:
        """The commit's date, "2026-12-01" (empty when there is no commit)."""
        if self.timestamp is None:
            return ""
        return datetime.datetime.fromtimestamp(self.timestamp, datetime.UTC).date().isoformat()

    @property
    def label(self) -> str:
        """What a reader sees: "v2026.1, 2026-12-01" or "main, 2026-12-01"."""
        return f"{self.name}, {self.date}" if self.date else self.name

    @property
    def slug(self) -> str:
        """For file names: "v2026.1" for a named edition, "main-2026-12-01" for the moving site."""
        text = self.name if self.name not in ("main", "unversioned") else self.label
        return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")

    def as_dict(self) -> dict:
        return {"name": self.name, "date": self.date, "label": self.label, "slug": self.slug,
                "timestamp": self.timestamp}


def git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=30,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def current(root: Path, environ: dict | None = None) -> Edition:
    """The edition of the project folder `root` as it is built now."""
    environ = os.environ if environ is None else environ
    commit_time = git(root, "log", "-1", "--format=%ct")
    epoch = environ.get("SOURCE_DATE_EPOCH") or commit_time
    timestamp = int(epoch) if epoch and epoch.strip().isdigit() else None
    name = (environ.get("EDITION") or "").strip()
    if not name:
        tag = git(root, "describe", "--tags", "--exact-match", "--match", "v*") if commit_time else None
        name = tag or ("main" if commit_time else "unversioned")
    return Edition(name, timestamp)


def on_config(config):
    edition = current(Path(config["config_file_path"]).resolve().parent)
    config["extra"]["edition"] = edition.as_dict()
    return config


if __name__ == "__main__":
    found = current(Path(__file__).resolve().parent.parent)
    print(found.slug if "--slug" in sys.argv[1:] else found.label)
