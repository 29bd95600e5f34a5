"""The course kit: the question banks of the session's build are read back and checked against the
source fences (every question, option, key and feedback; math and links), the edition is what git
says, a question the banks cannot carry fails the build naming the page and line, a release names
its assets with the edition, and the release workflow is valid and pinned.

The banks are read as the LMSs read them: the Canvas package through its manifest (QTI 1.2
assessments with multiple_choice_question items, a SCORE of 100 for the key, an itemfeedback per
option linked from resprocessing), the Moodle XML as multichoice questions under category entries,
the Anki package as the SQLite collection inside it.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from conftest import BIN, DOCS, REPO, load_module


def load_hook(name):
    return load_module(REPO / "hooks" / f"{name}.py", f"kit_test_{name}")


def load_script(name):
    return load_module(REPO / "scripts" / f"{name}.py", f"kit_test_script_{name}")


quiz = load_hook("quiz")
edition_hook = load_hook("edition")
downloads = load_hook("downloads")
banks = load_hook("question_banks")
published_urls = load_script("published_urls")

SITE_URL = "https://sft-course.github.io/why-sft-is-not-enough/"
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
MANIFEST = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
CANVAS_META = "{http://canvas.instructure.com/xsd/cccv1p0}"


# ---------------------------------------------------------------------------------------------
# What the source says, read independently of the exporter: the fences, parsed by hooks/quiz.py
# as the pages are, and their Markdown reduced to plain text.

def source_questions() -> dict[str, list]:
    """Page URL (absolute) -> its questions, each (question, options, right index, explanations)
    as plain text."""
    found = {}
    for page in sorted(DOCS.rglob("*.md")):
        where = page.relative_to(DOCS).as_posix()
        fences = quiz.quiz_fences(page.read_text(), where)
        if not fences:
            continue
        url = SITE_URL + ("" if where == "index.md" else where.removesuffix(".md") + "/")
        found[url] = []
        for fence in fences:
            parsed = quiz.parse_quiz(fence.body, where, fence.first_line)
            right = next(index for index, option in enumerate(parsed.options) if option.correct)
            found[url].append((plain_markdown("\n".join(parsed.question)),
                               [plain_markdown(option.text) for option in parsed.options], right,
                               [plain_markdown("\n".join(option.explanation)) for option in parsed.options]))
    return found


def tex(span: str) -> str:
    """A math span as the banks should carry it: \\( \\) inline, \\[ \\] displayed."""
    if span.startswith("$$"):
        return "\\[" + span[2:-2] + "\\]"
    if span.startswith("$"):
        return "\\(" + span[1:-1] + "\\)"
    return span


def plain_markdown(text: str) -> str:
    spans = []

    def keep(match):
        spans.append(tex(" ".join(match.group(0).split())))
        return f"\x00{len(spans) - 1}\x00"

    text = quiz.MATH_SPAN.sub(keep, text)
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)  # a link reads as its text
    text = re.sub(r"[*`]", "", text)
    text = re.sub(r"\x00(\d+)\x00", lambda match: spans[int(match.group(1))], text)
    return normal(text)


def normal(text: str) -> str:
    text = text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'").replace("…", "...")
    return " ".join(text.split())


def plain_html(fragment: str) -> str:
    return normal(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).replace(" .", ".").replace(" ,", ","))


def same_text(exported: str, source: str) -> bool:
    """Equal up to the spaces that removing tags leaves before punctuation."""
    squeeze = lambda text: re.sub(r"\s+([.,;:)!?])", r"\1", re.sub(r"\(\s+", "(", text))  # noqa: E731
    return squeeze(exported) == squeeze(source)


def assert_same(exported: list, source: list, where: str):
    assert len(exported) == len(source), f"{where}: {len(exported)} questions exported, {len(source)} in the source"
    for number, (got, want) in enumerate(zip(exported, source, strict=True), start=1):
        label = f"{where} question {number}"
        assert same_text(got[0], want[0]), f"{label}: question\n  exported {got[0]!r}\n  source   {want[0]!r}"
        assert len(got[1]) == len(want[1]), f"{label}: options"
        for letter, (option, expected) in zip("ABCDEFGH", zip(got[1], want[1], strict=True), strict=False):
            assert same_text(option, expected), f"{label} option {letter}:\n  {option!r}\n  {expected!r}"
        assert got[2] == want[2], f"{label}: the key is {'ABCDEFGH'[got[2]]}, the source says {'ABCDEFGH'[want[2]]}"
        for letter, (feedback, expected) in zip("ABCDEFGH", zip(got[3], want[3], strict=True), strict=False):
            assert same_text(feedback, expected), f"{label} feedback {letter}:\n  {feedback!r}\n  {expected!r}"


def test_the_source_reader_reads_math_and_links_as_the_banks_must_show_them():
    """The control of the reference above: Markdown reduced to what a reader sees."""
    assert plain_markdown("A [page](../sft/objective.md#x) with *stress*, `code` and $a_i$.") == \
        "A page with stress, code and \\(a_i\\)."
    assert plain_markdown("Loss \\( -\\sum_t\n    \\log p \\) here") == "Loss \\( -\\sum_t \\log p \\) here"
    assert plain_html("<p>It&rsquo;s <em>so</em>: \\(x &lt; y\\).</p>") == "It's so : \\(x < y\\)."
    assert same_text("It's so : \\(x < y\\).", "It's so: \\(x < y\\).")
    assert not same_text("It is so.", "It is not so.")


@pytest.fixture(scope="module")
def source():
    found = source_questions()
    assert sum(len(questions) for questions in found.values()) >= 40
    return found


# ---------------------------------------------------------------------------------------------
# Canvas: the QTI package.

def read_canvas(package: bytes) -> tuple[dict[str, list], dict[str, dict]]:
    """Page URL -> its questions as read from the package (as `source` gives them), and each
    quiz's Canvas settings, following the manifest as Canvas does."""
    archive = zipfile.ZipFile(io.BytesIO(package))
    names = set(archive.namelist())
    manifest = ET.fromstring(archive.read("imsmanifest.xml"))
    resources = {resource.get("identifier"): resource for resource in manifest.iter(f"{MANIFEST}resource")}
    questions, settings = {}, {}
    for resource in resources.values():
        if resource.get("type") != "imsqti_xmlv1p2":
            continue
        href = resource.find(f"{MANIFEST}file").get("href")
        assert href in names, f"the manifest lists {href}, which the package lacks"
        dependency = resources[resource.find(f"{MANIFEST}dependency").get("identifierref")]
        meta = ET.fromstring(archive.read(dependency.get("href")))
        description = meta.findtext(f"{CANVAS_META}description")
        page_url = re.search(r'href="([^"]+)"', description).group(1)
        settings[page_url] = {tag: meta.findtext(f"{CANVAS_META}{tag}") for tag in
                              ("title", "shuffle_answers", "quiz_type", "points_possible", "available")}
        assessment = ET.fromstring(archive.read(href)).find(f"{QTI}assessment")
        assert assessment.get("ident") == resource.get("identifier")
        questions[page_url] = [read_qti_item(item) for item in assessment.iter(f"{QTI}item")]
    return questions, settings


def read_qti_item(item) -> tuple:
    fields = {field.findtext(f"{QTI}fieldlabel"): field.findtext(f"{QTI}fieldentry")
              for field in item.iter(f"{QTI}qtimetadatafield")}
    assert fields["question_type"] == "multiple_choice_question"
    presentation = item.find(f"{QTI}presentation")
    question = presentation.find(f"{QTI}material/{QTI}mattext")
    assert question.get("texttype") == "text/html"
    response = presentation.find(f"{QTI}response_lid")
    assert response.get("rcardinality") == "Single"
    labels = response.findall(f"{QTI}render_choice/{QTI}response_label")
    idents = [label.get("ident") for label in labels]
    assert fields["original_answer_ids"].split(",") == idents
    scored = [condition.findtext(f"{QTI}conditionvar/{QTI}varequal")
              for condition in item.iter(f"{QTI}respcondition")
              if condition.findtext(f"{QTI}setvar") == "100"]
    assert len(scored) == 1, f"{len(scored)} options score"
    linked = {condition.findtext(f"{QTI}conditionvar/{QTI}varequal"):
              condition.find(f"{QTI}displayfeedback").get("linkrefid")
              for condition in item.iter(f"{QTI}respcondition") if condition.find(f"{QTI}displayfeedback") is not None}
    feedback = {entry.get("ident"): entry.findtext(f"{QTI}flow_mat/{QTI}material/{QTI}mattext")
                for entry in item.findall(f"{QTI}itemfeedback")}
    assert set(linked) == set(idents), "every option must show its own feedback"
    return (plain_html(question.text), [plain_html(label.findtext(f"{QTI}material/{QTI}mattext")) for label in labels],
            idents.index(scored[0]), [plain_html(feedback[linked[ident]]) for ident in idents])


@pytest.fixture(scope="module")
def canvas(built_site):
    return read_canvas((built_site / downloads.path("canvas")).read_bytes())


def test_canvas_holds_every_question_option_key_and_feedback(canvas, source):
    questions, _ = canvas
    assert list(questions) == list(source) or set(questions) == set(source), sorted(set(questions) ^ set(source))
    for url, expected in source.items():
        assert_same(questions[url], expected, f"Canvas, {url}")


def test_canvas_has_one_graded_unpublished_quiz_per_page_named_with_the_edition(canvas, source):
    _, settings = canvas
    label = edition_hook.current(REPO).label
    assert set(settings) == set(source)
    for url, quiz_settings in settings.items():
        assert quiz_settings["title"].endswith(f"({banks.COURSE}, {label})"), quiz_settings["title"]
        assert quiz_settings["quiz_type"] == "assignment" and quiz_settings["available"] == "false"
        assert quiz_settings["shuffle_answers"] == "false"  # explanations may refer to the order
        assert float(quiz_settings["points_possible"]) == len(source[url])


def test_the_qti_reader_finds_a_wrong_key():
    """The control of the Canvas reader: a package whose key is moved reads back as another key."""
    question = banks.Question("page.md", 1, banks.Chunk("Which?", 3), [banks.Chunk("One", 5), banks.Chunk("Two", 7)],
                              [banks.Chunk("Because one.", 6), banks.Chunk("Because two.", 8)], 0)
    pages, converter, prepared = banks.export([("page.md", "A page", "page/", [question])], SITE_URL,
                                              {"page.md": "page/"})
    edition = {"label": "test", "date": "2026-01-01", "timestamp": 1767225600}
    read, _ = read_canvas(banks.canvas_qti(pages, converter, prepared, edition))
    assert read[SITE_URL + "page/"] == [("Which?", ["One", "Two"], 0, ["Because one.", "Because two."])]
    question.right = 1
    pages, converter, prepared = banks.export([("page.md", "A page", "page/", [question])], SITE_URL,
                                              {"page.md": "page/"})
    read, _ = read_canvas(banks.canvas_qti(pages, converter, prepared, edition))
    assert read[SITE_URL + "page/"][0][2] == 1


# ---------------------------------------------------------------------------------------------
# Moodle: Moodle XML.

def read_moodle(document: bytes) -> dict[str, list]:
    root = ET.fromstring(document)
    assert root.tag == "quiz"
    questions, current = {}, None
    for question in root.findall("question"):
        if question.get("type") == "category":
            assert question.findtext("category/text").startswith(f"$course$/top/{banks.COURSE}/")
            current = re.search(r'href="([^"]+)"', question.findtext("info/text")).group(1)
            questions[current] = []
            continue
        assert question.get("type") == "multichoice" and current
        assert question.findtext("single") == "true" and question.find("questiontext").get("format") == "html"
        answers = question.findall("answer")
        fractions = [answer.get("fraction") for answer in answers]
        assert sorted(fractions) == ["0"] * (len(answers) - 1) + ["100"], fractions
        questions[current].append((plain_html(question.findtext("questiontext/text")),
                                   [plain_html(answer.findtext("text")) for answer in answers], fractions.index("100"),
                                   [plain_html(answer.findtext("feedback/text")) for answer in answers]))
    return questions


def test_moodle_holds_every_question_option_key_and_feedback_one_category_per_page(built_site, source):
    questions = read_moodle((built_site / downloads.path("moodle")).read_bytes())
    assert set(questions) == set(source), sorted(set(questions) ^ set(source))
    for url, expected in source.items():
        assert_same(questions[url], expected, f"Moodle, {url}")


# ---------------------------------------------------------------------------------------------
# Anki: the .apkg.

def read_anki(package: bytes, folder: Path) -> dict:
    archive = zipfile.ZipFile(io.BytesIO(package))
    assert sorted(archive.namelist()) == ["collection.anki2", "media"]
    (folder / "collection.anki2").write_bytes(archive.read("collection.anki2"))
    connection = sqlite3.connect(folder / "collection.anki2")
    models, decks = (json.loads(value) for value in connection.execute("select models, decks from col").fetchone())
    notes = connection.execute("select id, guid, mid, flds from notes order by id").fetchall()
    cards = dict(connection.execute("select nid, did from cards").fetchall())
    connection.close()
    return {"models": models, "decks": decks, "notes": notes, "cards": cards}


def anki_questions(collection: dict) -> dict[str, list]:
    (model,) = collection["models"].values()
    assert [field["name"] for field in model["flds"]] == ["Question", "Options", "Answer", "Explanations", "Source"]
    questions = {}
    for _, _, _, fields in collection["notes"]:
        question, options, answer, explanations, where = fields.split("\x1f")
        url = re.search(r'href="([^"#]+)#quiz-\d+"', where).group(1)
        letter = re.search(r"Answer: ([A-Z])\.", answer).group(1)
        texts = re.findall(r'<div class="explanation">(.*?)</div>', explanations, re.DOTALL)
        feedback = [re.sub(r"^[A-Z]: (Right|Not this one)\. ", "", plain_html(text)) for text in texts]
        questions.setdefault(url, []).append((plain_html(question), [plain_html(option) for option in
                                              re.findall(r"<li>(.*?)</li>", options, re.DOTALL)],
                                              "ABCDEFGH".index(letter), feedback))
    return questions


@pytest.fixture(scope="module")
def anki(built_site, tmp_path_factory):
    return read_anki((built_site / downloads.path("anki")).read_bytes(), tmp_path_factory.mktemp("anki"))


def test_anki_holds_every_question_option_answer_and_explanation(anki, source):
    questions = anki_questions(anki)
    assert set(questions) == set(source)
    for url, expected in source.items():
        assert_same(questions[url], expected, f"Anki, {url}")


def test_anki_has_one_card_per_note_in_its_pages_subdeck(anki, source):
    assert len(anki["cards"]) == len(anki["notes"]) == sum(len(questions) for questions in source.values())
    names = {int(deck_id): deck["name"] for deck_id, deck in anki["decks"].items()}
    for note_id, _, _, fields in anki["notes"]:
        title = re.search(r'">([^<]+), question \d+</a>', fields.split("\x1f")[4]).group(1)
        assert names[anki["cards"][note_id]] == f"{banks.COURSE}::{html.unescape(title)}"


def test_anki_notes_keep_their_guid_when_reworded_and_get_new_ids_for_new_questions(tmp_path):
    """Anki updates a note whose guid it has: the guid depends on the page and the question's place,
    so a reworded question updates its card; and a deck made twice is the same bytes."""
    def deck(words: str) -> bytes:
        questions = banks.questions_in(f"```quiz\n{words}?\n\n- [x] Yes\n    Right.\n- [ ] No\n    Wrong.\n```\n\n"
                                       "```quiz\nSecond?\n\n- [ ] A\n    No.\n- [x] B\n    Yes.\n```\n", "p.md")
        pages, _, _ = banks.export([("p.md", "P", "p/", questions)], SITE_URL, {"p.md": "p/"})
        return banks.anki_apkg(pages, {"label": "t", "date": "", "timestamp": 1767225600})

    first = read_anki(deck("First wording"), tmp_path)
    again = deck("First wording")
    reworded = read_anki(deck("Second wording"), tmp_path)
    assert [note[1] for note in first["notes"]] == [note[1] for note in reworded["notes"]]
    assert len({note[1] for note in first["notes"]}) == 2
    assert first["notes"][0][3] != reworded["notes"][0][3]
    assert deck("First wording") == again


# ---------------------------------------------------------------------------------------------
# All three: math and links.

def exported_html(built_site) -> str:
    with zipfile.ZipFile(built_site / downloads.path("canvas")) as archive:
        canvas = "".join(html.unescape(archive.read(name).decode()) for name in archive.namelist()
                         if name.endswith(".xml") and name != "imsmanifest.xml")
    moodle = html.unescape((built_site / downloads.path("moodle")).read_text())
    with zipfile.ZipFile(built_site / downloads.path("anki")) as archive, \
            sqlite3.connect(":memory:") as connection:
        connection.deserialize(archive.read("collection.anki2"))
        anki = " ".join(row[0] for row in connection.execute("select flds from notes"))
    return {"Canvas": canvas, "Moodle": moodle, "Anki": anki}


def test_every_formula_of_the_questions_survives_as_tex(built_site, source):
    formulas = {span for questions in source.values() for question in questions
                for text in (question[0], *question[1], *question[3]) for span in re.findall(r"\\\(.*?\\\)", text)}
    assert len(formulas) >= 10
    for bank, text in exported_html(built_site).items():
        flat = " ".join(html.unescape(text).split())
        missing = [formula for formula in formulas if formula not in flat]
        assert not missing, f"{bank}: formulas lost: {missing[:5]}"


def test_every_link_in_the_banks_leads_to_a_page_and_anchor_of_the_site(built_site):
    for bank, text in exported_html(built_site).items():
        links = set(re.findall(r'href="([^"]+)"', text)) - {"https://creativecommons.org/licenses/by/4.0/"}
        assert len(links) >= 12, bank
        for link in links:
            if not link.startswith(SITE_URL):
                assert not link.startswith(("..", "/")) and "://" in link, f"{bank}: relative link {link}"
                continue
            page, _, anchor = link.removeprefix(SITE_URL).partition("#")
            target = built_site / page / "index.html"
            assert target.is_file(), f"{bank}: {link} is no page"
            if anchor:
                assert f'id="{anchor}"' in target.read_text(), f"{bank}: {link} has no such anchor"


# ---------------------------------------------------------------------------------------------
# What cannot be exported fails, naming the page and line.

@pytest.mark.parametrize(("explanation", "what", "line"), [
    ("See ![the figure](../assets/plot.png).", "an image", 9),
    ("It is <span>wrong</span>.", "raw HTML", 9),
    ("A table:\n    | a | b |", "a table", 10),
    ("See [the data](../assets/data.csv).", "not to a page of the site", 9),
    ("Because[^1].", "a footnote", 9),
])
def test_a_question_the_banks_cannot_carry_names_page_and_line(explanation, what, line):
    markdown = f"# Page\n\nText.\n\n```quiz\nQ?\n\n- [ ] One\n    {explanation}\n- [x] Two\n    Yes.\n```\n"
    questions = banks.questions_in(markdown, "sft/page.md")
    with pytest.raises(banks.ExportError) as raised:
        banks.export([("sft/page.md", "Page", "sft/page/", questions)], SITE_URL, {"sft/page.md": "sft/page/"})
    message = str(raised.value)
    assert message.startswith(f"docs/sft/page.md:{line}: quiz:") and what in message, message


def test_math_links_and_dollars_are_carried():
    """The control: what the pages' questions use exports, and the HTML says it."""
    markdown = ("```quiz\nIs $y_{<t}$ worth $5? See [the page](../sft/objective.md#teacher-forcing).\n\n"
                "- [x] Yes, \\( a_i < b_i \\) and *so*\n    Because \\( -\\log p\n    \\) is large.\n"
                "- [ ] No\n    No.\n```\n")
    questions = banks.questions_in(markdown, "limits/page.md")
    pages, _, _ = banks.export([("limits/page.md", "Page", "limits/page/", questions)], SITE_URL,
                               {"limits/page.md": "limits/page/", "sft/objective.md": "sft/objective/"})
    question = pages[0].questions[0]
    assert "\\(y_{&lt;t}\\)" in question.question and "$5" in question.question
    assert f'href="{SITE_URL}sft/objective/#teacher-forcing"' in question.question
    assert question.options[0] == "Yes, \\( a_i &lt; b_i \\) and <em>so</em>"
    assert "\\( -\\log p \\)" in question.explanations[0]


def test_the_build_fails_on_a_question_the_banks_cannot_carry(make_site):
    body = ("# A page { #a-page }\n\nText.\n\n```quiz\nQ?\n\n- [ ] One\n    See ![a plot](https://example.org/plot.png).\n"
            "- [x] Two\n    Yes.\n```\n")
    result = make_site({"index.md": body})
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-2000:]
    assert "docs/index.md:9: quiz: an image" in output, output[-2000:]


# ---------------------------------------------------------------------------------------------
# The edition.

def git(folder: Path, *args: str, date: str = "2026-03-02T10:00:00+00:00"):
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t", "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True)


def test_the_edition_is_the_version_tag_else_main_and_the_commit_date(tmp_path):
    assert edition_hook.current(tmp_path, {}).label == "unversioned"
    git(tmp_path, "init", "-q")
    (tmp_path / "page.md").write_text("text")
    git(tmp_path, "add", "page.md")
    git(tmp_path, "commit", "-q", "-m", "one")
    main = edition_hook.current(tmp_path, {})
    assert (main.label, main.slug) == ("main, 2026-03-02", "main-2026-03-02")
    git(tmp_path, "tag", "v2026.1")
    tagged = edition_hook.current(tmp_path, {})
    assert (tagged.label, tagged.slug) == ("v2026.1, 2026-03-02", "v2026.1")
    assert edition_hook.current(tmp_path, {"EDITION": "v2026.2", "SOURCE_DATE_EPOCH": "1767225600"}).label == \
        "v2026.2, 2026-01-01"
    git(tmp_path, "commit", "-q", "--allow-empty", "-m", "two", date="2026-04-05T10:00:00+00:00")
    assert edition_hook.current(tmp_path, {}).label == "main, 2026-04-05"  # after the tag: the moving site


def test_every_page_and_the_print_cover_show_the_builds_edition(built_site):
    label = edition_hook.current(REPO).label
    for page in ("index.html", "syllabus/index.html", "sft/objective/index.html"):
        assert f'Edition <span class="course-edition">{html.escape(label)}</span>' in (built_site / page).read_text()
    assert f'data-edition="{html.escape(label)}"' in (built_site / "print_page" / "index.html").read_text()


def test_the_syllabus_and_home_page_link_every_download(built_site):
    for page, prefix in (("syllabus/index.html", "../"), ("index.html", "")):
        text = (built_site / page).read_text()
        for key in downloads.DOWNLOADS:
            assert f'href="{prefix}{downloads.path(key)}"' in text, f"{page} does not link {key}"
    for key in ("canvas", "moodle", "anki"):
        assert (built_site / downloads.path(key)).is_file()
    assert load_script("make_pdf").PDF == downloads.path("pdf")  # where make pdf writes it


def test_downloads_are_recorded_as_published_urls(built_site):
    listed = set((REPO / "tests" / "published_urls.txt").read_text().split())
    found = published_urls.download_urls(built_site)
    assert len(found) == 3 and set(found) <= listed


# ---------------------------------------------------------------------------------------------
# The release.

@pytest.fixture
def release_inputs(built_site, tmp_path):
    """A site and an offline copy with what a release takes from them: the print page (which says
    the edition), the downloads (a stand-in PDF: the PDF itself is checked by
    tests/browser/test_print_edition.py) and a page."""
    folders = []
    for name, print_page in (("site", "print_page/index.html"), ("offline", "print_page.html")):
        folder = tmp_path / name
        for relative in ("index.html", *[downloads.path(key) for key in ("canvas", "moodle", "anki")]):
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).write_bytes((built_site / relative).read_bytes())
        (folder / print_page).parent.mkdir(parents=True, exist_ok=True)
        (folder / print_page).write_bytes((built_site / "print_page" / "index.html").read_bytes())
        folders.append(folder)
    (folders[0] / downloads.path("pdf")).write_bytes(b"%PDF-1.7 stand-in")
    return folders


def test_a_release_names_every_asset_with_the_edition(release_inputs, built_site, tmp_path):
    release = load_script("release")
    site, offline = release_inputs
    edition = edition_hook.current(REPO)
    written = release.make_release(site, offline, tmp_path / "out", edition)
    slug = edition.slug
    assert sorted(path.name for path in written) == sorted([
        f"why-sft-is-not-enough-{slug}-canvas-qti.zip", f"why-sft-is-not-enough-{slug}-moodle.xml",
        f"why-sft-is-not-enough-{slug}.apkg", f"why-sft-is-not-enough-{slug}.pdf",
        f"why-sft-is-not-enough-{slug}-site.zip", f"why-sft-is-not-enough-{slug}-offline.zip", "SHA256SUMS"])
    folder = tmp_path / "out" / slug
    for key in ("canvas", "moodle", "anki"):
        name = release.release_name(downloads.DOWNLOADS[key][0], slug)
        assert (folder / name).read_bytes() == (built_site / downloads.path(key)).read_bytes()
    with zipfile.ZipFile(folder / f"why-sft-is-not-enough-{slug}-offline.zip") as archive:
        names = archive.namelist()
        assert names == sorted(names) and all(name.startswith(f"why-sft-is-not-enough-{slug}/") for name in names)
        assert f"why-sft-is-not-enough-{slug}/{downloads.path('pdf')}" in names  # the offline copy's PDF link works
    sums = dict(line.split("  ")[::-1] for line in (folder / "SHA256SUMS").read_text().splitlines())
    assert len(sums) == 6 and all(hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
                                  for name, digest in sums.items())


def test_a_release_refuses_a_site_of_another_edition_or_without_its_pdf(release_inputs, tmp_path):
    release = load_script("release")
    site, offline = release_inputs
    other = edition_hook.Edition("v1999.1", 915148800)
    with pytest.raises(SystemExit, match="was built as edition"):
        release.make_release(site, offline, tmp_path / "out", other)
    (site / downloads.path("pdf")).unlink()
    with pytest.raises(SystemExit, match="why-sft-is-not-enough.pdf"):
        release.make_release(site, offline, tmp_path / "out", edition_hook.current(REPO))


# ---------------------------------------------------------------------------------------------
# The workflows.

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def schema_check(*files: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                           *map(str, files)], capture_output=True, text=True, timeout=120)


def test_the_workflows_are_valid_github_actions_workflows(tmp_path):
    assert any(path.name == "release.yml" for path in WORKFLOWS)
    result = schema_check(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "broken.yml"  # the control: a job without runs-on, steps as a string
    broken.write_text("name: broken\non:\n  push:\njobs:\n  build:\n    steps: make\n")
    assert schema_check(broken).returncode != 0


def test_the_release_workflow_runs_on_version_tags_with_pinned_actions_and_least_permissions():
    import yaml

    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "release.yml").read_text())
    trigger = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert trigger == {"push": {"tags": ["v*"]}}
    assert workflow["permissions"] == {"contents": "read"}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "write"}  # to publish the release, nothing else
    runs = [step.get("run", "") for step in job["steps"]]
    assert runs.index("make test") < runs.index('make release EDITION="$GITHUB_REF_NAME"')
    publish = job["steps"][-1]["run"]
    assert 'gh release create "$GITHUB_REF_NAME" release/"$GITHUB_REF_NAME"/*' in publish


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_by_commit(workflow):
    uses = re.findall(r"uses: (\S+)", workflow.read_text())
    assert uses
    unpinned = [action for action in uses if not re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action)]
    assert not unpinned, f"{workflow.name}: pin these by commit: {unpinned}"
    assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", "actions/checkout@v4") is None  # the control
