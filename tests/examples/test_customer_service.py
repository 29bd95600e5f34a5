"""The customer-service case: selection by outcome shifts the logs towards discounts, SFT on a weak
cue pools them across complaint types, greedy decoding discounts every complaint, more logs do not
help, the repairs do what the page says (several seeds), and the page's numbers come from the code."""

import runpy
from pathlib import Path

import numpy as np
import pytest

import customer_service as cs
from conftest import page_text

SEEDS = [0, 1, 2, 3, 4]
FEWER_SEEDS = SEEDS[:3]  # for the slowest runs (16,000 conversations, ten times the steps)
PAGE = page_text("limits/customer-service-case.md")


@pytest.fixture(scope="module")
def seed_0():
    """The runs the page shows (seed 0), computed once for the tests that read them."""
    return {"case": cs.case_study(0), "by_cue": cs.discount_by_cue(seed=0),
            "by_size": cs.discount_by_data_size(seed=0), "repairs": cs.repairs(seed=0)}


def fmt(value):
    return f"{value:.2f}"


# --- the tables and the selection formula, by hand -------------------------------------------

def test_tables_are_distributions_and_the_agents_are_sensible():
    assert cs.TYPE_SHARES.sum() == pytest.approx(1.0)
    assert np.allclose(cs.AGENTS.sum(axis=1), 1.0)
    assert np.all((cs.P_RESOLVED > 0) & (cs.P_RESOLVED < 1))
    # The agents' most common response is the right one for every type, 0.80 each time.
    assert list(cs.AGENTS.argmax(axis=1)) == list(cs.RIGHT_RESPONSE)
    assert np.allclose(cs.AGENTS[np.arange(3), cs.RIGHT_RESPONSE], 0.80)
    assert cs.right_response_share(cs.AGENTS) == pytest.approx(0.80)
    # A discount is resolved more often than any other response, for every type.
    assert list(cs.P_RESOLVED.argmax(axis=1)) == [cs.DISCOUNT] * 3


def test_selection_formula_by_hand():
    kept = cs.kept_responses()
    # Not at fault: 0.15 * 0.85 = 0.1275, 0.80 * 0.45 = 0.36, 0.05 * 0.25 = 0.0125; sum 0.5.
    assert kept[cs.NOT_AT_FAULT] == pytest.approx([0.255, 0.72, 0.025])
    # P(resolved | type): 0.7825, 0.5, 0.49; kept shares 0.23475, 0.175, 0.1715 of 0.58125.
    assert (cs.AGENTS * cs.P_RESOLVED).sum(axis=1) == pytest.approx([0.7825, 0.5, 0.49])
    assert cs.kept_type_shares() == pytest.approx(np.array([0.23475, 0.175, 0.1715]) / 0.58125)
    # Pooled discount share: 0.3 * 0.8 + 0.35 * 0.15 + 0.35 * 0.1 = 0.3275 before selection.
    assert cs.pooled_response_mix(cs.AGENTS, cs.TYPE_SHARES)[cs.DISCOUNT] == pytest.approx(0.3275)


def test_selection_raises_discounts_within_every_type_and_makes_them_the_majority():
    kept = cs.kept_responses()
    assert np.all(kept[:, cs.DISCOUNT] > cs.AGENTS[:, cs.DISCOUNT])
    # At-fault complaints are resolved most often, so their share grows.
    resolved = (cs.AGENTS * cs.P_RESOLVED).sum(axis=1)
    assert resolved.argmax() == cs.AT_FAULT
    assert cs.kept_type_shares()[cs.AT_FAULT] > cs.TYPE_SHARES[cs.AT_FAULT]
    before = cs.pooled_response_mix(cs.AGENTS, cs.TYPE_SHARES)
    after = cs.pooled_response_mix(cs.kept_responses(), cs.kept_type_shares())
    assert before.argmax() == cs.EXPLAIN  # in all conversations, discount is not the most common
    assert after.argmax() == cs.DISCOUNT  # in the kept logs, it is


def test_simulated_conversations_follow_the_tables():
    rng = np.random.default_rng(0)
    types, responses, resolved = cs.conversations(rng, 60000)
    assert np.allclose(np.bincount(types, minlength=3) / len(types), cs.TYPE_SHARES, atol=0.01)
    for complaint_type in range(3):
        mine = types == complaint_type
        counts = np.bincount(responses[mine], minlength=3)
        assert np.allclose(counts / counts.sum(), cs.AGENTS[complaint_type], atol=0.015)
        kept = np.bincount(responses[mine & resolved], minlength=3)
        assert np.allclose(kept / kept.sum(), cs.kept_responses()[complaint_type], atol=0.02)


def test_features_carry_the_cue_and_the_records_exactly():
    types = np.repeat([0, 1, 2], 20000)
    features = cs.complaint_features(types, np.random.default_rng(0), cue_strength=0.5)
    assert features.shape == (60000, 3)
    assert np.all(features[:, 0] == 1.0)
    means = np.array([features[types == t, 1:].mean(axis=0) for t in range(3)])
    assert np.allclose(means, [[0.5, 0.0], [0.0, 0.0], [0.0, 0.5]], atol=0.03)
    with_records = cs.complaint_features(types, np.random.default_rng(0), with_records=True)
    assert with_records.shape == (60000, 5)
    assert np.array_equal(with_records[:, 3], (types == cs.AT_FAULT).astype(float))
    assert np.array_equal(with_records[:, 4], (types == cs.TECHNICAL).astype(float))


# --- the effects the page states, over several seeds ------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_sft_pools_the_discount_across_types_and_greedy_discounts_every_complaint(seed):
    sampled, greedy = cs.model_discount_rates(seed)
    pooled = cs.pooled_response_mix(cs.kept_responses(), cs.kept_type_shares())[cs.DISCOUNT]
    assert np.all(np.abs(sampled - pooled) < 0.03)  # about the pooled 0.49, for every type
    assert sampled.max() - sampled.min() < 0.04  # nearly the same for every type
    assert np.all(greedy > 0.95)  # "for every complaint"
    # Far more than the agents for the two types where a discount is wrong ...
    assert np.all(sampled[1:] > 3 * cs.AGENTS[1:, cs.DISCOUNT])
    # ... and fewer than the agents for the customers who were owed one.
    assert sampled[cs.AT_FAULT] < cs.AGENTS[cs.AT_FAULT, cs.DISCOUNT] - 0.2


@pytest.mark.parametrize("seed", SEEDS)
def test_the_toy_is_as_good_as_any_model_that_sees_only_the_words(seed):
    toy_sampled, toy_greedy = cs.model_discount_rates(seed)
    best_sampled, best_greedy = cs.best_possible_discount_rates(seed)
    assert np.all(np.abs(toy_sampled - best_sampled) < 0.02)  # the page: "within 0.02"
    assert np.all(np.abs(toy_greedy - best_greedy) < 0.03)


@pytest.mark.parametrize("seed", SEEDS)
def test_at_strong_cues_the_linear_toy_is_no_longer_the_best_possible(seed):
    toy_greedy = cs.model_discount_rates(seed, cue_strength=2.0)[1]
    best_greedy = cs.best_possible_discount_rates(seed, cue_strength=2.0)[1]
    assert toy_greedy[cs.NOT_AT_FAULT] - best_greedy[cs.NOT_AT_FAULT] > 0.1


def test_the_best_possible_predictor_is_the_pooled_mix_without_a_cue():
    sampled, greedy = cs.best_possible_discount_rates(0, cue_strength=0.0)
    pooled = cs.pooled_response_mix(cs.kept_responses(), cs.kept_type_shares())[cs.DISCOUNT]
    assert sampled == pytest.approx([pooled] * 3)
    assert np.all(greedy == 1.0)


@pytest.mark.parametrize("seed", SEEDS)
def test_no_decoding_separates_types_the_input_does_not_carry(seed):
    sampled, greedy = cs.model_response_rates(seed, cue_strength=0.0)
    assert np.abs(sampled - sampled[0]).max() < 0.01  # every type gets the same mix
    assert np.abs(greedy - greedy[0]).max() < 0.01


@pytest.mark.parametrize("seed", SEEDS)
def test_a_stronger_cue_lowers_the_discount_for_complaints_not_at_fault(seed):
    by_cue = cs.discount_by_cue(seed=seed)
    sampled = [rates[0][cs.NOT_AT_FAULT] for rates in by_cue.values()]
    greedy = [rates[1][cs.NOT_AT_FAULT] for rates in by_cue.values()]
    assert np.all(np.diff(greedy) <= 0.01) and greedy[0] - greedy[-1] > 0.3
    assert np.all(np.diff(sampled) <= 0.01) and sampled[0] - sampled[-1] > 0.03
    # even at the strongest cue, well above the agents' 0.15 and the resolved logs' 0.26
    assert min(sampled + greedy) > cs.kept_responses()[cs.NOT_AT_FAULT, cs.DISCOUNT] + 0.1


@pytest.mark.parametrize("seed", FEWER_SEEDS)
def test_more_logs_of_the_same_kind_do_not_help(seed):
    rates = cs.discount_by_data_size(seed=seed)
    sampled = [rate[0][cs.NOT_AT_FAULT] for rate in rates.values()]
    greedy = [rate[1][cs.NOT_AT_FAULT] for rate in rates.values()]
    pooled = cs.pooled_response_mix(cs.kept_responses(), cs.kept_type_shares())[cs.DISCOUNT]
    assert np.all(np.abs(np.array(sampled) - pooled) < 0.05)  # the same pattern at every size ...
    assert abs(sampled[-1] - pooled) < 0.02  # ... estimated more precisely with more logs
    assert min(greedy) > 0.9 and greedy[-1] > 0.95


def test_training_longer_does_not_move_the_rates(monkeypatch):
    standard = [np.concatenate(cs.model_discount_rates(seed)) for seed in FEWER_SEEDS]
    monkeypatch.setitem(cs.TRAINING, "steps", 10 * cs.TRAINING["steps"])
    longer = [np.concatenate(cs.model_discount_rates(seed)) for seed in FEWER_SEEDS]
    assert np.abs(np.array(standard) - np.array(longer)).max() < 0.01


@pytest.mark.parametrize("seed", SEEDS)
def test_the_records_fix_greedy_decoding_but_sampling_keeps_the_selection(seed):
    sampled, greedy = cs.model_response_rates(seed, with_records=True)
    assert cs.right_response_share(greedy) > 0.99  # beats the agents' 0.80 on every type
    assert np.all(greedy[np.arange(3), cs.RIGHT_RESPONSE] > 0.99)
    kept = cs.kept_responses()
    assert abs(sampled[cs.NOT_AT_FAULT, cs.DISCOUNT] - kept[cs.NOT_AT_FAULT, cs.DISCOUNT]) < 0.03
    assert sampled[cs.NOT_AT_FAULT, cs.DISCOUNT] > cs.AGENTS[cs.NOT_AT_FAULT, cs.DISCOUNT] + 0.05


@pytest.mark.parametrize("seed", SEEDS)
def test_all_logs_with_records_match_the_agents(seed):
    sampled, greedy = cs.model_response_rates(seed, with_records=True, resolved_only=False)
    assert np.abs(sampled - cs.AGENTS).max() < 0.04
    assert cs.right_response_share(greedy) > 0.99


@pytest.mark.parametrize("seed", SEEDS)
def test_all_logs_without_records_still_pool_the_types(seed):
    sampled, greedy = cs.model_discount_rates(seed, resolved_only=False)
    pooled = cs.pooled_response_mix(cs.AGENTS, cs.TYPE_SHARES)[cs.DISCOUNT]
    assert np.all(np.abs(sampled - pooled) < 0.03)
    assert np.all(greedy < 0.4)  # no longer a discount for every complaint


def test_the_figures_show_the_computed_rates(seed_0):
    results = seed_0["case"]
    axes = cs.plot_discount_rates(results).axes[0]
    heights = np.array([patch.get_height() for patch in axes.patches]).reshape(len(results), 3)
    assert np.allclose(heights, np.array(list(results.values())))
    by_cue = seed_0["by_cue"]
    lines = cs.plot_discount_by_cue(by_cue).axes[0].lines
    greedy, sampled = (np.array(line.get_ydata()) for line in lines[:2])
    assert np.allclose(greedy, [rates[1][cs.NOT_AT_FAULT] for rates in by_cue.values()])
    assert np.allclose(sampled, [rates[0][cs.NOT_AT_FAULT] for rates in by_cue.values()])


def test_main_prints_the_tables(capsys):
    runpy.run_path(str(Path(cs.__file__)), run_name="__main__")
    out = capsys.readouterr().out
    assert "SFT model, greedy" in out and "words + records, all logs" in out


# --- the numbers in the prose -----------------------------------------------------------------

def test_numbers_in_the_prose(seed_0):
    results = seed_0["case"]
    sampled, greedy = results["SFT model, sampled"], results["SFT model, greedy"]
    kept = cs.kept_responses()
    before = cs.pooled_response_mix(cs.AGENTS, cs.TYPE_SHARES)
    after = cs.pooled_response_mix(kept, cs.kept_type_shares())
    by_cue, by_size, repairs = seed_0["by_cue"], seed_0["by_size"], seed_0["repairs"]
    records_sampled, records_greedy = repairs["words + records, resolved logs"]
    all_records_sampled, _ = repairs["words + records, all logs"]
    all_words_sampled, _ = repairs["words only, all logs"]
    agents = cs.AGENTS[:, cs.DISCOUNT]
    not_at_fault = [(rates[0][cs.NOT_AT_FAULT], rates[1][cs.NOT_AT_FAULT])
                    for rates in by_cue.values()]
    size_sampled = [rates[0][cs.NOT_AT_FAULT] for rates in by_size.values()]
    size_greedy = [rates[1][cs.NOT_AT_FAULT] for rates in by_size.values()]
    selection_terms = " + ".join(f"{fmt(agent)} × {fmt(resolved)}" for agent, resolved
                                 in zip(cs.AGENTS[1], cs.P_RESOLVED[1], strict=True))
    shown = [
        f"The agents give the right response {fmt(cs.right_response_share(cs.AGENTS))} of the time",
        f"a discount for {fmt(agents[0])} of the complaints where the company is at fault, "
        f"{fmt(agents[1])} of those where it is not and {fmt(agents[2])} of the technical ones",
        f"with probability {fmt(cs.P_RESOLVED[1, 0])}, the right response (an explanation) only "
        f"{fmt(cs.P_RESOLVED[1, 1])}",
        f"by the cue strength, {cs.CUE_STRENGTH}, for its own type",
        "We simulate 4,000 conversations",
        "2,000 new complaints of each type",
        f"Of 4,000 conversations, {cs.resolved_log_count():,} ended resolved",
        f"At-fault complaints are {fmt(cs.TYPE_SHARES[0])} of all complaints but "
        f"{fmt(cs.kept_type_shares()[0])} of the kept logs",
        f"the agents discounted {fmt(agents[1])} of the complaints that were not the company's "
        f"fault, but the kept logs of such complaints show a discount {fmt(kept[1, 0])} of the time",
        f"goes from {fmt(before[0])} of all the agents' responses to {fmt(after[0])} of the kept "
        f"ones, overtaking explain ({fmt(before[1])} before, {fmt(after[1])} after)",
        "offers a discount for {}, {} and {} of at-fault".format(*map(fmt, sampled)),
        f"about the kept logs' pooled {fmt(after[0])}",
        "it offers one for {}, {} and {} of them: for every complaint".format(*map(fmt, greedy)),
        "The agents offered one for {}, {} and {}.".format(*map(fmt, agents)),
        f"the model discounts only {fmt(sampled[0])} of the at-fault complaints, against the "
        f"agents' {fmt(agents[0])}",
        f"For each of {len(SEEDS)} seeds, the toy's sampled discount rates are within 0.02",
        "offers a discount to {} of them when the words carry no cue, {} at a cue of 0.5, {} at "
        "1.0 and {} at 2.0; sampling gives {}, {}, {} and {}".format(
            *(fmt(not_at_fault[i][1]) for i in (0, 2, 3, 4)),
            *(fmt(not_at_fault[i][0]) for i in (0, 2, 3, 4))),
        "resolved logs of 1,000, 4,000 or 16,000 conversations",
        "discounts {}, {} and {} of the not-at-fault complaints when it samples, and {}, {} and {} "
        "when it decodes greedily".format(*map(fmt, size_sampled), *map(fmt, size_greedy)),
        f"gives the right response to {fmt(cs.right_response_share(records_greedy))} of all "
        f"complaints when it decodes greedily, against the agents' "
        f"{fmt(cs.right_response_share(cs.AGENTS))}",
        f"Sampling still offers a discount for {fmt(records_sampled[1, 0])} of those complaints, "
        f"above the agents' {fmt(agents[1])}",
        f"with the records, sampling matches the agents ({fmt(all_records_sampled[1, 0])})",
        f"a discount for {fmt(all_words_sampled[1, 0])} of the not-at-fault complaints when it "
        f"samples",
        "almost equally common overall ({}, {} and {})".format(*map(fmt, before)),
        # the quizzes
        f"1,000, 4,000 and 16,000 conversations give the same behaviour ({fmt(min(size_greedy))} to "
        f"{fmt(max(size_greedy))} greedy)",
        "in the simulation {} of the at-fault complaints, {} of the others and {} of the "
        "technical ones".format(*map(fmt, agents)),
        f"offered a discount for {fmt(agents[1])} of the complaints that were not the company's "
        f"fault, but the resolved logs kept for fine-tuning show a discount for {fmt(kept[1, 0])}",
        f"({fmt(cs.P_RESOLVED[1, 0])} against {fmt(cs.P_RESOLVED[1, 1])})",
        f"{fmt(cs.AGENTS[1, 0])} × {fmt(cs.P_RESOLVED[1, 0])} divided by the sum {selection_terms} gives "
        f"{fmt(kept[1, 0])}",
        f"sampling still does for {fmt(records_sampled[1, 0])} of them, more than the agents' "
        f"{fmt(agents[1])}",
        # the figures' text alternatives (Python strings, split where the page splits them)
        "when the company is at fault ({}, {}, {}); in the resolved logs".format(*map(fmt, agents)),
        "higher ({}, {}, {}).".format(*map(fmt, kept[:, 0])),
        f"Greedy decoding falls from {fmt(not_at_fault[0][1])} to {fmt(not_at_fault[-1][1])}",
        f"sampling from {fmt(not_at_fault[0][0])} to {fmt(not_at_fault[-1][0])}; both stay above "
        f"the resolved logs' {fmt(kept[1, 0])} and the agents' {fmt(agents[1])}.",
        f"The case on this page has a cue strength of {cs.CUE_STRENGTH}",
    ]
    for text in shown:
        assert text in PAGE, f"not on the page: {text!r}"
    # the prose's settings are the code's defaults
    assert list(by_cue) == [0.0, 0.25, 0.5, 1.0, 2.0]
    assert list(by_size) == [1000, 4000, 16000]
    assert cs.fine_tune.__defaults__[1] == 4000 and cs.response_rates.__defaults__[-1] == 2000


def test_research_is_quoted_from_its_abstracts():
    quotes = [
        '"can sometimes achieve better performance than all players in the dataset"',
        '"transcendence can be enabled by low-temperature sampling"',
        '"when a response matches a user\'s views, it is more likely to be preferred"',
        '"both humans and preference models (PMs) prefer convincingly-written sycophantic '
        'responses over correct ones a non-negligible fraction of the time"',
        '"quality and diversity largely depend on human experience and creativity"',
        '"may even contain biases introduced by the annotators themselves"',
        '"the generalization performance is bounded by the diversity and quality of the '
        'instruction-response dataset"',
    ]
    for quote in quotes:
        assert quote in PAGE, quote
    for reference in ("arXiv:2406.11741", "NeurIPS 2024", "arXiv:2310.13548", "ICLR 2024",
                      "arXiv:2501.09223"):
        assert reference in PAGE
