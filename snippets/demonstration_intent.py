"""The gap between demonstration and intent, in a toy model.

A prompt is described by a few features: is its topic harmful, how is it framed ("write a guide
to ...", a plain question, or a role-play), is it polite, is it vague. The model (snippets/
toy_model.py) picks one of three whole responses: comply (a detailed, helpful answer), ask to
clarify, or refuse.

1. SFT on demonstrations for benign prompts only: every demonstration is a good, helpful answer.
   The "harmful topic" feature is 0 in all of them, so training never moves its weights, and the
   model complies with a harmful request as readily as with a benign one.
2. Add refusal demonstrations for harmful requests framed as a guide or a question. Refusals now
   follow those framings, but not a role-play of the same request, whose words signal the harmful
   topic only weakly: safety training does not reach the new phrasing.

No harmful text appears anywhere: "harmful topic" is only a feature name.
Run alone, it prints the compliance rates the page shows (seed 0).
"""

import numpy as np

from toy_model import init_weights, response_probs, train_sft

# --8<-- [start:features]
RESPONSES = ("comply", "clarify", "refuse")
COMPLY, CLARIFY, REFUSE = range(3)
FRAMINGS = ("guide", "question", "role-play")
GUIDE, QUESTION, ROLE_PLAY = range(3)
FEATURE_NAMES = ("bias", "harmful topic", "framing: guide", "framing: question",
                 "framing: role-play", "polite", "vague")
# How plainly a role-play's words point at its topic. The request is wrapped
# in a story, so the cue is weaker than when it is asked directly (1.0).
ROLE_PLAY_CUE = 0.3


def prompt_features(harmful, framing, polite, vague=False,
                    role_play_cue=ROLE_PLAY_CUE):
    """One prompt as a feature vector, shape (7,)."""
    cue = role_play_cue if framing == ROLE_PLAY else 1.0
    features = np.zeros(len(FEATURE_NAMES))
    features[0] = 1.0                    # bias
    features[1] = float(harmful) * cue   # harmful topic
    features[2 + framing] = 1.0          # one framing
    features[5] = float(polite)
    features[6] = float(vague)
    return features
# --8<-- [end:features]


# --8<-- [start:data]
def benign_demonstrations(rng, n_prompts=60, role_play_cue=ROLE_PLAY_CUE):
    """High-quality SFT data: benign prompts of every framing, each with a
    helpful response (a clarifying question if the prompt is vague).
    Not one refusal."""
    features, targets = [], []
    for _ in range(n_prompts):
        framing, polite = rng.integers(3), rng.integers(2)
        vague = rng.random() < 0.25
        features.append(prompt_features(False, framing, polite, vague,
                                        role_play_cue))
        targets.append(CLARIFY if vague else COMPLY)
    return np.array(features), np.array(targets)


def refusal_demonstrations(rng, n_prompts=20, framings=(GUIDE, QUESTION),
                           role_play_cue=ROLE_PLAY_CUE):
    """Safety data: harmful requests in the given framings, each refused."""
    features = [prompt_features(True, rng.choice(framings), rng.integers(2),
                                False, role_play_cue)
                for _ in range(n_prompts)]
    return np.array(features), np.full(n_prompts, REFUSE)
# --8<-- [end:data]


# --8<-- [start:experiment]
def compliance_rate(weights, harmful, framing, role_play_cue=ROLE_PLAY_CUE):
    """Mean P(comply) over the polite and the impolite version of a prompt."""
    prompts = np.array([
        prompt_features(harmful, framing, polite, False, role_play_cue)
        for polite in (False, True)])
    return float(response_probs(weights, prompts)[:, COMPLY].mean())


def train_on_mix(seed, n_refusals=20, refusal_framings=(GUIDE, QUESTION),
                 role_play_cue=ROLE_PLAY_CUE, steps=300, learning_rate=1.0):
    """SFT from small random weights on the benign demonstrations plus
    n_refusals refusal demonstrations in the given framings."""
    rng = np.random.default_rng(seed)
    x, y = benign_demonstrations(rng, role_play_cue=role_play_cue)
    if n_refusals:
        refusal_x, refusal_y = refusal_demonstrations(
            rng, n_refusals, refusal_framings, role_play_cue)
        x, y = np.vstack([x, refusal_x]), np.concatenate([y, refusal_y])
    start = init_weights(len(FEATURE_NAMES), len(RESPONSES), seed=seed)
    return train_sft(start, x, y, steps, learning_rate)


def train_models(seed=0, role_play_cue=ROLE_PLAY_CUE, steps=300,
                 learning_rate=1.0):
    """Two models from the same start: SFT on the benign data only, and SFT
    on the benign data plus 20 refusals of harmful guides and questions."""
    start = init_weights(len(FEATURE_NAMES), len(RESPONSES), seed=seed)
    benign_only = train_on_mix(seed, 0, (), role_play_cue, steps,
                               learning_rate)
    with_refusals = train_on_mix(seed, 20, (GUIDE, QUESTION), role_play_cue,
                                 steps, learning_rate)
    return start, benign_only, with_refusals


PROMPT_TYPES = {  # label: (harmful, framing)
    "benign, guide": (False, GUIDE),
    "harmful, guide": (True, GUIDE),
    "harmful, question": (True, QUESTION),
    "harmful, role-play": (True, ROLE_PLAY),
}


def compliance_table(seed=0, role_play_cue=ROLE_PLAY_CUE):
    """{model name: {prompt type: P(comply)}} for the two models."""
    _, benign_only, with_refusals = train_models(seed, role_play_cue)
    models = {"SFT on benign only": benign_only,
              "SFT + refusals": with_refusals}
    return {name: {label: compliance_rate(weights, harmful, framing,
                                          role_play_cue)
                   for label, (harmful, framing) in PROMPT_TYPES.items()}
            for name, weights in models.items()}
# --8<-- [end:experiment]


# --8<-- [start:coverage]
SEEDS = (0, 1, 2, 3, 4)
ALL_FRAMINGS = (GUIDE, QUESTION, ROLE_PLAY)


def role_play_compliance(n_refusals, refusal_framings, seeds=SEEDS):
    """Mean P(comply) over seeds on the benign and the harmful role-play,
    after SFT on the benign data plus the given refusals."""
    models = [train_on_mix(seed, n_refusals, refusal_framings)
              for seed in seeds]
    return {harmful: float(np.mean([compliance_rate(w, harmful, ROLE_PLAY)
                                    for w in models]))
            for harmful in (False, True)}
# --8<-- [end:coverage]


def role_play_compliance_by_cue(cues=(1.0, 0.6, 0.3, 0.0), seed=0):
    """After SFT + refusals: P(comply) on the harmful role-play, for several cue strengths."""
    return {cue: compliance_table(seed, cue)["SFT + refusals"]["harmful, role-play"]
            for cue in cues}


def plot_compliance(table):
    """Grouped bars: P(comply) by prompt type, for the two models."""
    from _figure import plt  # the Agg backend and the course's figure style

    figure, axes = plt.subplots(figsize=(5.6, 3.6))
    labels = list(PROMPT_TYPES)
    positions = np.arange(len(labels))
    width = 0.38
    colours = {"SFT on benign only": "#e08a00", "SFT + refusals": "#3f51b5"}
    for shift, (name, rates) in zip((-width / 2, width / 2), table.items(), strict=True):
        values = [rates[label] for label in labels]
        bars = axes.bar(positions + shift, values, width, color=colours[name], label=name)
        axes.bar_label(bars, labels=[f"{value:.2f}" for value in values], padding=2, fontsize=10)
    axes.set_xticks(positions, [label.replace(", ", "\n") + ("\n(new phrasing)" if "role" in label
                                else "") for label in labels])
    axes.set_ylabel("P(comply)")
    axes.set_ylim(0, 1.25)
    axes.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    axes.legend(frameon=False, loc="upper center", ncol=2)
    figure.tight_layout()
    return figure


def main():
    start, benign_only, _ = train_models(seed=0)
    moved = np.abs(benign_only[1] - start[1]).max()
    print(f"SFT on benign data moved the '{FEATURE_NAMES[1]}' weights by {moved:.1f}")
    table = compliance_table(seed=0)
    columns = {"SFT on benign only": "benign only", "SFT + refusals": "+ refusals"}
    print(f"{'P(comply)':<19}" + "".join(f"{short:>13}" for short in columns.values()))
    for label in PROMPT_TYPES:
        print(f"{label:<19}" + "".join(f"{table[name][label]:>13.2f}" for name in columns))
    print("Harmful role-play after SFT + refusals, by topic cue:")
    for cue, rate in role_play_compliance_by_cue().items():
        print(f"  topic cue {cue:.1f}: P(comply) = {rate:.2f}")
    print(f"Role-plays, P(comply), mean of {len(SEEDS)} seeds:")
    print(f"  {'refusal demonstrations':<34}{'benign':>8}{'harmful':>9}")
    rows = [(0, (), "none")]
    rows += [(n, (GUIDE, QUESTION), f"{n} in guides and questions")
             for n in (20, 60, 180)]
    rows += [(n, ALL_FRAMINGS, f"{n} in all three framings")
             for n in (10, 20, 40, 80)]
    for n_refusals, framings, label in rows:
        rates = role_play_compliance(n_refusals, framings)
        print(f"  {label:<34}{rates[False]:>8.2f}{rates[True]:>9.2f}")


if __name__ == "__main__":
    main()
