"""Tests for stations.textfile: small hand-written settings files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from stations.errors import InputError
from stations.textfile import read_text_file


def test_utf8_with_or_without_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_bytes("\ufeffname = '夜班'\n".encode())
    assert read_text_file(path) == "name = '夜班'\n"


def test_gbk_is_named_and_the_fix_is_utf8(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes("name: 夜班\n".encode("gbk"))
    with pytest.raises(InputError) as caught:
        read_text_file(path)
    (problem,) = caught.value.problems
    assert problem.message.startswith("is GBK/GB 18030 text, not UTF-8")
    assert problem.fix.startswith("save it as UTF-8")


def test_other_bytes_are_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"\xff\xfe\x00\x81\x00")
    with pytest.raises(InputError, match=r"a.yaml is not UTF-8 text"):
        read_text_file(path)


def test_a_large_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_bytes(b"#" * 100)
    with pytest.raises(InputError, match=r"is 100 bytes, more than the 50"):
        read_text_file(path, max_bytes=50)


def test_a_pipe_or_folder_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.toml")
    with pytest.raises(InputError, match=r"pipe.toml .* is not a file"):
        read_text_file(tmp_path / "pipe.toml")
    with pytest.raises(InputError, match=r"is not a file"):
        read_text_file(tmp_path)
