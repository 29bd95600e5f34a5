"""Published evidence: held-out performance against the number of instruction fine-tuning tasks.

Reads Table 3 of Chung et al., "Scaling Instruction-Finetuned Language Models" (arXiv:2210.11416;
JMLR 2024) from data/chung2022_table3.csv: the normalized average of held-out benchmarks for
Flan-PaLM 8B, 62B and 540B fine-tuned on 0, 9, 89, 282 and 1,836 tasks. Run alone, it prints the
table, how much of the total gain 282 tasks already give, and what the last 1,554 tasks add.
"""

import csv
from pathlib import Path

import numpy as np

try:
    DATA_FILE = Path(__file__).resolve().parent / "data" / "chung2022_table3.csv"
except NameError:  # a page runs its copy of this file without __file__, from the repository root
    DATA_FILE = Path("snippets/data/chung2022_table3.csv")


# --8<-- [start:load_table]
def load_table(path=DATA_FILE):
    """{model: (task counts, scores)}; lines starting # are comments."""
    with open(path, newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    rows = list(csv.DictReader(lines))
    table = {}
    for model in dict.fromkeys(row["model"] for row in rows):
        mine = [row for row in rows if row["model"] == model]
        tasks = [int(row["finetuning_tasks"]) for row in mine]
        scores = [float(row["normalized_average"]) for row in mine]
        table[model] = (np.array(tasks), np.array(scores))
    return table
# --8<-- [end:load_table]


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


def print_table(table):
    tasks = next(iter(table.values()))[0]
    print("held-out normalized average (Chung et al., Table 3)")
    print(f"{'tasks':>6}" + "".join(f"{model:>8}" for model in table))
    for index, count in enumerate(tasks):
        print(f"{count:>6,}" + "".join(f"{scores[index]:>8.1f}" for _, scores in table.values()))


def print_diminishing_returns(table):
    most = max(tasks.max() for tasks, _ in table.values())
    print("gains in points, and the share of the")
    print(f"0 -> {most:,} gain already reached by 282 tasks")
    print(f"{'model':>5}  {f'0 -> {most:,}':>10}  {'by 282':>6}  {f'282 -> {most:,}':>12}")
    for model in table:
        total = gain_between(table, model, 0, most)
        share = share_of_gain_by(table, model, 282)
        last = gain_between(table, model, 282, most)
        print(f"{model:>5}  {total:>+10.1f}  {share:>6.0%}  {last:>+12.1f}")


def plot_published(table):
    """The three model sizes against the number of fine-tuning tasks (symmetric log x axis)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    styles = {"8B": ("#c0392b", "s"), "62B": ("#7d3c98", "^"), "540B": ("#1f5fbf", "o")}
    for model, (tasks, scores) in reversed(list(table.items())):
        color, marker = styles.get(model, ("black", "o"))
        ax.plot(tasks, scores, marker=marker, color=color, label=f"Flan-PaLM {model}")
    ax.axvspan(282, 1836, color="grey", alpha=0.12, linewidth=0)
    ax.text(720, 3, "282 to 1,836 tasks", ha="center", fontsize=9, color="#444")
    ax.set_xscale("symlog", linthresh=1)
    tasks = next(iter(table.values()))[0]
    ax.set_xticks(tasks, [f"{count:,}" for count in tasks])
    ax.set_xlim(-0.3, 2600)
    ax.set_ylim(0, 65)
    ax.set_xlabel("number of fine-tuning tasks (log scale; 0 = no fine-tuning)")
    ax.set_ylabel("held-out normalized average")
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    ax.grid(alpha=0.3)
    return fig


def main():
    table = load_table()
    print_table(table)
    print()
    print_diminishing_returns(table)


if __name__ == "__main__":
    main()
