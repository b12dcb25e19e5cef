"""The files a day was imported from, with their SHA-256: the CSV tables and ``policy.toml`` of
a day folder, or the workbook itself."""

from __future__ import annotations

import hashlib
from pathlib import Path

from store.repository import Provenance, SourceFile

CHUNK = 1 << 20
DAY_FILE_SUFFIXES = (".csv", ".toml")


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def provenance_of(source: Path) -> Provenance:
    """Where a day was read from: ``source`` (a day folder or workbook) and its files.

    Parameters
    ----------
    source
        The day folder (its ``*.csv`` and ``*.toml`` files count) or the workbook.
    """
    if source.is_dir():
        files = sorted(
            p for p in source.iterdir() if p.is_file() and p.suffix.lower() in DAY_FILE_SUFFIXES
        )
    else:
        files = [source]
    return Provenance(
        str(source),
        tuple(SourceFile(p.name, file_sha256(p), p.stat().st_size) for p in files),
    )
