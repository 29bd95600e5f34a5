"""The Chung et al. (2024) Table 3 data file and every number the scaling pages derive from it."""

import runpy
from pathlib import Path

import numpy as np
import pytest

import published_scaling as ps
from conftest import page_text

REPO = Path(__file__).resolve().parents[2]
CSV = REPO / "snippets" / "data" / "chung2022_table3.csv"

# Typed by hand from /work/shared/research/facts.md, B.14 (Chung et al., Table 3, normalized
# average of held-out benchmarks), independently of the CSV.
TASKS = [0, 9, 89, 282, 1836]
TABLE_3 = {
    "8B": [6.4, 8.3, 14.8, 20.5, 21.9],
    "62B": [28.4, 29.0, 33.4, 37.9, 38.8],
    "540B": [49.1, 52.6, 57.0, 57.5, 58.5],
}



MORE_OF_THE_SAME = page_text("scaling/more-of-the-same.md")
EVALUATING = page_text("scaling/evaluating-strategies.md")


@pytest.fixture(scope="module")
def table():
    return ps.load_table()


def test_csv_holds_exactly_the_table_3_values(table):
    assert list(table) == list(TABLE_3)
    for model, scores in TABLE_3.items():
        tasks, read = table[model]
        assert tasks.tolist() == TASKS
        assert read.tolist() == scores


def test_csv_names_its_source():
    header = "".join(line for line in CSV.read_text().splitlines(True) if line.startswith("#"))
    assert "Table 3" in header
    assert "arXiv:2210.11416" in header
    assert "Scaling Instruction-Finetuned Language Models" in header
    assert "MMLU, BBH, TyDiQA and MGSM" in header


def test_the_page_copy_finds_the_file_without_dunder_file(monkeypatch):
    """A page runs the snippet's text with no __file__, from the repository root."""
    monkeypatch.chdir(REPO)
    namespace = {"__name__": "page_block"}
    exec(compile((REPO / "snippets" / "published_scaling.py").read_text(), "page", "exec"),
         namespace)
    assert namespace["load_table"]()["540B"][1].tolist() == TABLE_3["540B"]


def test_gains_by_hand(table):
    # 282 -> 1,836: 21.9 - 20.5 = 1.4; 38.8 - 37.9 = 0.9; 58.5 - 57.5 = 1.0
    assert [ps.gain_between(table, m, 282, 1836) for m in TABLE_3] == [1.4, 0.9, 1.0]
    # 0 -> 1,836: 21.9 - 6.4 = 15.5; 38.8 - 28.4 = 10.4; 58.5 - 49.1 = 9.4 (the paper's
    # "The performance gain ranges from 9.4% to 15.5%")
    assert [ps.gain_between(table, m, 0, 1836) for m in TABLE_3] == [15.5, 10.4, 9.4]
    # share by 282: 14.1 / 15.5 = 0.910; 9.5 / 10.4 = 0.913; 8.4 / 9.4 = 0.894
    shares = [ps.share_of_gain_by(table, m, 282) for m in TABLE_3]
    assert np.allclose(shares, [14.1 / 15.5, 9.5 / 10.4, 8.4 / 9.4])


def test_printed_output(table, capsys):
    ps.main()
    out = capsys.readouterr().out
    assert " 1,836    21.9    38.8    58.5" in out
    assert out.strip().splitlines()[-1].split() == ["540B", "+9.4", "89%", "+1.0"]


def test_running_alone_prints_the_table(capsys):
    runpy.run_path(str(REPO / "snippets" / "published_scaling.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "Chung et al., Table 3" in out and "   282    20.5    37.9    57.5" in out


def test_figure_plots_the_csv(table):
    fig = ps.plot_published(table)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    for model, scores in TABLE_3.items():
        line = lines[f"Flan-PaLM {model}"]
        assert line.get_xdata().tolist() == TASKS
        assert line.get_ydata().tolist() == scores


# --- numbers in the prose ----------------------------------------------------------------------

def test_diminishing_returns_in_more_of_the_same_page(table):
    page = MORE_OF_THE_SAME
    shares = [ps.share_of_gain_by(table, m, 282) for m in table]
    assert f"282 tasks already give {min(shares):.0%} to {max(shares):.0%} of the total gain" in page
    last = [ps.gain_between(table, m, 282, 1836) for m in table]
    assert f"buys {last[0]:+.1f}, {last[1]:+.1f} and {last[2]:+.1f} points" in page
    assert f"multiplies the number of tasks by {1836 / 282:.1f}, adding {1836 - 282:,} tasks" in page
    # "about 90%" in the takeaways: every share rounds to 90% at the nearest ten.
    assert {round(share * 100, -1) for share in shares} == {90.0}
    assert "282 tasks give about 90% of the held-out gain of 1,836 tasks" in page


def test_quoted_token_share_is_consistent():
    # "1.4B tokens (0.2% of the pre-training tokens)" against "780B tokens": 1.4 / 780 = 0.18%.
    assert round(1.4 / 780 * 100, 1) == 0.2
    assert '"1.4B tokens (0.2% of the pre-training tokens)"' in MORE_OF_THE_SAME
    assert '"780B tokens"' in MORE_OF_THE_SAME


def test_table_values_in_quiz_answers(table):
    tasks, scores_8b = table["8B"]
    _, scores_540b = table["540B"]
    index = {count: i for i, count in enumerate(tasks)}
    assert f"from {scores_8b[0]} to {scores_8b[index[282]]} for 8B" in MORE_OF_THE_SAME
    assert (f"{scores_540b[0]} with no fine-tuning and {scores_540b[index[1836]]} with 1,836 tasks"
            in MORE_OF_THE_SAME)


def test_model_size_numbers_in_evaluating_page(table):
    page = EVALUATING
    assert (f"PaLM 540B without fine-tuning scores {table['540B'][1][0]} against "
            f"{table['8B'][1][0]} for 8B") in page
    assert (f"gains {ps.gain_between(table, '540B', 0, 1836)} points for 540B against "
            f"{ps.gain_between(table, '8B', 0, 1836)} for 8B") in page
    shares = [ps.share_of_gain_by(table, m, 282) for m in table]
    assert f"282 tasks give {min(shares):.0%} to {max(shares):.0%} of the held-out gain" in page
    assert f"the last {1836 - 282:,} tasks" in page
