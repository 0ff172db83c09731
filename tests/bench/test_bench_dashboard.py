"""The pure helpers of the dashboard bench (``bench/bench_dashboard.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import bench_dashboard as bench


def test_the_other_option_is_the_first_one_not_shown() -> None:
    options = ["OIC Hydra exercise", "OIC e-learning (all four modules)"]
    assert bench.other_option(options, "OIC Hydra exercise") == options[1]
    assert bench.other_option(options, options[1]) == "OIC Hydra exercise"


def test_memory_lines_of_proc_status_are_read_in_kb() -> None:
    status = "Name:\tpython\nVmHWM:\t 1003520 kB\nVmRSS:\t  643072 kB\n"
    assert bench.proc_kb(status, "VmRSS") == 643_072
    assert bench.proc_kb(status, "VmHWM") == 1_003_520


def test_the_table_has_a_row_per_interaction_and_na_where_a_user_did_not() -> None:
    cells = {"national-admin": {"Overview": 12.345},
             "met-lead": {"Overview": 5.2, "Outstanding: open": 0.5}}
    assert bench.markdown_table(["Overview", "Outstanding: open"], cells) == (
        "| interaction | national-admin | met-lead |\n"
        "|---|---:|---:|\n"
        "| Overview | 12.35 | 5.20 |\n"
        "| Outstanding: open | n/a | 0.50 |")


def test_only_a_successful_end_of_run_counts_as_finished() -> None:
    def frame(status: ForwardMsg.ScriptFinishedStatus.ValueType) -> bytes:
        msg = ForwardMsg()
        msg.script_finished = status
        return msg.SerializeToString()

    assert bench.finished_run(frame(ForwardMsg.FINISHED_SUCCESSFULLY))
    assert not bench.finished_run(frame(ForwardMsg.FINISHED_EARLY_FOR_RERUN))
    assert not bench.finished_run(ForwardMsg().SerializeToString())
    assert not bench.finished_run(b"\0" * 5000)
