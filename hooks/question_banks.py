"""The check-yourself questions, exported when the site is built, for an LMS and for review:

- downloads/why-sft-is-not-enough-canvas-qti.zip: QTI 1.2 for Canvas, one quiz per page, written
  by text2qti; the right option scores, and every option keeps its own feedback.
- downloads/why-sft-is-not-enough-moodle.xml: Moodle XML, one category per page, a multichoice
  question per fence with the feedback of every option.
- downloads/why-sft-is-not-enough.apkg: an Anki deck (genanki), a subdeck per page; front: the
  question and its options; back: the right option and every explanation.

One source: the questions are found and parsed by hooks/quiz.py (quiz_fences, parse_quiz), as the
pages are. Their Markdown becomes HTML once, with text2qti's converter, for all three. Math stays
TeX between \\( \\) (inline) or \\[ \\] (display), which Canvas, Moodle and Anki all typeset; links
to other pages become absolute links to the site. What one of them could not carry (an image, raw
HTML, a code block, a table, an admonition, a footnote, a link to a file that is not a page) stops
the build, naming the page and line.

The files are byte-identical between builds of one commit: no clock, fixed zip dates (the
commit's), sorted entries, ids derived from the page and the question's place on it. Anki knows a
note by its guid, which depends only on the page and the question's number there (not on its
words): a re-downloaded deck updates the cards a reader has, rewording included. Questions are
therefore added at the end of a page's questions, so that the others keep their numbers.
"""

from __future__ import annotations

import functools
import hashlib
import html
import importlib.util
import io
import itertools
import json
import posixpath
import re
import sqlite3
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

import build_cache

HOOKS = Path(__file__).resolve().parent


def load_hook(name: str):
    """Another hook of this project, as a module (hooks are files, not a package)."""
    module_name = f"course_hook_{name}"
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, HOOKS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module  # dataclasses look their module up here
        spec.loader.exec_module(module)
    return sys.modules[module_name]


quiz_hook = load_hook("quiz")
downloads = load_hook("downloads")

COURSE = "Why SFT is not enough"


class ExportError(PluginError):
    """A question the banks cannot carry; the message names the file and line."""


# ---------------------------------------------------------------------------------------------
# From a quiz fence to HTML that every bank can carry.

@dataclass
class Chunk:
    """A piece of a question's Markdown (the question, an option, an explanation) and the source
    line of its first line."""

    markdown: str
    line: int


@dataclass
class Question:
    """One check-yourself question, as the source says it."""

    page: str  # docs/ path, e.g. "sft/objective.md"
    number: int  # its place among the page's questions, from 1; its anchor is #quiz-NUMBER
    question: Chunk
    options: list[Chunk]
    explanations: list[Chunk]
    right: int  # index of the right option


@dataclass
class ExportedQuestion:
    """A question's parts as HTML (math as TeX between \\( \\)), with what the source says."""

    source: Question
    url: str  # the question on the site, absolute
    question: str
    options: list[str]
    explanations: list[str]


@dataclass
class ExportedPage:
    page: str
    title: str
    url: str
    questions: list[ExportedQuestion] = field(default_factory=list)


def part(lines: list[str], first_line: int) -> Chunk:
    """Lines of a question's part as one chunk, without the blank lines around it."""
    lead = next(index for index, line in enumerate(lines) if line.strip())
    return Chunk("\n".join(lines[lead:]).strip(), first_line + lead)


def questions_in(markdown: str, page: str, line_offset: int = 0) -> list[Question]:
    """The questions of a page's Markdown (hooks/quiz.py finds and parses them; math untouched)."""
    where = f"docs/{page}"
    found = []
    for number, fence in enumerate(quiz_hook.quiz_fences(markdown, where, line_offset), start=1):
        quiz = quiz_hook.parse_quiz(fence.body, where, fence.first_line)
        question = part(quiz.question, fence.first_line)
        options = [Chunk(option.text, option.line) for option in quiz.options]
        explanations = [part(option.explanation, option.line + 1) for option in quiz.options]
        right = next(index for index, option in enumerate(quiz.options) if option.correct)
        found.append(Question(page, number, question, options, explanations, right))
    return found


# Markup the banks cannot carry, looked for outside math, line by line.
UNEXPORTABLE = [
    (re.compile(r"!\["), "an image"),
    (re.compile(r"</?[A-Za-z][^>]*>|<!--"), "raw HTML"),
    (re.compile(r"^\s*(```|~~~)"), "a code block"),
    (re.compile(r"^\s*\|"), "a table"),
    (re.compile(r"^\s*(!!!|\?\?\?)"), "an admonition"),
    (re.compile(r"\[\^[^\]]*\]"), "a footnote"),
    (re.compile(r"\]\[[^\]]*\]"), "a reference-style link"),
    (re.compile(r"^\s*#{1,6}\s"), "a heading"),
    (re.compile(r"^\s*>"), "a block quote"),
    (re.compile(r"--8<--"), "a snippet include"),
    (re.compile(r"@print_page|@download:"), "a site-only link"),
]
LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]+)\]\((?P<target>[^)\s]+)\)")
MATH_TOKEN = "zqkitmath{}zq"
MATH_TOKEN_RE = re.compile(r"zqkitmath\d+zq")


def normalise_math(span: str) -> str:
    """A math span as the banks write it: \\( \\) inline, \\[ \\] displayed, on one line."""
    if span.startswith("$$"):
        tex, display = span[2:-2], True
    elif span.startswith("$"):
        tex, display = span[1:-1], False
    else:
        tex, display = span[2:-2], span.startswith("\\[")
    tex = re.sub(r"\s*\n\s*", " ", tex)
    return f"\\[{tex}\\]" if display else f"\\({tex}\\)"


class Converter:
    """Turns the Markdown of a question's parts into HTML for the banks, with text2qti's Markdown
    converter (the one its QTI uses), math set aside as tokens meanwhile so that Markdown cannot
    touch it."""

    def __init__(self, pages_by_src: dict[str, str], site_url: str):
        from text2qti.config import Config
        from text2qti.markdown import Markdown

        self.markdown = Markdown(Config())
        self.pages_by_src = pages_by_src  # docs/ path -> site-relative URL of its page
        self.site_url = site_url if site_url.endswith("/") else site_url + "/"
        self.math: dict[str, str] = {}

    def prepare(self, chunk: Chunk, page: str) -> str:
        """The chunk's Markdown with math replaced by tokens, links made absolute and dollar signs
        escaped (text2qti reads $...$ as math); an ExportError names what cannot be carried."""
        where = f"docs/{page}"

        def set_aside(match):
            token = MATH_TOKEN.format(len(self.math))
            self.math[token] = normalise_math(match.group(0))
            return token

        text = quiz_hook.MATH_SPAN.sub(set_aside, chunk.markdown)
        for offset, line in enumerate(text.split("\n")):
            for pattern, what in UNEXPORTABLE:
                found = pattern.search(line)
                if found:
                    raise ExportError(
                        f"{where}:{chunk.line + offset}: quiz: {what} ({found.group(0).strip()!r}) cannot be "
                        "exported to the question banks (Canvas, Moodle, Anki); write it as text, math or "
                        "a link to a page")

        def absolute(match):
            target = match.group("target")
            line = chunk.line + text[:match.start()].count("\n")
            return f"[{match.group('text')}]({self.resolve(target, page, where, line)})"

        text = LINK.sub(absolute, text)
        return text.replace("$", "\\$")

    def resolve(self, target: str, page: str, where: str, line: int) -> str:
        if re.match(r"https?://", target):
            return target
        path, _, anchor = target.partition("#")
        source = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page
        if source not in self.pages_by_src:
            raise ExportError(f"{where}:{line}: quiz: the link {target!r} is not to a page of the site, so it "
                              "cannot be exported to the question banks; link a page or an http(s) address")
        url = urljoin(self.site_url, self.pages_by_src[source])
        return f"{url}#{anchor}" if anchor else url

    def to_html(self, markdown: str, inline: bool = False) -> str:
        """HTML of prepared Markdown, math put back as TeX (escaped for HTML)."""
        converted = self.markdown.md_to_html(markdown, strip_p_tags=inline)
        return self.restore_math(converted)

    def restore_math(self, text: str, escape=lambda tex: html.escape(tex, quote=False)) -> str:
        return MATH_TOKEN_RE.sub(lambda match: escape(self.math[match.group(0)]), text)


def export(pages: list[tuple[str, str, str, list[Question]]], site_url: str,
           pages_by_src: dict[str, str]) -> tuple[list[ExportedPage], Converter, dict[str, dict[str, str]]]:
    """pages: (docs/ path, title, site-relative URL, its questions), in the order of the navigation.
    Returns the pages as HTML, the converter (which holds the math) and, per page, each part's
    prepared Markdown (for text2qti's quiz format)."""
    converter = Converter(pages_by_src, site_url)
    exported, prepared = [], {}
    for page, title, url, questions in pages:
        if not questions:
            continue
        page_url = urljoin(converter.site_url, url)
        out = ExportedPage(page, title, page_url)
        for question in questions:
            parts = {"question": converter.prepare(question.question, page),
                     "options": [converter.prepare(option, page) for option in question.options],
                     "explanations": [converter.prepare(text, page) for text in question.explanations]}
            prepared[f"{page}#{question.number}"] = parts
            out.questions.append(ExportedQuestion(
                question, f"{page_url}#quiz-{question.number}", converter.to_html(parts["question"]),
                [converter.to_html(option, inline=True) for option in parts["options"]],
                [converter.to_html(text) for text in parts["explanations"]]))
        exported.append(out)
    return exported, converter, prepared


# ---------------------------------------------------------------------------------------------
# Canvas: QTI 1.2, written by text2qti.

def indented(markdown: str, marker: str) -> str:
    """A part in text2qti's format: the marker, then the Markdown, every further line indented."""
    lines = markdown.split("\n")
    pad = " " * len(marker)
    return "\n".join([marker + lines[0]] + [pad + line if line.strip() else "" for line in lines[1:]])


def text2qti_document(page: ExportedPage, prepared: dict[str, dict], edition: dict) -> str:
    """The page's questions in text2qti's plain-text quiz format."""
    title = f"{page.title} ({COURSE}, {edition['label']})"
    out = [f"Quiz title: {title}",
           f"Quiz description: The check-yourself questions of [{page.title}]({page.url}), from the course "
           f"{COURSE}, edition {edition['label']}.",
           "Shuffle answers: false", "Show correct answers: true", ""]
    for question in page.questions:
        parts = prepared[f"{page.page}#{question.source.number}"]
        out += [f"Title: {page.title}, question {question.source.number}",
                indented(parts["question"], f"{question.source.number}.  ")]
        for index, (option, explanation) in enumerate(zip(parts["options"], parts["explanations"], strict=True)):
            letter = "abcdefghijklmnopqrstuvwxyz"[index]
            marker = f"*{letter}) " if index == question.source.right else f"{letter})  "
            out += [indented(option, marker), indented(explanation, "... ")]
        out.append("")
    return "\n".join(out)


def zip_bytes(entries: dict[str, bytes], timestamp: int | None) -> bytes:
    """A zip whose bytes depend on its entries alone: sorted, with one fixed date (the commit's)."""
    import datetime

    when = datetime.datetime.fromtimestamp(max(timestamp or 0, 315532800), datetime.UTC)
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED if name.endswith("/") else zipfile.ZIP_DEFLATED
            info.external_attr = (0o40755 if name.endswith("/") else 0o100644) << 16
            archive.writestr(info, entries[name])
    return stream.getvalue()


def canvas_qti(pages: list[ExportedPage], converter: Converter, prepared: dict, edition: dict) -> bytes:
    """One QTI 1.2 package holding one quiz per page. text2qti writes every XML file; the package
    lists every quiz's resources in one manifest (text2qti's, whose resource list is joined)."""
    from text2qti.config import Config
    from text2qti.err import Text2qtiError
    from text2qti.qti import QTI
    from text2qti.quiz import Quiz
    from text2qti.xml_imsmanifest import imsmanifest

    def in_xml(tex: str) -> str:  # TeX inside HTML inside XML text: escaped twice
        return converter.markdown.xml_escape(html.escape(tex, quote=False), squotes=False, dquotes=False)

    entries: dict[str, bytes] = {"non_cc_assessments/": b""}
    manifests = []
    for page in pages:
        try:
            quiz = Quiz(text2qti_document(page, prepared, edition), config=Config(), source_name=f"docs/{page.page}")
        except Text2qtiError as error:
            raise ExportError(f"docs/{page.page}: quiz: text2qti cannot export this page's questions: "
                              f"{error}") from error
        qti = QTI(quiz)
        manifests.append(imsmanifest(manifest_identifier=qti.manifest_identifier,
                                     assessment_identifier=qti.assessment_identifier,
                                     dependency_identifier=qti.dependency_identifier,
                                     images=quiz.images, date=edition["date"] or "1970-01-01"))
        folder = qti.assessment_identifier
        entries[f"{folder}/assessment_meta.xml"] = converter.restore_math(qti.assessment_meta, in_xml).encode()
        entries[f"{folder}/{folder}.xml"] = converter.restore_math(qti.assessment, in_xml).encode()
    head, _, _ = manifests[0].partition("  </resources>")
    resources = [manifest.partition("<resources>\n")[2].partition("  </resources>")[0] for manifest in manifests[1:]]
    entries["imsmanifest.xml"] = (head + "".join(resources) + "  </resources>\n</manifest>\n").encode()
    return zip_bytes(entries, edition["timestamp"])


# ---------------------------------------------------------------------------------------------
# Moodle: Moodle XML, one category per page.

def moodle_xml(pages: list[ExportedPage], edition: dict) -> bytes:
    def text_element(parent, tag, content, **attributes):
        element = ET.SubElement(parent, tag, attributes)
        ET.SubElement(element, "text").text = content
        return element

    root = ET.Element("quiz")
    for page in pages:
        category = ET.SubElement(root, "question", type="category")
        text_element(category, "category", f"$course$/top/{COURSE}/{page.title}")
        text_element(category, "info", f'<p>The check-yourself questions of <a href="{html.escape(page.url)}">'
                     f"{html.escape(page.title)}</a>, edition {html.escape(edition['label'])}.</p>", format="html")
        for question in page.questions:
            item = ET.SubElement(root, "question", type="multichoice")
            text_element(item, "name", f"{page.title}, question {question.source.number}")
            text_element(item, "questiontext", question.question, format="html")
            text_element(item, "generalfeedback", f'<p>From <a href="{html.escape(question.url)}">'
                         f"{html.escape(page.title)}</a>.</p>", format="html")
            for tag, value in (("defaultgrade", "1"), ("penalty", "0.3333333"), ("hidden", "0"),
                               ("single", "true"), ("shuffleanswers", "false"), ("answernumbering", "ABCD")):
                ET.SubElement(item, tag).text = value
            for index, (option, explanation) in enumerate(zip(question.options, question.explanations, strict=True)):
                answer = text_element(item, "answer", option, fraction="100" if index == question.source.right else "0",
                                      format="html")
                text_element(answer, "feedback", explanation, format="html")
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


# ---------------------------------------------------------------------------------------------
# Anki: a deck of every question, a subdeck per page.

def stable_id(*parts: str) -> int:
    """An id in the range genanki recommends (2^30 to 2^31), from stable names, not from chance."""
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


ANKI_CSS = """.card { font-family: system-ui, sans-serif; font-size: 18px; line-height: 1.45;
  text-align: left; max-width: 40em; margin: 0 auto; }
ol.options { padding-left: 1.6em; }
.answer { font-weight: bold; }
.explanation { margin: 0.6em 0; }
.source { font-size: 0.8em; }
"""


def anki_model():
    import genanki

    return genanki.Model(
        stable_id(COURSE, "note type"), f"{COURSE}: check-yourself question",
        fields=[{"name": "Question"}, {"name": "Options"}, {"name": "Answer"}, {"name": "Explanations"},
                {"name": "Source"}],
        templates=[{"name": "Question and options", "qfmt": "{{Question}}\n{{Options}}",
                    "afmt": "{{FrontSide}}\n<hr id=answer>\n{{Answer}}\n{{Explanations}}\n{{Source}}"}],
        css=ANKI_CSS)


def anki_guid(page: str, number: int) -> str:
    """A note's guid: the page and the question's number there, nothing else (see the module's
    docstring), so that rewording a question updates its card."""
    import genanki

    return genanki.guid_for(COURSE, page, number)


def labelled(explanation: str, letter: str, right: bool) -> str:
    """An explanation headed as on the site: "B: Right." or "A: Not this one."."""
    label = f"<b>{letter}: {'Right' if right else 'Not this one'}.</b> "
    return explanation.replace("<p>", "<p>" + label, 1) if explanation.startswith("<p>") else label + explanation


def anki_decks(pages: list[ExportedPage], edition: dict) -> list:
    import genanki

    model = anki_model()
    decks = []
    for page in pages:
        deck = genanki.Deck(stable_id(COURSE, "deck", page.page), f"{COURSE}::{page.title}",
                            description=f'<a href="{html.escape(page.url)}">{html.escape(page.title)}</a>, '
                                        f"edition {html.escape(edition['label'])}")
        for question in page.questions:
            letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
            options = "".join(f"<li>{option}</li>" for option in question.options)
            right = question.source.right
            explanations = "".join(
                f'<div class="explanation">{labelled(explanation, letters[index], index == right)}</div>'
                for index, explanation in enumerate(question.explanations))
            deck.add_note(genanki.Note(
                model=model,
                fields=[question.question, f'<ol class="options" type="A">{options}</ol>',
                        f'<p class="answer">Answer: {letters[right]}. {question.options[right]}</p>', explanations,
                        f'<p class="source"><a href="{html.escape(question.url)}">{html.escape(page.title)}, '
                        f"question {question.source.number}</a></p>"],
                guid=anki_guid(page.page, question.source.number),
                tags=[re.sub(r"[^\w-]+", "-", page.page.removesuffix(".md"))]))
        decks.append(deck)
    return decks


def anki_apkg(pages: list[ExportedPage], edition: dict) -> bytes:
    """The deck as an .apkg (a zip of genanki's SQLite collection), with the commit's time as every
    card's time, so the bytes depend on the questions and the edition alone."""
    import genanki

    package = genanki.Package(anki_decks(pages, edition))
    timestamp = edition["timestamp"] or 0
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(database)
        package.write_to_db(connection.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
        connection.commit()
        connection.close()
        collection = database.read_bytes()
    return zip_bytes({"collection.anki2": collection, "media": json.dumps({}).encode()}, edition["timestamp"])


# ---------------------------------------------------------------------------------------------
# The hook: collect each page's questions as it is read, write the banks after the build.

_questions: dict[str, list[Question]] = {}
_nav_pages: list = []


def on_pre_build(config):
    _questions.clear()


def on_nav(nav, config, files):
    _nav_pages[:] = list(nav.pages)
    return nav


# After build_context (which counts the front matter's lines), before quiz.py turns the fences
# into HTML.
@event_priority(500)
def on_page_markdown(markdown, page, config, files):
    _questions[page.file.src_uri] = questions_in(markdown, page.file.src_uri, getattr(page, "source_line_offset", 0))
    return markdown


def pages_with_questions(config) -> list[tuple[str, str, str, list[Question]]]:
    pages = []
    for page in _nav_pages:
        source = page.file.src_uri
        if source not in _questions and page.file.abs_src_path and source.endswith(".md"):
            # `mkdocs serve --dirty` does not read an unchanged page: read it here.
            text = Path(page.file.abs_src_path).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
            from mkdocs.utils.meta import get_data

            markdown, _ = get_data(text)
            offset = text[: len(text) - len(markdown)].count("\n") if text.endswith(markdown) else 0
            _questions[source] = questions_in(markdown, source, offset)
        pages.append((source, page.title or source, page.url, _questions.get(source, [])))
    return pages


def write_banks(site_dir: Path, pages, site_url: str, pages_by_src: dict[str, str], edition: dict,
                cache: Path | None = None) -> list[Path]:
    """Write the three banks; with `cache` (the examples' cache folder), reuse the ones an earlier
    build made from the same questions, edition, code and library versions."""
    if not any(questions for *_, questions in pages):  # a site without questions has no banks
        return []
    @functools.cache
    def exported():  # the slow part, done only when a bank is not in the cache
        return export(pages, site_url, pages_by_src)

    makers = {"canvas": ("bank-canvas.zip", lambda: canvas_qti(*exported(), edition)),
              "moodle": ("bank-moodle.xml", lambda: moodle_xml(exported()[0], edition)),
              "anki": ("bank-anki.apkg", lambda: anki_apkg(exported()[0], edition))}
    key = build_cache.digest([repr(pages), site_url, repr(sorted(pages_by_src.items())), repr(edition)],
                             code=[HOOKS / f"{name}.py" for name in ("question_banks", "quiz", "downloads")],
                             libraries=["text2qti", "genanki", "markdown"])
    contents = {bank: build_cache.cached(cache, name, key, make) for bank, (name, make) in makers.items()}
    folder = site_dir / downloads.FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for bank, content in contents.items():
        target = site_dir / downloads.path(bank)
        target.write_bytes(content)
        written.append(target)
    return written


def on_post_build(config):
    pages = pages_with_questions(config)
    pages_by_src = {page.file.src_uri: page.url for page in _nav_pages}
    edition = config["extra"].get("edition") or {"label": "unversioned", "date": "", "timestamp": None}
    write_banks(Path(config["site_dir"]), pages, config["site_url"] or "", pages_by_src, edition,
                build_cache.cache_folder(config))
