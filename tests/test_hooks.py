"""Unit tests of the project's MkDocs hooks (the build tests exercise them end to end)."""

import importlib.util
import sys

import pytest

from conftest import REPO


def load_hook(name):
    spec = importlib.util.spec_from_file_location(f"hook_{name}", REPO / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[f"hook_{name}"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


mathml = load_hook("mathml")
quiz = load_hook("quiz")


@pytest.mark.parametrize(("tex", "word"), [
    (r"\arg\max_\theta", "<mtext>arg</mtext>"),
    (r"\operatorname{softmax}(z)", "<mtext>softmax</mtext>"),
    (r"\operatorname*{arg\,max}_\theta", "<mtext>arg&#x000A0;max</mtext>"),
])
def test_operator_names_render_as_upright_words(tex, word):
    assert word in mathml.tex_to_mathml(tex, "inline", "page.md")


def test_notebook_math_is_rendered_outside_code_only():
    page = "<p>Loss $-\\log p$ here.</p><pre>price = '$5' + '$6'</pre>$$x^2$$"
    out = mathml.render_notebook_math(page, "lab.ipynb")
    assert "<pre>price = '$5' + '$6'</pre>" in out
    assert out.count("<math") == 2 and 'display="block"' in out


def test_quiz_fence_inside_another_fence_is_left_alone():
    markdown = "````markdown\n```quiz\nQ?\n\n- [x] A\n    Yes.\n- [ ] B\n    No.\n```\n````\n"
    assert quiz.expand_quizzes(markdown, "page.md") == markdown


def test_quiz_fence_becomes_html_with_one_right_option():
    markdown = "Text.\n\n```quiz\nQ?\n\n- [ ] A\n    No.\n- [x] B\n    Yes.\n```\n"
    html = quiz.expand_quizzes(markdown, "page.md")
    assert html.count('class="quiz-option"') == 2
    assert html.count('data-correct="true"') == 1
    assert "**B: Right.** Yes." in html and "**A: Not this one.** No." in html


def test_quiz_math_keeps_less_than_away_from_html():
    markdown = "```quiz\nWhat is $P(y_t \\mid y_{<t})$?\n\n- [x] A\n    Yes, $a > b$.\n- [ ] B\n    No.\n```\n"
    html = quiz.expand_quizzes(markdown, "page.md")
    assert r"$P(y_t \mid y_{\lt t})$" in html and r"$a \gt b$" in html
