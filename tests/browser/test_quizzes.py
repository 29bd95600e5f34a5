"""Check-yourself questions (hooks/quiz.py renders them, docs/assets/quiz.js makes them interactive),
every one on every page: a wrong choice says so with its explanation, the right one says it is
right, and the keyboard alone (Tab, Space, Enter) does the same. Which option is right is read from
the page's Markdown (`- [x]`), not from the HTML under test."""

from pathlib import Path

import pytest

from .helpers import DESKTOP, DOCS, assert_no_csp_violation, quizzes_in_markdown, watch_csp

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

STATE = """quiz => {
  const feedback = quiz.querySelector(".quiz-feedback");
  return {
    pressed: [...quiz.querySelectorAll(".quiz-choice")].map(b => b.getAttribute("aria-pressed")),
    marked: [...quiz.querySelectorAll(".quiz-choice")].map(b =>
      b.classList.contains("quiz-right") ? "right" : b.classList.contains("quiz-wrong") ? "wrong" : ""),
    feedbackClass: feedback.className,
    feedbackText: feedback.textContent.trim(),
    feedbackVisible: feedback.offsetHeight > 0,
    feedbackRole: feedback.getAttribute("role"),
    explanations: [...quiz.querySelectorAll(".quiz-explanation")].map(e => e.textContent.trim()),
    focused: document.activeElement.classList.contains("quiz-choice")
      ? [...quiz.querySelectorAll(".quiz-choice")].indexOf(document.activeElement) : -1,
  };
}"""


def sources_with_quizzes() -> list[Path]:
    """The Markdown pages with check-yourself questions (read at collection time)."""
    found = [path for path in sorted(DOCS.rglob("*.md")) if quizzes_in_markdown(path.read_text(encoding="utf-8"))]
    assert DOCS / "index.md" in found, "the landing page's question is missing"
    return found


def url_path(source: Path) -> str:
    """docs/sft/objective.md -> "sft/objective/", docs/index.md -> "" (use_directory_urls)."""
    relative = source.relative_to(DOCS).with_suffix("")
    if relative.name in ("index", "README"):
        relative = relative.parent
    return "" if str(relative) == "." else f"{relative.as_posix()}/"


def check_choice(state, index, right, where):
    letter = LETTERS[index]
    verdict = "right" if right else "wrong"
    expected_start = f"{letter}: Right." if right else f"{letter}: Not this one."
    assert state["pressed"][index] == "true", f"{where}: option {letter} not pressed: {state}"
    assert state["pressed"].count("true") == 1, f"{where}: more than one option pressed: {state}"
    assert state["marked"][index] == verdict, f"{where}: option {letter} marked {state['marked'][index]!r}"
    assert [mark for mark in state["marked"] if mark] == [verdict], f"{where}: other options marked"
    assert f"quiz-{verdict}" in state["feedbackClass"], f"{where}: feedback {state['feedbackClass']!r}"
    assert state["feedbackVisible"] and state["feedbackRole"] == "status", f"{where}: feedback not shown"
    assert state["feedbackText"].startswith(expected_start), f"{where}: feedback {state['feedbackText'][:80]!r}"
    # The explanation shown is this option's own (the one readers without JavaScript see).
    assert " ".join(state["feedbackText"].split()) == " ".join(state["explanations"][index].split()), (
        f"{where}: the feedback is not option {letter}'s explanation")
    assert len(state["feedbackText"]) > len(expected_start) + 10, f"{where}: explanation missing"


def open_quizzes(tab, base_url, path, expected):
    tab.goto(base_url + path)
    tab.wait_for_function("n => document.querySelectorAll('.quiz[data-enhanced]').length === n", arg=len(expected))
    quizzes = tab.locator(".quiz")
    assert quizzes.count() == len(expected), f"/{path}: {quizzes.count()} questions, the source has {len(expected)}"
    return quizzes


def choose_with_the_mouse(quiz, rights, where):
    buttons = quiz.locator(".quiz-choice")
    assert buttons.count() == len(rights), f"{where}: {buttons.count()} options, the source has {len(rights)}"
    before = quiz.evaluate(STATE)
    assert not before["feedbackVisible"] and before["pressed"].count("true") == 0, f"{where}: answered already"
    # Every wrong option first, then the right one last.
    for index in [i for i, right in enumerate(rights) if not right] + [rights.index(True)]:
        buttons.nth(index).click()
        check_choice(quiz.evaluate(STATE), index, rights[index], f"{where} option {LETTERS[index]}")


def choose_with_the_keyboard(tab, quiz, rights, where):
    # Put the keyboard focus just before the options, as if the reader had tabbed down to the
    # question; from there on, only keys.
    quiz.locator(".quiz-question").evaluate("q => { q.tabIndex = -1; q.focus(); }")
    tab.keyboard.press("Tab")
    assert quiz.evaluate(STATE)["focused"] == 0, f"{where}: Tab does not reach the first option"
    wrong = rights.index(False)
    for _ in range(wrong):
        tab.keyboard.press("Tab")
    assert quiz.evaluate(STATE)["focused"] == wrong, f"{where}: Tab order of the options"
    tab.keyboard.press("Space")
    check_choice(quiz.evaluate(STATE), wrong, False, f"{where} (Space on option {LETTERS[wrong]})")
    right = rights.index(True)
    for _ in range(abs(right - wrong)):
        tab.keyboard.press("Tab" if right > wrong else "Shift+Tab")
    assert quiz.evaluate(STATE)["focused"] == right, f"{where}: Tab order of the options"
    tab.keyboard.press("Enter")
    check_choice(quiz.evaluate(STATE), right, True, f"{where} (Enter on option {LETTERS[right]})")
    # Keyboard users must see where they are: the focused option has an outline.
    outline = quiz.locator(".quiz-choice").nth(right).evaluate("b => getComputedStyle(b).outlineStyle")
    assert outline != "none", f"{where}: no visible focus outline"


@pytest.mark.parametrize("source", sources_with_quizzes(), ids=lambda path: path.relative_to(DOCS).as_posix())
def test_every_question_answers_the_mouse_and_the_keyboard(quiz_tab, base_url, site_dir, source):
    """Each question of the page: by mouse, each wrong option says it is wrong and why, the right one
    that it is right; then, by keyboard alone, Space on a wrong option and Enter on the right one."""
    path = url_path(source)
    assert (site_dir / path / "index.html").is_file(), f"{source} was not built at /{path}"
    expected = quizzes_in_markdown(source.read_text(encoding="utf-8"))
    quizzes = open_quizzes(quiz_tab, base_url, path, expected)
    for number, rights in enumerate(expected):
        choose_with_the_mouse(quizzes.nth(number), rights, f"/{path} question {number + 1}")
    for number, rights in enumerate(expected):
        choose_with_the_keyboard(quiz_tab, quizzes.nth(number), rights, f"/{path} question {number + 1}")


@pytest.fixture(scope="module")
def quiz_tab(browser):
    context = browser.new_context(viewport=DESKTOP, color_scheme="light")
    context.set_default_timeout(10_000)
    violations = watch_csp(context)
    yield context.new_page()
    context.close()
    assert_no_csp_violation(violations, "answering the questions")
