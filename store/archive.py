"""One day with its inputs and every plan version as one file, for backup and restore
(``charter days export`` / ``import``): gzip-compressed JSON in the format ``charter-day/1``.

The file holds the tables, policies, plan documents and exact plan records as text, each with
its SHA-256 (checked on import), the day's audit lines, and — only when asked at export — the
personal data. It is written whole or not at all (``dispatch.outputs.atomic.replaced_file``).
"""

from __future__ import annotations

import gzip
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from dispatch.outputs.atomic import replaced_file
from dispatch.outputs.targets import check_all, file_problems
from store.codec import checksum
from store.errors import StoreError, problem
from store.repository import DayArchive

MAX_BYTES = 4 << 30  # a day file larger than this once decompressed is refused
CHUNK = 1 << 20


ARCHIVE: TypeAdapter[DayArchive] = TypeAdapter(DayArchive)


def archive_problems(archive: DayArchive) -> list[str]:
    """What in ``archive`` does not match its checksum, or refers to inputs not in it."""
    found = []
    held = {i.checksum for i in archive.imports}
    for item in archive.imports:
        for name, text in item.tables.items():
            if checksum(text) != item.table_checksums.get(name):
                found.append(f"table {name} of inputs {item.checksum[:12]}")
    for version in archive.versions:
        if checksum(version.document) != version.document_checksum:
            found.append(f"plan.json of version {version.version}")
        if checksum(version.record) != version.record_checksum:
            found.append(f"plan record of version {version.version}")
        if version.import_checksum not in held:
            found.append(f"inputs of version {version.version}")
    return found


def write_archive(archive: DayArchive, path: Path) -> Path:
    """Write ``archive`` to ``path`` (gzip JSON), whole or not at all.

    Raises
    ------
    InputError
        If ``path`` cannot be written (a folder, a link, a missing or read-only folder).
    """
    check_all(file_problems(path, option="FILE", create_folders=False))
    data = ARCHIVE.dump_json(archive)

    def write(target: Path) -> None:
        with target.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
            out.write(data)

    return replaced_file(path, write)


def _bad(path: Path, why: str) -> StoreError:
    return StoreError(problem(str(path), None, why, "give a file written by charter days export"))


def read_archive(path: Path) -> DayArchive:
    """Read and check a day file.

    Raises
    ------
    StoreError
        If the file is missing, not a day file, too large, or fails a checksum.
    """
    try:
        with gzip.open(path, "rb") as handle:
            parts, size = [], 0
            while chunk := handle.read(CHUNK):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise _bad(path, f"is larger than {MAX_BYTES >> 30} GiB unpacked")
                parts.append(chunk)
    except (OSError, EOFError) as error:
        raise _bad(path, f"cannot be read as a gzip file ({error})") from None
    try:
        archive = ARCHIVE.validate_json(b"".join(parts))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise _bad(path, f"is not a charter day file ({where}: {first['msg']})") from None
    broken = archive_problems(archive)
    if broken:
        raise _bad(path, "is damaged: " + ", ".join(broken[:5]) + " do not match their checksums")
    return archive
