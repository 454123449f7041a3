"""The suppression list read from where a database left it (R-14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hogo.vault.suppression import Suppression, SuppressionList, SuppressionUnavailable


def entry(subject_id: int, *item_ids: int) -> Suppression:
    return Suppression(subject_id, bytes([subject_id]) * 4, item_ids, "2026-11-25T00:00:00+00:00")


def test_R14_read_from_an_offset_gives_only_the_entries_written_since(tmp_path: Path) -> None:
    """R-14: the offset after a read is where the next read starts; nothing is read twice."""
    listed = SuppressionList(tmp_path / "s.erased")
    assert listed.read_from(0) == ([], 0)
    listed.append([entry(1, 10, 11), entry(2)])
    first, mark = listed.read_from(0)
    assert [e.subject_id for e in first] == [1, 2]
    assert first[0].item_ids == (10, 11)
    assert first[1].whole_subject
    assert listed.read_from(mark) == ([], mark)
    listed.append([entry(3, 30)])
    later, end = listed.read_from(mark)
    assert [e.subject_id for e in later] == [3]
    assert end == (tmp_path / "s.erased").stat().st_size
    assert [e.subject_id for e in listed] == [1, 2, 3]


def test_R14_a_line_still_being_written_is_left_for_next_time(tmp_path: Path) -> None:
    """R-14: a last line without its newline is another process's append in progress."""
    path = tmp_path / "s.erased"
    listed = SuppressionList(path)
    listed.append([entry(1, 10)])
    whole = path.stat().st_size
    with path.open("ab") as file:
        file.write(b'{"subject_id":2,"tomb')
    found, mark = listed.read_from(0)
    assert [e.subject_id for e in found] == [1]
    assert mark == whole


def test_R14_an_offset_past_the_end_reads_the_list_from_the_start(tmp_path: Path) -> None:
    """R-14: a mark beyond the file (the list was replaced) cannot skip anything."""
    listed = SuppressionList(tmp_path / "s.erased")
    listed.append([entry(1, 10)])
    found, _ = listed.read_from(10_000)
    assert [e.subject_id for e in found] == [1]


def test_R14_an_altered_line_names_its_line_in_the_file(tmp_path: Path) -> None:
    """R-14: an entry that is not one stops the open, naming the file and the line."""
    path = tmp_path / "s.erased"
    listed = SuppressionList(path)
    listed.append([entry(1, 10), entry(2, 20)])
    mark = listed.read_from(0)[1]
    with path.open("ab") as file:
        file.write(b'{"subject_id":3}\n')
    with pytest.raises(SuppressionUnavailable, match=r"s\.erased:3: not a suppression entry"):
        listed.read_from(mark)
