"""Keep notebook pages (mkdocs-jupyter) free of third-party requests.

nbconvert's template adds a MathJax loader (an empty <script src=""> plus its configuration) and a
Mermaid loader that imports from a CDN. Math in labs is rendered to MathML by hooks/mathml.py and
labs use no Mermaid diagrams, so both are removed. Matching is exact: if a template update changes
them, the browser test that records every request will fail and point here.
"""

import re

MATHJAX_LOADER = re.compile(
    r'<!-- Load mathjax -->\s*<script src="">\s*</script>.*?<!-- End of mathjax configuration -->',
    re.DOTALL,
)
MERMAID_LOADER = re.compile(r'<script type="module">(?:(?!</script>).)*?cdnjs\.cloudflare\.com.*?</script>',
                            re.DOTALL)


def on_page_content(html, page, config, files):
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    html = MATHJAX_LOADER.sub("", html)
    return MERMAID_LOADER.sub("", html)
