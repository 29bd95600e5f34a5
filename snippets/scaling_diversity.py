"""More examples of the same task types, or more task types? A toy answer with the same budget.

A family of tasks shares one structure. A task type is described by its instruction, a vector e of
INSTRUCTION_DIM numbers (think of it as an embedding of the instruction's text). The task maps an
input x to one of N_LABELS labels with the linear map W(e) = sum_j e_j B_j, where the matrices B_j
are shared by every task. The model sees (instruction, input) pairs as the features e (outer) x and
is the course's softmax model (toy_model.py), trained with the SFT loss.

Two ways to spend the same number of training examples:
  more of the same:   always FIXED_TASK_TYPES task types, more examples of each;
  more task types:    EXAMPLES_PER_TYPE examples of each, more task types.
Both are scored on task types the model has never seen (new instructions), and the first also on
new examples of the task types it was trained on.
Run alone, it prints the accuracies averaged over SEEDS.
"""

import numpy as np

from toy_model import init_weights, response_probs, train_sft

INPUT_DIM = 8  # d: numbers describing an input x
INSTRUCTION_DIM = 8  # m: numbers describing a task type (its instruction e)
N_LABELS = 3
BUDGETS = (16, 32, 64, 128, 256, 512)  # total training examples
FIXED_TASK_TYPES = 2  # "more of the same" always trains on these two task types
EXAMPLES_PER_TYPE = 8  # "more task types" gives each type this many examples
TEST_TYPES, TEST_INPUTS_PER_TYPE = 300, 10  # the never-seen task types
SEEDS = (0, 1, 2, 3, 4)
TRAIN_STEPS, LEARNING_RATE = 150, 4.0


# --8<-- [start:task_family]
def make_shared_structure(rng):
    """The matrices B_j shared by every task: (m, d, labels)."""
    return rng.normal(size=(INSTRUCTION_DIM, INPUT_DIM, N_LABELS))


def new_task_types(rng, count):
    """Instructions of new task types: unit vectors (count, m)."""
    instructions = rng.normal(size=(count, INSTRUCTION_DIM))
    norms = np.linalg.norm(instructions, axis=1, keepdims=True)
    return instructions / norms


def labelled_examples(structure, instructions, inputs):
    """Features and true labels; inputs has shape (types, per_type, d).

    The label is the argmax of x @ W(e); the features are e_j * x_k.
    """
    n_types, per_type, _ = inputs.shape
    e = np.repeat(instructions, per_type, axis=0)  # (n, m)
    x = inputs.reshape(n_types * per_type, INPUT_DIM)  # (n, d)
    true_logits = np.einsum("nj,nk,jkc->nc", e, x, structure)
    features = (e[:, :, None] * x[:, None, :]).reshape(len(x), -1)
    return features, true_logits.argmax(axis=1)
# --8<-- [end:task_family]


# --8<-- [start:fine_tune]
def fine_tune(features, labels, seed):
    """SFT: gradient descent on the cross-entropy of the true labels."""
    start = init_weights(features.shape[1], N_LABELS, seed=seed)
    return train_sft(start, features, labels,
                     steps=TRAIN_STEPS, learning_rate=LEARNING_RATE)


def accuracy(weights, features, labels):
    """Share of examples whose most probable label is the true one."""
    predicted = response_probs(weights, features).argmax(axis=1)
    return float(np.mean(predicted == labels))
# --8<-- [end:fine_tune]


# --8<-- [start:two_strategies]
def compare_strategies(seed, budgets=BUDGETS):
    """Held-out accuracies per budget; both share the data pools."""
    rng = np.random.default_rng(seed)
    structure = make_shared_structure(rng)
    most_types = max(budgets) // EXAMPLES_PER_TYPE
    most_per_type = max(budgets) // FIXED_TASK_TYPES
    types = new_task_types(rng, most_types)
    inputs = rng.normal(size=(most_types, most_per_type, INPUT_DIM))
    same = types[:FIXED_TASK_TYPES]
    unseen_types = labelled_examples(
        structure, new_task_types(rng, TEST_TYPES),
        rng.normal(size=(TEST_TYPES, TEST_INPUTS_PER_TYPE, INPUT_DIM)))
    seen_types = labelled_examples(
        structure, same,
        rng.normal(size=(FIXED_TASK_TYPES, 500, INPUT_DIM)))
    results = {"more_of_the_same": [], "seen_types_new_examples": [],
               "more_task_types": []}
    for budget in budgets:
        # More of the same: 2 task types, budget / 2 examples of each.
        per_type = budget // FIXED_TASK_TYPES
        same_inputs = inputs[:FIXED_TASK_TYPES, :per_type]
        weights = fine_tune(
            *labelled_examples(structure, same, same_inputs), seed)
        results["more_of_the_same"].append(
            accuracy(weights, *unseen_types))
        results["seen_types_new_examples"].append(
            accuracy(weights, *seen_types))
        # More task types: 8 examples of each, budget / 8 task types.
        n_types = budget // EXAMPLES_PER_TYPE
        weights = fine_tune(*labelled_examples(
            structure, types[:n_types],
            inputs[:n_types, :EXAMPLES_PER_TYPE]), seed)
        results["more_task_types"].append(
            accuracy(weights, *unseen_types))
    return {name: np.array(values) for name, values in results.items()}
# --8<-- [end:two_strategies]


def average_over_seeds(seeds=SEEDS):
    """Mean accuracy over seeds for each strategy and budget."""
    runs = [compare_strategies(seed) for seed in seeds]
    return {name: np.mean([run[name] for run in runs], axis=0) for name in runs[0]}


# --8<-- [start:seen_share]
def seen_share(n_task_types, instruction_dim=INSTRUCTION_DIM):
    """Expected share of a new instruction in the seen span: K/m."""
    return min(n_task_types, instruction_dim) / instruction_dim
# --8<-- [end:seen_share]


def print_strategies(results):
    print("accuracy on NEW task types")
    print(f"(mean of {len(SEEDS)} seeds; chance = 1/{N_LABELS})")
    print(f"{'':8}  {'more of the same':<16}  {'more types':<10}")
    print(f"{'examples':>8}  {'per type':>8}  {'acc':>6}  {'types':>5}  {'acc':>4}")
    for index, budget in enumerate(BUDGETS):
        same = results["more_of_the_same"][index]
        wide = results["more_task_types"][index]
        print(f"{budget:>8}  {budget // FIXED_TASK_TYPES:>8}  {same:>6.2f}  "
              f"{budget // EXAMPLES_PER_TYPE:>5}  {wide:>4.2f}")


def print_measurement_gap(results):
    print(f"more of the same: {FIXED_TASK_TYPES} task types")
    print(f"(mean of {len(SEEDS)} seeds)")
    print(f"{'examples':>8}  {'accuracy on':^21}".rstrip())
    print(f"{'per type':>8}  {'seen types':>10}  {'new types':>9}")
    for index, budget in enumerate(BUDGETS):
        seen = results["seen_types_new_examples"][index]
        new = results["more_of_the_same"][index]
        print(f"{budget // FIXED_TASK_TYPES:>8}  {seen:>10.2f}  {new:>9.2f}")


def plot_strategies(results):
    """Held-out accuracy on new task types against the total budget, one line per strategy."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.plot(BUDGETS, results["more_task_types"], "o-", color="#1f5fbf",
            label=f"more task types ({EXAMPLES_PER_TYPE} examples each)")
    ax.plot(BUDGETS, results["more_of_the_same"], "s--", color="#c0392b",
            label=f"more of the same ({FIXED_TASK_TYPES} task types)")
    ax.axhline(1 / N_LABELS, color="grey", linewidth=1, linestyle=":")
    ax.text(BUDGETS[-1], 1 / N_LABELS + 0.015, "chance", ha="right", color="grey", fontsize=10)
    ax.set_xscale("log", base=2)
    ax.set_xticks(BUDGETS, [str(b) for b in BUDGETS])
    ax.set_ylim(0.25, 1.0)
    ax.set_xlabel("total training examples (log scale)")
    ax.set_ylabel("accuracy on new task types")
    ax.legend(loc="upper left", frameon=False, fontsize=10)
    ax.grid(alpha=0.3)
    return fig


def plot_measurement_gap(results):
    """'More of the same' scored two ways: new examples of seen types vs new task types."""
    import matplotlib.pyplot as plt

    per_type = [budget // FIXED_TASK_TYPES for budget in BUDGETS]
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.plot(per_type, results["seen_types_new_examples"], "o-", color="#1b7f3b",
            label="new examples of the seen task types")
    ax.plot(per_type, results["more_of_the_same"], "s--", color="#c0392b",
            label="new task types")
    ax.axhline(1 / N_LABELS, color="grey", linewidth=1, linestyle=":")
    ax.text(per_type[-1], 1 / N_LABELS + 0.015, "chance", ha="right", color="grey", fontsize=10)
    ax.set_xscale("log", base=2)
    ax.set_xticks(per_type, [str(n) for n in per_type])
    ax.set_ylim(0.25, 1.0)
    ax.set_xlabel(f"examples per task type ({FIXED_TASK_TYPES} task types, log scale)")
    ax.set_ylabel("held-out accuracy")
    ax.legend(loc="upper left", frameon=False, fontsize=10)
    ax.grid(alpha=0.3)
    return fig


def main():
    results = average_over_seeds()
    print_strategies(results)
    print()
    print_measurement_gap(results)


if __name__ == "__main__":
    main()
