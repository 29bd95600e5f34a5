"""The customer-service case: SFT imitates the agents' violation rate, more data of the same kind
does not lower it, a rewrite fixes only the situations it covers (several seeds), and the numbers
in the prose are the ones the code computes."""

import numpy as np
import pytest

import customer_service as cs
from conftest import page_text

SEEDS = [0, 1, 2, 3, 4]



PAGE = page_text("limits/customer-service-case.md")
REFUND_SITUATIONS = [0, 1, 2, 3]
DELIVERY_SITUATIONS = [4, 5]


def test_setup_by_hand():
    assert cs.SHARES.sum() == pytest.approx(1.0)
    # refund, outside policy, angry: 0.6 * 0.5 * 0.35 = 0.105
    assert cs.SHARES[3] == pytest.approx(0.105)
    assert list(cs.POLICY) == [cs.REFUND, cs.REFUND, cs.EXPLAIN, cs.EXPLAIN, cs.EXPLAIN,
                               cs.EXPLAIN]
    assert np.allclose(cs.AGENT_BEHAVIOUR.sum(axis=1), 1.0)


def test_agents_violation_rate_by_hand():
    # Shares 0.195, 0.105, 0.195, 0.105, 0.26, 0.14; violations 0.05, 0.03, 0.15, 0.6, 0.2, 0.6:
    # 0.00975 + 0.00315 + 0.02925 + 0.063 + 0.052 + 0.084 = 0.24115
    assert cs.overall_violation_rate(cs.AGENT_BEHAVIOUR) == pytest.approx(0.24115)
    # A model that always follows the policy breaks it in no conversation.
    perfect = np.eye(3)[cs.POLICY]
    assert cs.overall_violation_rate(perfect) == pytest.approx(0.0)


def test_sampled_transcripts_follow_the_agents():
    situation_ids, responses = cs.sample_transcripts(np.random.default_rng(0), 20000)
    for index, row in enumerate(cs.AGENT_BEHAVIOUR):
        counts = np.bincount(responses[situation_ids == index], minlength=3)
        assert np.allclose(counts / counts.sum(), row, atol=0.04)
    assert np.allclose(np.bincount(situation_ids) / 20000, cs.SHARES, atol=0.01)


def test_rewrite_changes_refund_transcripts_only():
    situation_ids, responses = cs.sample_transcripts(np.random.default_rng(0), 500)
    rewritten = cs.rewrite_refund_transcripts(situation_ids, responses)
    is_delivery = np.isin(situation_ids, DELIVERY_SITUATIONS)
    assert np.array_equal(rewritten[is_delivery], responses[is_delivery])
    assert np.array_equal(rewritten[~is_delivery], cs.POLICY[situation_ids[~is_delivery]])


@pytest.mark.parametrize("seed", SEEDS)
def test_sft_reproduces_the_agents_violation_rate(seed):
    results = cs.case_study(seed)
    agents = cs.overall_violation_rate(results["agents"])
    assert abs(cs.overall_violation_rate(results["SFT"]) - agents) < 0.04
    # The shortcut situations: the model breaks policy about as often as the agents (0.60).
    shortcut = cs.violation_rates(results["SFT"])[[3, 5]]
    assert np.all(np.abs(shortcut - 0.60) < 0.2)


@pytest.mark.parametrize("seed", SEEDS)
def test_more_transcripts_of_the_same_kind_do_not_lower_violations(seed):
    agents = cs.overall_violation_rate(cs.AGENT_BEHAVIOUR)
    for rate in cs.violation_by_data_size(seed=seed).values():
        assert abs(rate - agents) < 0.07
    largest = cs.violation_by_data_size(sizes=(8000,), seed=seed)[8000]
    assert abs(largest - agents) < 0.03


@pytest.mark.parametrize("seed", SEEDS)
def test_rewrite_fixes_covered_situations_only(seed):
    results = cs.case_study(seed)
    before, after = (cs.violation_rates(results[name]) for name in ("SFT", "SFT + rewrite"))
    assert np.all(after[REFUND_SITUATIONS] < 0.05)
    assert np.all(np.abs(after[DELIVERY_SITUATIONS] - before[DELIVERY_SITUATIONS]) < 0.02)
    assert after[5] > 0.4  # angry customers still get a guaranteed date
    assert cs.overall_violation_rate(results["SFT + rewrite"]) > 0.1


def test_numbers_in_the_prose():
    results = cs.case_study(0)
    agents, sft, fixed = (results[name] for name in ("agents", "SFT", "SFT + rewrite"))
    rates = cs.violation_by_data_size()
    shown = [
        f"the agents' violation rate is {cs.overall_violation_rate(agents):.2f}",
        f"is {cs.overall_violation_rate(sft):.2f}; the small",
        f"the agents give it {cs.violation_rates(agents)[3]:.2f} of the time and the model "
        f"{cs.violation_rates(sft)[3]:.2f}",
        "{:.2f}, {:.2f} and {:.2f}".format(*rates.values()),
        f"overall rate falls to {cs.overall_violation_rate(fixed):.2f}",
        f"still get one {cs.violation_rates(fixed)[5]:.2f} of the time",
        f"still get a guaranteed date {cs.violation_rates(fixed)[5]:.2f}",
        f"agents' {cs.overall_violation_rate(agents):.2f} from 250 to 4,000",
    ]
    for text in shown:
        assert text in PAGE, f"{text!r} is not on the page"
    refund_after = {f"{v:.2f}" for v in cs.violation_rates(fixed)[REFUND_SITUATIONS]}
    assert len(refund_after) == 1  # "in every refund situation": the same for all four
    assert f"fall to {refund_after.pop()} in every refund situation" in PAGE
    assert len(cs.SITUATIONS) == 6 and len(cs.RESPONSES) == 3
    assert "Six situations" in PAGE and "Three responses" in PAGE
    assert f"{cs.violation_rates(sft)[5]:.2f}" == f"{cs.violation_rates(fixed)[5]:.2f}"  # "as often"
    assert list(rates) == [250, 1000, 4000] and "250, 1,000 or 4,000 transcripts" in PAGE
    assert "We sample 1,000 transcripts" in PAGE
