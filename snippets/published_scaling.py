"""Published evidence: held-out performance against the number of instruction fine-tuning tasks.

Reads Table 3 of Chung et al. (2024), "Scaling Instruction-Finetuned Language Models" (JMLR
25(70); arXiv:2210.11416) from data/chung2024_table3.csv: the normalized average of held-out
benchmarks for Flan-PaLM 8B, 62B and 540B fine-tuned on 0, 9, 89, 282 and 1,836 tasks. Run alone,
it prints the table, the share of each model's gain reached at each number of tasks, and a
sentence per model on where its gain comes from, computed from the data.
"""

import csv
import textwrap
from pathlib import Path

import numpy as np

try:
    DATA_FILE = Path(__file__).resolve().parent / "data" / "chung2024_table3.csv"
except NameError:  # a page runs its copy of this file without __file__, from the repository root
    DATA_FILE = Path("snippets/data/chung2024_table3.csv")

MOST_OF_THE_GAIN = 0.8  # "most of a model's gain": this share of its 0 -> all-tasks gain


def read_rows(path=DATA_FILE):
    """The CSV's rows as dicts; lines starting # are comments."""
    with open(path, newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines))


# --8<-- [start:load_table]
def load_table(path=DATA_FILE):
    """{model: (task counts, scores)}, in the order of the file."""
    rows = read_rows(path)
    table = {}
    for model in dict.fromkeys(row["model"] for row in rows):
        mine = [row for row in rows if row["model"] == model]
        tasks = [int(row["finetuning_tasks"]) for row in mine]
        scores = [float(row["normalized_average"]) for row in mine]
        table[model] = (np.array(tasks), np.array(scores))
    return table
# --8<-- [end:load_table]


def load_printed_gains(path=DATA_FILE):
    """{model: {tasks: gain the paper prints beside the score}}."""
    gains = {}
    for row in read_rows(path):
        if row["printed_gain"]:
            gains.setdefault(row["model"], {})[int(row["finetuning_tasks"])] = float(
                row["printed_gain"])
    return gains


# --8<-- [start:diminishing_returns]
def gain_between(table, model, from_tasks, to_tasks):
    """Points gained between two task counts, rounded like the table."""
    tasks, scores = table[model]
    gain = scores[tasks == to_tasks][0] - scores[tasks == from_tasks][0]
    return round(float(gain), 1)


def share_of_gain_by(table, model, tasks_reached):
    """Share of the 0 -> all-tasks gain reached at tasks_reached."""
    tasks, _ = table[model]
    total = gain_between(table, model, 0, tasks.max())
    return gain_between(table, model, 0, tasks_reached) / total
# --8<-- [end:diminishing_returns]


# --8<-- [start:where_the_gain_is]
def tasks_for_most_of_the_gain(table, model, share=MOST_OF_THE_GAIN):
    """The fewest tasks at which the model has `share` of its gain."""
    tasks, _ = table[model]
    return next(int(count) for count in tasks
                if share_of_gain_by(table, model, count) >= share)


def describe_line(table, model, share=MOST_OF_THE_GAIN):
    """Where one model's held-out gain comes from, in a sentence."""
    tasks, scores = table[model]
    reached = tasks_for_most_of_the_gain(table, model, share)
    rest = gain_between(table, model, reached, tasks.max())
    share_reached = share_of_gain_by(table, model, reached)
    return (f"Flan-PaLM {model} rises from {scores[0]} to {scores[-1]} "
            f"and has {share_reached:.0%} of its gain by {reached:,} "
            f"tasks; the {tasks.max() - reached:,} tasks after that add "
            f"{rest:+.1f} points.")
# --8<-- [end:where_the_gain_is]


def figure_alt_text(table):
    """The figure's text alternative, computed from the same data as the figure."""
    tasks = next(iter(table.values()))[0]
    models = list(table)
    counts = ", ".join(f"{count:,}" for count in tasks[:-1]) + f" and {tasks[-1]:,}"
    return (f"Line chart of the held-out normalized average of Flan-PaLM "
            f"{', '.join(models[:-1])} and {models[-1]} against the number of fine-tuning "
            f"tasks: {counts}. " + " ".join(describe_line(table, model) for model in table))


def print_table(table):
    tasks = next(iter(table.values()))[0]
    print("held-out normalized average (Chung et al., Table 3)")
    print(f"{'tasks':>6}" + "".join(f"{model:>8}" for model in table))
    for index, count in enumerate(tasks):
        print(f"{count:>6,}" + "".join(f"{scores[index]:>8.1f}" for _, scores in table.values()))


def print_shares(table):
    tasks = next(iter(table.values()))[0]
    print(f"share of the 0 -> {tasks.max():,} gain reached")
    print(f"{'tasks':>6}" + "".join(f"{model:>8}" for model in table))
    for count in tasks[1:]:
        print(f"{count:>6,}" + "".join(f"{share_of_gain_by(table, model, count):>8.0%}"
                                       for model in table))


def print_descriptions(table):
    print(f"where each model passes {MOST_OF_THE_GAIN:.0%} of its gain")
    for model in table:
        print(textwrap.fill(describe_line(table, model), width=66,
                            initial_indent="- ", subsequent_indent="  "))


def plot_published(table):
    """The three model sizes against the number of fine-tuning tasks (symmetric log x axis)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    styles = {"8B": ("#c0392b", "s"), "62B": ("#7d3c98", "^"), "540B": ("#1f5fbf", "o")}
    for model, (tasks, scores) in reversed(list(table.items())):
        color, marker = styles.get(model, ("black", "o"))
        ax.plot(tasks, scores, marker=marker, color=color, label=f"Flan-PaLM {model}")
    ax.axvspan(282, 1836, color="grey", alpha=0.12, linewidth=0)
    ax.text(720, 3, "282 to 1,836", ha="center", fontsize=10, color="#444")
    ax.set_xscale("symlog", linthresh=1)
    tasks = next(iter(table.values()))[0]
    ax.set_xticks(tasks, [f"{count:,}" for count in tasks])
    ax.set_xlim(-0.3, 2600)
    ax.set_ylim(0, 75)  # room above the 540B line for the legend
    ax.set_xlabel("fine-tuning tasks (log scale; 0 = none)")
    ax.set_ylabel("held-out normalized avg.")
    ax.legend(loc="upper left", ncol=3, frameon=False, fontsize=10,
              columnspacing=1.0, handlelength=1.5)
    ax.grid(alpha=0.3)
    return fig


def main():
    table = load_table()
    print_table(table)
    print()
    print_shares(table)
    print()
    print_descriptions(table)


if __name__ == "__main__":
    main()
