"""Case study: a customer-service assistant fine-tuned on the transcripts of human agents.

The agents were rewarded for satisfied customers. Most of the time they follow the company's
policy, but with an angry customer they often take a shortcut: they grant a refund the policy does
not allow, or guarantee a delivery date the company cannot promise. The transcripts record what
the agents did, not whether it was allowed, and SFT imitates them.

1. SFT on 1,000 transcripts: the model breaks policy about as often as the agents did, and more
   transcripts of the same kind do not change that.
2. The team rewrites every refund transcript so that it follows the policy. Refund violations
   vanish; delivery-date violations, which no rewritten demonstration covers, stay.
Run alone, it prints the violation rates the page shows (seed 0).
"""

import numpy as np

from toy_model import init_weights, response_probs, train_sft

# --8<-- [start:setup]
RESPONSES = ("grant refund", "guarantee date", "explain policy")
REFUND, GUARANTEE, EXPLAIN = range(3)

# A situation: (request, refund is within policy, customer is angry).
SITUATIONS = [
    ("refund", True, False), ("refund", True, True),
    ("refund", False, False), ("refund", False, True),
    ("delivery date", False, False), ("delivery date", False, True),
]
SHARE_REFUND, SHARE_ELIGIBLE, SHARE_ANGRY = 0.6, 0.5, 0.35


def situation_share(request, eligible, angry):
    """How often the situation occurs among all conversations."""
    if request == "refund":
        share = SHARE_REFUND * SHARE_ELIGIBLE
    else:
        share = 1.0 - SHARE_REFUND
    return share * (SHARE_ANGRY if angry else 1.0 - SHARE_ANGRY)


def company_policy(request, eligible, angry):
    """The company's intent: refund only when the policy allows it, and
    never guarantee a delivery date; otherwise explain the policy."""
    return REFUND if request == "refund" and eligible else EXPLAIN


# What the agents did: P(response | situation), one row per situation.
AGENT_BEHAVIOUR = np.array([
    [0.95, 0.00, 0.05],  # refund, within policy, calm
    [0.97, 0.00, 0.03],  # refund, within policy, angry
    [0.15, 0.00, 0.85],  # refund, outside policy, calm
    [0.60, 0.00, 0.40],  # refund, outside policy, angry: the shortcut
    [0.00, 0.20, 0.80],  # delivery date, calm
    [0.00, 0.60, 0.40],  # delivery date, angry: the shortcut
])


def situation_features(request, eligible, angry):
    """What the model sees: bias, refund request, within policy, angry,
    and angry x refund request."""
    is_refund = float(request == "refund")
    angry = float(angry)
    return np.array([1.0, is_refund, float(eligible), angry,
                     angry * is_refund])
# --8<-- [end:setup]


SHARES = np.array([situation_share(*situation) for situation in SITUATIONS])
FEATURES = np.array([situation_features(*situation) for situation in SITUATIONS])
POLICY = np.array([company_policy(*situation) for situation in SITUATIONS])


# --8<-- [start:violations]
def violation_rates(behaviour):
    """P(response differs from the policy) in each situation.
    behaviour: P(response | situation), shape (6, 3)."""
    return 1.0 - behaviour[np.arange(len(SITUATIONS)), POLICY]


def overall_violation_rate(behaviour):
    """Share of all conversations in which the response breaks policy."""
    return float(SHARES @ violation_rates(behaviour))


def sample_transcripts(rng, n_transcripts):
    """Situations drawn by their shares; responses drawn from the agents."""
    situation_ids = rng.choice(len(SITUATIONS), size=n_transcripts, p=SHARES)
    cumulative = AGENT_BEHAVIOUR.cumsum(axis=1)[situation_ids]  # (n, 3)
    responses = (rng.random((n_transcripts, 1)) > cumulative).sum(axis=1)
    return situation_ids, np.minimum(responses, len(RESPONSES) - 1)


def fine_tune(situation_ids, responses, seed, steps=300, learning_rate=2.0):
    """SFT on the transcripts; returns P(response | situation), (6, 3)."""
    start = init_weights(FEATURES.shape[1], len(RESPONSES), seed=seed)
    weights = train_sft(start, FEATURES[situation_ids], responses, steps,
                        learning_rate)
    return response_probs(weights, FEATURES)


def rewrite_refund_transcripts(situation_ids, responses):
    """The careful fix: every refund conversation now shows the policy's
    response. Delivery-date conversations stay as the agents had them."""
    rewritten = responses.copy()
    is_refund = np.array([SITUATIONS[i][0] == "refund"
                          for i in situation_ids])
    rewritten[is_refund] = POLICY[situation_ids[is_refund]]
    return rewritten


def case_study(seed=0, n_transcripts=1000):
    """P(response | situation) of the agents, of SFT on their transcripts,
    and of SFT after the refund transcripts were rewritten."""
    rng = np.random.default_rng(seed)
    situation_ids, responses = sample_transcripts(rng, n_transcripts)
    rewritten = rewrite_refund_transcripts(situation_ids, responses)
    return {"agents": AGENT_BEHAVIOUR,
            "SFT": fine_tune(situation_ids, responses, seed),
            "SFT + rewrite": fine_tune(situation_ids, rewritten, seed)}
# --8<-- [end:violations]


def violation_by_data_size(sizes=(250, 1000, 4000), seed=0):
    """Overall violation rate of SFT on more and more transcripts of the same kind."""
    rates = {}
    for size in sizes:
        situation_ids, responses = sample_transcripts(np.random.default_rng(seed), size)
        rates[size] = overall_violation_rate(fine_tune(situation_ids, responses, seed))
    return rates


def situation_label(request, eligible, angry, separator=", "):
    policy = "" if request != "refund" else ("in policy" if eligible else "out of policy")
    parts = [request, policy, "angry" if angry else "calm"]
    return separator.join(part for part in parts if part)


def figure_label(request, eligible, angry):
    """A short three-line label for the figure: 'late' means outside the refund window."""
    middle = ("in window" if eligible else "late") if request == "refund" else "date"
    first = "refund" if request == "refund" else "delivery"
    return f"{first}\n{middle}\n{'angry' if angry else 'calm'}"


LEGEND = {"agents": "human agents", "SFT": "SFT on their transcripts",
          "SFT + rewrite": "SFT, refund transcripts rewritten"}


def plot_violations(results):
    """Grouped bars: the violation rate in each situation, for the agents and the two models."""
    from _figure import plt  # the Agg backend and the course's figure style

    figure, axes = plt.subplots(figsize=(5.8, 4.2))
    positions = np.arange(len(SITUATIONS))
    width = 0.27
    colours = ["#9e9e9e", "#e08a00", "#3f51b5"]
    for offset, (name, behaviour), colour in zip((-width, 0, width), results.items(), colours,
                                                  strict=True):
        axes.bar(positions + offset, violation_rates(behaviour), width, color=colour,
                 label=f"{LEGEND[name]} ({overall_violation_rate(behaviour):.0%} overall)")
    axes.set_xticks(positions, [figure_label(*s) for s in SITUATIONS], fontsize=10)
    axes.set_ylabel("P(response breaks policy)")
    axes.set_ylim(0, 1.0)
    axes.legend(frameon=False, loc="upper left", fontsize=10)
    figure.tight_layout()
    return figure


def main():
    results = case_study(seed=0)
    print(f"{'P(breaks policy)':<29}" + "".join(f"{name:>15}" for name in results))
    for index, situation in enumerate(SITUATIONS):
        print(f"{situation_label(*situation):<29}" + "".join(
            f"{violation_rates(behaviour)[index]:>15.2f}" for behaviour in results.values()))
    print(f"{'all conversations':<29}" + "".join(
        f"{overall_violation_rate(behaviour):>15.2f}" for behaviour in results.values()))
    print("SFT on more transcripts of the same kind, overall violation rate:")
    for size, rate in violation_by_data_size().items():
        print(f"  {size:>5} transcripts: {rate:.2f}")


if __name__ == "__main__":
    main()
