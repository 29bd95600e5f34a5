"""Case study: a customer-service model fine-tuned on the logs its human agents resolved.

Complaints are of three types: the company is at fault (a late or damaged delivery), it is not
(a customer's mistake, a third party), or the problem needs a technical fix (an app bug, a setup
problem). The agents behave sensibly: they apologise and offer a discount mostly when the
company is at fault, explain otherwise, and troubleshoot technical problems. Two things then
happen on the way to the fine-tuning set.

1. Selection by outcome: only the logs marked "resolved" are kept, and a discount ends most
   conversations with that mark, whether or not it was the right response.
2. A weak cue: the model reads the complaint's words, in which the type shows only faintly
   (complaints read alike: an unhappy customer). It cannot see the order records that told the
   agents whose fault it was.

SFT on the kept logs learns "complaint -> apologise + discount" and applies it to every type;
greedy decoding discounts for every complaint. Run alone, it prints the tables the page shows
(seed 0).
"""

import numpy as np

from toy_model import init_weights, response_probs, softmax, train_sft

# --8<-- [start:setup]
COMPLAINT_TYPES = ("company at fault", "not its fault", "technical")
AT_FAULT, NOT_AT_FAULT, TECHNICAL = range(3)
RESPONSES = ("apologise + discount", "explain", "troubleshoot")
DISCOUNT, EXPLAIN, TROUBLESHOOT = range(3)
RIGHT_RESPONSE = np.array([DISCOUNT, EXPLAIN, TROUBLESHOOT])  # by type

TYPE_SHARES = np.array([0.30, 0.35, 0.35])  # share of all complaints

# What the agents did, P(response | type); rows: types, columns: responses.
AGENTS = np.array([
    [0.80, 0.15, 0.05],  # at fault: mostly apologise and discount
    [0.15, 0.80, 0.05],  # not the company's fault: mostly explain
    [0.10, 0.10, 0.80],  # technical: mostly troubleshoot
])

# P(log marked "resolved" | type, response). A discount ends most
# conversations on a thank-you, even when it was not the right response.
P_RESOLVED = np.array([
    [0.90, 0.35, 0.20],  # at fault
    [0.85, 0.45, 0.25],  # not at fault: explaining satisfies fewer
    [0.75, 0.15, 0.50],  # technical: a fix often needs a second call
])
# --8<-- [end:setup]


# --8<-- [start:selection]
def kept_responses():
    """P(response | type, resolved), shape (3, 3): the agents' responses
    reweighted by how often each one ended in a "resolved" mark."""
    kept = AGENTS * P_RESOLVED
    return kept / kept.sum(axis=1, keepdims=True)


def kept_type_shares():
    """P(type | resolved), shape (3,): types resolved more often take a
    larger share of the kept logs."""
    kept = TYPE_SHARES * (AGENTS * P_RESOLVED).sum(axis=1)
    return kept / kept.sum()


def pooled_response_mix(responses, type_shares):
    """P(response) over all types together, shape (3,)."""
    return type_shares @ responses
# --8<-- [end:selection]


# --8<-- [start:features]
CUE_STRENGTH = 0.25  # how plainly a complaint's words show its type


def complaint_features(types, rng, cue_strength=CUE_STRENGTH,
                       with_records=False):
    """What the model sees of each complaint, shape (n, 3) or (n, 5): a
    bias and two wording cues, "reads like our fault" and "reads like a
    technical problem", each shifted by cue_strength for its type against
    noise of size 1. with_records adds the flags the agents could look
    up: delivery late or damaged, and an error in the app's logs."""
    is_fault = (types == AT_FAULT).astype(float)
    is_technical = (types == TECHNICAL).astype(float)
    flags = np.column_stack([is_fault, is_technical])  # (n, 2)
    wording = cue_strength * flags + rng.normal(size=flags.shape)
    columns = [np.ones((len(types), 1)), wording]
    if with_records:
        columns.append(flags)
    return np.hstack(columns)
# --8<-- [end:features]


# --8<-- [start:experiment]
TRAINING = {"steps": 150, "learning_rate": 2.0}


def draw_responses(probs, rng):
    """One response index per row of probs, shape (n, 3) -> (n,)."""
    below = rng.random((len(probs), 1)) > probs.cumsum(axis=1)
    return np.minimum(below.sum(axis=1), probs.shape[1] - 1)


def conversations(rng, n_conversations):
    """Complaint types, the agents' responses, and which were resolved."""
    types = rng.choice(3, size=n_conversations, p=TYPE_SHARES)
    responses = draw_responses(AGENTS[types], rng)
    resolved = rng.random(n_conversations) < P_RESOLVED[types, responses]
    return types, responses, resolved


def fine_tune(seed=0, n_conversations=4000, cue_strength=CUE_STRENGTH,
              with_records=False, resolved_only=True):
    """SFT of the toy model on the logs; returns its weights."""
    rng = np.random.default_rng(seed)
    types, responses, resolved = conversations(rng, n_conversations)
    if resolved_only:  # the company's choice: learn from successes
        types, responses = types[resolved], responses[resolved]
    features = complaint_features(types, rng, cue_strength, with_records)
    start = init_weights(features.shape[1], len(RESPONSES), seed=seed)
    return train_sft(start, features, responses, **TRAINING)


def response_rates(weights, seed=0, cue_strength=CUE_STRENGTH,
                   with_records=False, n_new=2000):
    """How the model answers new complaints of each type, two arrays of
    shape (3 types, 3 responses): the mean P(response) when it samples,
    and the share of complaints for which each response is its most
    likely one (greedy decoding)."""
    rng = np.random.default_rng(seed + 1000)
    sampled, greedy = np.zeros((3, 3)), np.zeros((3, 3))
    for complaint_type in range(3):
        types = np.full(n_new, complaint_type)
        features = complaint_features(types, rng, cue_strength,
                                      with_records)
        probs = response_probs(weights, features)  # (n_new, 3)
        sampled[complaint_type] = probs.mean(axis=0)
        greedy[complaint_type] = np.bincount(probs.argmax(axis=1),
                                             minlength=3) / n_new
    return sampled, greedy
# --8<-- [end:experiment]


def model_response_rates(seed=0, cue_strength=CUE_STRENGTH, with_records=False,
                         resolved_only=True, n_conversations=4000):
    """Fine-tune, then measure: (sampled, greedy) response rates, each (3 types, 3 responses)."""
    weights = fine_tune(seed, n_conversations, cue_strength, with_records, resolved_only)
    return response_rates(weights, seed, cue_strength, with_records)


def model_discount_rates(seed=0, cue_strength=CUE_STRENGTH, with_records=False,
                         resolved_only=True, n_conversations=4000):
    """(sampled, greedy) discount rates by complaint type, each (3,)."""
    sampled, greedy = model_response_rates(seed, cue_strength, with_records, resolved_only,
                                           n_conversations)
    return sampled[:, DISCOUNT], greedy[:, DISCOUNT]


def right_response_share(rates):
    """Share of all complaints answered with the right response, from (3 types, 3 responses)."""
    return float(TYPE_SHARES @ rates[np.arange(3), RIGHT_RESPONSE])


def best_possible_discount_rates(seed=0, cue_strength=CUE_STRENGTH, n_new=2000):
    """The SFT optimum for a model of any size that sees only the complaint's words.

    It predicts P(response | words, resolved) = sum over types of P(type | words, resolved)
    P(response | type, resolved), where P(type | words, resolved) follows from Bayes' rule with
    the Gaussian wording cues. Returns (sampled, greedy) discount rates by type, measured on the
    same new complaints as response_rates."""
    rng = np.random.default_rng(seed + 1000)
    means = cue_strength * np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])  # type -> mean cues
    sampled, greedy = np.zeros(3), np.zeros(3)
    for complaint_type in range(3):
        wording = complaint_features(np.full(n_new, complaint_type), rng, cue_strength)[:, 1:]
        log_likelihood = wording @ means.T - 0.5 * (means ** 2).sum(axis=1)  # (n_new, 3)
        posterior = softmax(np.log(kept_type_shares()) + log_likelihood)
        probs = posterior @ kept_responses()
        sampled[complaint_type] = probs[:, DISCOUNT].mean()
        greedy[complaint_type] = np.mean(probs.argmax(axis=1) == DISCOUNT)
    return sampled, greedy


def resolved_log_count(seed=0, n_conversations=4000):
    """How many logs the company keeps for fine-tuning (the resolved ones)."""
    _, _, resolved = conversations(np.random.default_rng(seed), n_conversations)
    return int(resolved.sum())


def case_study(seed=0):
    """Discount rate by complaint type: the agents in all conversations, the agents in the
    resolved logs, and the model fine-tuned on those logs, sampled and greedy."""
    sampled, greedy = model_discount_rates(seed)
    return {"agents, all conversations": AGENTS[:, DISCOUNT],
            "agents, resolved logs": kept_responses()[:, DISCOUNT],
            "SFT model, sampled": sampled,
            "SFT model, greedy": greedy}


def discount_by_cue(cues=(0.0, 0.25, 0.5, 1.0, 2.0), seed=0):
    """{cue strength: (sampled, greedy)} discount rates by type, SFT on the resolved logs."""
    return {cue: model_discount_rates(seed, cue) for cue in cues}


def discount_by_data_size(sizes=(1000, 4000, 16000), seed=0):
    """{conversations: (sampled, greedy)}: more logs of the same kind."""
    return {size: model_discount_rates(seed, n_conversations=size) for size in sizes}


REPAIRS = {  # label: (with_records, resolved_only)
    "words only, resolved logs": (False, True),
    "words only, all logs": (False, False),
    "words + records, resolved logs": (True, True),
    "words + records, all logs": (True, False),
}


def repairs(seed=0):
    """{label: (sampled, greedy)} response rates, each (3 types, 3 responses), for what the
    model sees x which logs it learns from."""
    return {label: model_response_rates(seed, with_records=records, resolved_only=only)
            for label, (records, only) in REPAIRS.items()}


SHORT_TYPES = ("at fault", "not at fault", "technical")
FIGURE_LABELS = {"agents, all conversations": "agents, all logs",
                 "agents, resolved logs": "agents, resolved",
                 "SFT model, sampled": "SFT, sampled",
                 "SFT model, greedy": "SFT, greedy"}


def plot_discount_rates(results):
    """Grouped bars: the discount rate for each complaint type, agents and model."""
    from _figure import plt  # the Agg backend and the course's figure style

    figure, axes = plt.subplots(figsize=(4.6, 3.6))
    positions = np.arange(len(COMPLAINT_TYPES))
    width = 0.2
    colours = ["#bdbdbd", "#616161", "#e08a00", "#b71c1c"]
    shifts = (np.arange(len(results)) - (len(results) - 1) / 2) * width
    for shift, (name, rates), colour in zip(shifts, results.items(), colours, strict=True):
        axes.bar(positions + shift, rates, width, color=colour, label=FIGURE_LABELS[name])
    axes.set_xticks(positions, SHORT_TYPES)
    axes.set_ylabel("P(apologise + discount)")
    axes.set_ylim(0, 1.4)
    axes.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    axes.legend(frameon=False, loc="upper left", ncol=2, fontsize=10)
    figure.tight_layout()
    return figure


def plot_discount_by_cue(by_cue):
    """Lines: discount rate on complaints that are not the company's fault, against the cue."""
    from _figure import plt  # the Agg backend and the course's figure style

    cues = list(by_cue)
    sampled = [rates[0][NOT_AT_FAULT] for rates in by_cue.values()]
    greedy = [rates[1][NOT_AT_FAULT] for rates in by_cue.values()]
    figure, axes = plt.subplots(figsize=(4.6, 3.4))
    axes.plot(cues, greedy, "s-", color="#b71c1c", label="SFT, greedy")
    axes.plot(cues, sampled, "o-", color="#e08a00", label="SFT, sampled")
    axes.axhline(kept_responses()[NOT_AT_FAULT, DISCOUNT], color="#616161", linestyle=":",
                 label="agents, resolved")
    axes.axhline(AGENTS[NOT_AT_FAULT, DISCOUNT], color="#9e9e9e", linestyle="--",
                 label="agents, all logs")
    axes.axvline(CUE_STRENGTH, color="#9e9e9e", linewidth=0.8)
    axes.annotate("this case", (CUE_STRENGTH, 0.03), xytext=(5, 0), textcoords="offset points",
                  fontsize=10, color="#616161")
    axes.set_xlabel("cue strength")
    axes.set_ylabel("P(discount), not at fault")
    axes.set_ylim(0, 1.05)
    axes.set_xticks(cues, [f"{cue:g}" for cue in cues])
    axes.legend(frameon=False, loc="upper right", fontsize=10)
    figure.tight_layout()
    return figure


def main():
    print(f"{'P(apologise + discount)':<27}" + "".join(f"{t:>13}" for t in SHORT_TYPES))
    for name, rates in case_study(seed=0).items():
        print(f"{name:<27}" + "".join(f"{rate:>13.2f}" for rate in rates))
    print("Selection by outcome, all conversations -> resolved logs:")
    print(f"  resolved logs kept of 4,000 conversations  {resolved_log_count():,}")
    print(f"  share where the company is at fault        {TYPE_SHARES[AT_FAULT]:.2f} -> "
          f"{kept_type_shares()[AT_FAULT]:.2f}")
    all_mix = pooled_response_mix(AGENTS, TYPE_SHARES)
    kept_mix = pooled_response_mix(kept_responses(), kept_type_shares())
    for index, response in enumerate(RESPONSES):
        print(f"  share of {response:<34}{all_mix[index]:.2f} -> {kept_mix[index]:.2f}")
    print("P(discount | not at fault), sampled / greedy:")
    for cue, (sampled, greedy) in discount_by_cue().items():
        print(f"  cue strength {cue:.2f}: {sampled[NOT_AT_FAULT]:.2f} / {greedy[NOT_AT_FAULT]:.2f}")
    print(f"  more logs of the same kind, cue strength {CUE_STRENGTH:.2f}:")
    for size, (sampled, greedy) in discount_by_data_size().items():
        print(f"    {size:>6,} conversations: {sampled[NOT_AT_FAULT]:.2f} / "
              f"{greedy[NOT_AT_FAULT]:.2f}")
    print(f"{'':<31}{'discount, not at fault':>22}{'right response':>18}")
    print(f"{'the model sees, learns from':<31}" + f"{'sampled':>11}{'greedy':>9}" * 2)
    print(f"{'(the agents)':<31}{AGENTS[NOT_AT_FAULT, DISCOUNT]:>11.2f}{'':>9}"
          f"{right_response_share(AGENTS):>11.2f}")
    for label, (sampled, greedy) in repairs(seed=0).items():
        print(f"{label:<31}{sampled[NOT_AT_FAULT, DISCOUNT]:>11.2f}"
              f"{greedy[NOT_AT_FAULT, DISCOUNT]:>9.2f}"
              f"{right_response_share(sampled):>11.2f}{right_response_share(greedy):>9.2f}")


if __name__ == "__main__":
    main()
