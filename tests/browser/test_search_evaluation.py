"""Search evaluation: what students type, not the site's own headings.

Each row is a query a student would type (the field's usual terms and their synonyms, paper and
model names, common misspellings and variant spellings, questions in their own words) and the page
it should find. The test pastes every query into the real search box, in one tab, and requires that
page among the first three results. The score is printed at the end of the test run.

When a query fails, fix the page, not the test: a sentence that uses the student's word, or a
glossary entry (includes/glossary.yml) that names it. Misspellings and variant spellings are
expected to lead to the glossary, which lists them under each term.
"""

from __future__ import annotations

import pytest

from .helpers import DESKTOP
from .test_search import path_and_fragment, results_of

# (query, the page it should find: its URL path below the site root)
EVALUATION = [
    # The field's terms and synonyms for what the pages teach.
    ("instruction tuning", "sft/objective/"),
    ("behaviour cloning", "sft/objective/"),
    ("imitation learning", "sft/objective/"),
    ("negative log likelihood", "sft/objective/"),
    ("teacher forcing", "sft/objective/"),
    ("exposure bias", "sft/objective/"),
    ("loss masking prompt tokens", "sft/objective/"),
    ("softmax minus one-hot", "sft/parameter-updates/"),
    ("finite difference gradient check", "sft/parameter-updates/"),
    ("unlikelihood training", "sft/parameter-updates/"),
    ("label noise", "sft/flawed-data/"),
    ("greedy decoding", "sft/flawed-data/"),
    ("annotator bias", "sft/flawed-data/"),
    ("superficial alignment hypothesis", "limits/best-case-for-sft/"),
    ("catastrophic forgetting", "limits/limitations/"),
    ("jailbreak", "limits/demonstration-vs-intent/"),
    ("role play attack", "limits/demonstration-vs-intent/"),
    ("over-refusal", "limits/demonstration-vs-intent/"),
    ("exaggerated safety", "limits/demonstration-vs-intent/"),
    ("mismatched generalization", "limits/demonstration-vs-intent/"),
    ("hallucination", "limits/hallucination/"),
    ("selection bias", "limits/customer-service-case/"),
    ("reward model", "limits/from-demonstrations-to-preferences/"),
    ("KL penalty", "limits/from-demonstrations-to-preferences/"),
    ("best of n sampling", "limits/from-demonstrations-to-preferences/"),
    ("rejection sampling fine-tuning", "limits/from-demonstrations-to-preferences/"),
    ("reward hacking", "limits/from-demonstrations-to-preferences/"),
    ("sycophancy", "limits/from-demonstrations-to-preferences/"),
    ("likelihood displacement", "limits/from-demonstrations-to-preferences/"),
    ("length bias", "limits/from-demonstrations-to-preferences/"),
    ("task diversity", "scaling/more-of-the-same/"),
    ("cross-task generalization", "scaling/more-of-the-same/"),
    ("held-out task clusters", "scaling/evaluating-strategies/"),
    # Papers, models and data sets by name.
    ("LIMA", "limits/best-case-for-sft/"),
    ("InstructGPT", "limits/from-demonstrations-to-preferences/"),
    ("Llama 2", "limits/from-demonstrations-to-preferences/"),
    ("XSTest", "limits/demonstration-vs-intent/"),
    ("Jailbroken", "limits/demonstration-vs-intent/"),
    ("Gekhman", "limits/hallucination/"),
    ("Flan-PaLM", "scaling/more-of-the-same/"),
    ("Super-NaturalInstructions", "scaling/more-of-the-same/"),
    ("Transcendence", "sft/flawed-data/"),
    ("Bradley Terry", "limits/from-demonstrations-to-preferences/"),
    # Abbreviations.
    ("RLHF", "limits/from-demonstrations-to-preferences/"),
    ("DPO", "limits/from-demonstrations-to-preferences/"),
    ("PPO", "limits/from-demonstrations-to-preferences/"),
    # Misspellings and variant spellings: the glossary lists them under each term.
    ("finetuning", "glossary/"),
    ("behavior cloning", "glossary/"),
    ("halucination", "glossary/"),
    ("RHLF", "glossary/"),
    ("direct preference optimisation", "glossary/"),
    ("sycophantic", "limits/from-demonstrations-to-preferences/"),
    # Questions in a student's own words.
    ("why is SFT not enough", "limits/limitations/"),
    ("new york example", "sft/objective/"),
    ("capital of France", "sft/parameter-updates/"),
    ("chat logs wrong answers", "sft/flawed-data/"),
    ("apologise and discount", "limits/customer-service-case/"),
    ("more examples of the same instructions", "scaling/more-of-the-same/"),
    ("I don't know", "limits/hallucination/"),
    ("what does a comparison add", "limits/from-demonstrations-to-preferences/"),
]
TOP = 3


@pytest.fixture(scope="module")
def evaluation_tab(browser, base_url):
    context = browser.new_context(viewport=DESKTOP, color_scheme="light")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.goto(base_url)
    yield tab
    context.close()


def test_the_evaluation_set_is_big_and_points_at_real_pages(pages):
    assert len(EVALUATION) >= 40
    assert len({query.lower() for query, _ in EVALUATION}) == len(EVALUATION), "a query is listed twice"
    paths = {page.path for page in pages}
    for query, page in EVALUATION:
        assert page in paths, f"{query!r}: no page /{page} in the built site"


def test_every_query_finds_its_page_among_the_first_three(evaluation_tab, base_url, record_property):
    misses = []
    for query, page in EVALUATION:
        try:
            items = results_of(evaluation_tab, query, pasted=True)  # typing each key: 20 s more
        except AssertionError:  # no results at all
            items = []
        top = [path_and_fragment(item["links"][0], base_url)[0] for item in items[:TOP]]
        if page not in top:
            misses.append(f"{query!r}: /{page} not among {top}")
    found = len(EVALUATION) - len(misses)
    record_property("search evaluation", f"{found}/{len(EVALUATION)} queries find their page in the top {TOP}")
    assert not misses, f"search evaluation {found}/{len(EVALUATION)}; fix the pages for:\n" + "\n".join(misses)
