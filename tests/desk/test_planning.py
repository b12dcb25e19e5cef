"""Tests of desk.planning: the progress file a worker writes and the pages read, and where a
version's plan folder goes."""

from __future__ import annotations

from pathlib import Path

from desk.planning import PLANNING_SHARE, folder_of, progress_writer, read_progress, write_progress


def test_progress_is_written_whole_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    assert read_progress(path) == {"stage": "queued", "fraction": 0.0}
    write_progress(path, "done", 1.0, date="2020-02-24", version=3)
    assert read_progress(path) == {
        "stage": "done",
        "fraction": 1.0,
        "date": "2020-02-24",
        "version": 3,
    }
    assert not path.with_suffix(".part").exists()


def test_a_damaged_progress_file_reads_as_queued(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    path.write_text("{not json", encoding="utf-8")
    assert read_progress(path)["stage"] == "queued"


def test_the_planner_share_of_the_bar_and_its_steps(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    on_stage = progress_writer(path)
    on_stage("solve", 0.5)
    assert read_progress(path) == {"stage": "solve", "fraction": round(PLANNING_SHARE / 2, 3)}
    on_stage("solve", 0.501)  # too small a move to write again
    assert read_progress(path)["fraction"] == round(PLANNING_SHARE / 2, 3)
    on_stage("explain", 0.9)
    assert read_progress(path)["stage"] == "explain"


def test_a_version_folder_is_by_date_and_number(tmp_path: Path) -> None:
    assert folder_of(tmp_path, "2020-02-24", 2) == tmp_path / "2020-02-24" / "v2"
