"""Notebook lab pages (rendered by mkdocs-jupyter): no third-party requests, a small search index,
and the actions a student needs at the top of each lab.

- nbconvert's template adds a MathJax loader (an empty <script src=""> plus its configuration) and
  a Mermaid loader that imports from a CDN. Math in labs is rendered to MathML by hooks/mathml.py
  and labs draw no Mermaid diagrams, so both are removed. If a template update changes them, the
  browser test that records every request fails and points here.
- Cell outputs are marked `data-search-exclude`, so search finds a lab by its prose and code, and
  printed numbers and plots do not bloat the search index.
- Each lab starts with: download the notebook, open it in Colab (built from repo_url and
  edit_uri's branch), and what to pip install to run it locally.
"""

import re
from pathlib import PurePosixPath

from mkdocs.plugins import event_priority

MATHJAX_LOADER = re.compile(
    r'<!-- Load mathjax -->\s*<script src="">\s*</script>.*?<!-- End of mathjax configuration -->',
    re.DOTALL,
)
MERMAID_LOADER = re.compile(r'<script type="module">(?:(?!</script>).)*?cdnjs\.cloudflare\.com.*?</script>',
                            re.DOTALL)
OUTPUT_AREA = '<div class="jp-Cell-outputWrapper">'
LOCAL_REQUIREMENTS = "numpy matplotlib jupyter"


def colab_url(repo_url: str, edit_uri: str, src_uri: str) -> str:
    """https://colab.research.google.com/github/OWNER/REPO/blob/BRANCH/docs/<src_uri>"""
    owner_repo = re.sub(r"^https?://github\.com/", "", repo_url.rstrip("/")).removesuffix(".git")
    parts = edit_uri.strip("/").split("/")  # e.g. edit/main/docs
    branch, docs_dir = (parts[1], "/".join(parts[2:])) if len(parts) >= 3 else ("main", "docs")
    return f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{docs_dir}/{src_uri}"


def lab_actions(src_uri: str, repo_url: str, edit_uri: str) -> str:
    name = PurePosixPath(src_uri).name
    return (
        '<div class="lab-actions">'
        f'<a class="md-button md-button--primary" href="{name}" download>Download the notebook</a> '
        f'<a class="md-button" href="{colab_url(repo_url, edit_uri, src_uri)}">Open in Colab</a>'
        f"<p>To run it locally: <code>pip install {LOCAL_REQUIREMENTS}</code>, clone the course "
        f'repository, and open <code>docs/{src_uri}</code>. Labs import the course\'s examples from '
        "<code>snippets/</code>, so a fix there shows up here too.</p>"
        "</div>"
    )


# Before print-site (priority 0) copies each page's HTML into the print edition.
@event_priority(70)
def on_page_content(html, page, config, files):
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    html = MATHJAX_LOADER.sub("", html)
    html = MERMAID_LOADER.sub("", html)
    html = html.replace(OUTPUT_AREA, '<div class="jp-Cell-outputWrapper" data-search-exclude>')
    return lab_actions(page.file.src_uri, config["repo_url"], config["edit_uri"]) + html
