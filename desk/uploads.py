"""A planning day uploaded to the desk: the workbook of ``charter template`` or a zipped day
folder, kept in a folder of its own after the checks an upload needs (size, zip members: no
path traversal, no zip bomb, only the known tables), then checked as ``charter check`` does."""

from __future__ import annotations

import dataclasses
import re
import stat
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from dispatch.intake.day_tables import DAY_TABLES
from dispatch.intake.sources import POLICY_FILE
from stations.errors import InputError, InputProblem, InputWarning

MAX_UPLOAD = 20 * 1024 * 1024  # bytes of the file sent
MAX_UNPACKED = 100 * 1024 * 1024  # bytes of a zip's members together
MAX_RATIO = 100  # a member may unpack to at most this many times its packed size
MAX_MEMBERS = 32
WORKBOOK = "day.xlsx"  # a workbook's name when the one sent is not a plain file name
SAFE_NAME = re.compile(r"[\w\-. ]{1,96}\.xlsx", re.IGNORECASE)
FOLDER = "day"
KNOWN_FILES = frozenset({t.filename for t in DAY_TABLES} | {POLICY_FILE})
SKIPPED_FILES = frozenset({"readme.md", "readme.txt"})  # a day folder's notes: not unpacked


def _refusal(name: str, value: str | None, message: str, fix: str) -> InputProblem:
    return InputProblem(name, None, None, value, message, fix)


def _member_name(info: zipfile.ZipInfo, upload: str) -> tuple[str | None, InputProblem | None]:
    """The file name a member unpacks to (None: a folder or a skipped note), or why not."""
    path = PurePosixPath(info.filename.replace("\\", "/"))
    if info.filename.startswith(("/", "\\")) or ".." in path.parts or ":" in info.filename:
        return None, _refusal(
            upload, info.filename, "names a place outside the day folder", "zip the folder only"
        )
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return None, _refusal(upload, info.filename, "is a link", "zip the files themselves")
    if info.is_dir():
        return None, None
    if len(path.parts) > 2:
        return None, _refusal(
            upload,
            info.filename,
            "is in a sub-folder",
            "zip the day folder's files (or the folder itself) only",
        )
    if path.name.lower() in SKIPPED_FILES:
        return None, None
    if path.name not in KNOWN_FILES:
        known = ", ".join(sorted(KNOWN_FILES))
        return None, _refusal(
            upload, info.filename, "is not a table of a planning day", f"keep only {known}"
        )
    return path.name, None


def _size_problems(info: zipfile.ZipInfo, upload: str) -> list[InputProblem]:
    if info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return [
            _refusal(
                upload,
                info.filename,
                f"unpacks to {info.file_size} bytes from {info.compress_size}",
                "send the day folder zipped normally (this looks like a zip bomb)",
            )
        ]
    return []


def unpack_zip(archive: Path, folder: Path, *, upload: str) -> Path:
    """Unpack the day folder zipped in ``archive`` into ``folder`` / ``day`` after checking every
    member; ``InputError`` naming each refused member (nothing is unpacked then)."""
    problems: list[InputProblem] = []
    try:
        book = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError):
        raise InputError(
            _refusal(upload, None, "is not a zip file", "zip the day folder, or send the .xlsx")
        ) from None
    with book:
        members = book.infolist()
        if len(members) > MAX_MEMBERS:
            problems.append(
                _refusal(upload, str(len(members)), "has too many files", "zip the day only")
            )
        names: dict[str, zipfile.ZipInfo] = {}
        for info in members:
            name, refused = _member_name(info, upload)
            problems += [refused] if refused else []
            if name is None:
                continue
            problems += _size_problems(info, upload)
            if name in names:
                problems.append(_refusal(upload, info.filename, "is there twice", "keep one"))
            names[name] = info
        if sum(i.file_size for i in names.values()) > MAX_UNPACKED:
            problems.append(
                _refusal(upload, None, f"unpacks to more than {MAX_UNPACKED} bytes", "send less")
            )
        if not names and not problems:
            problems.append(_refusal(upload, None, "holds no tables", "zip the day folder"))
        if problems:
            raise InputError(problems)
        target = folder / FOLDER
        target.mkdir()
        for name, info in names.items():
            _copy_member(book, info, target / name, upload)
    return target


def _copy_member(book: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, upload: str) -> None:
    """Copy one member, stopping at its declared size (a forged header cannot overrun it)."""
    written = 0
    with book.open(info) as source, target.open("wb") as sink:
        while chunk := source.read(64 * 1024):
            written += len(chunk)
            if written > info.file_size:
                raise InputError(
                    _refusal(upload, info.filename, "is larger than it says", "zip it again")
                )
            sink.write(chunk)


def day_source(sent: Path, filename: str, folder: Path) -> Path:
    """The day folder or workbook that an upload ``sent`` (as ``filename``) holds, in
    ``folder``; ``InputError`` for anything but an ``.xlsx`` workbook or a ``.zip`` folder."""
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    if sent.stat().st_size > MAX_UPLOAD:
        raise InputError(
            _refusal(filename, None, f"is larger than {MAX_UPLOAD // 2**20} MB", "send less")
        )
    if suffix == ".xlsx":
        given = PurePosixPath(filename.replace("\\", "/")).name
        book = folder / (given if SAFE_NAME.fullmatch(given) else WORKBOOK)
        sent.replace(book)
        return book
    if suffix == ".zip":
        return unpack_zip(sent, folder, upload=filename)
    raise InputError(
        _refusal(
            filename,
            suffix or None,
            "is neither a workbook nor a zipped day folder",
            "send the .xlsx of charter template, or the day folder as .zip",
        )
    )


@dataclass(frozen=True, slots=True)
class DayCheck:
    """What ``charter check`` says of a day: its counts, or every problem; and the warnings."""

    problems: tuple[InputProblem, ...]
    counts: tuple[tuple[str, str], ...]
    warnings: tuple[str, ...]
    date: str | None

    @property
    def ok(self) -> bool:
        """Whether the day can be planned."""
        return not self.problems


def check_source(source: Path) -> DayCheck:
    """Check the day at ``source`` as ``charter check`` does (no solving)."""
    from dispatch.charters.summary import summarise
    from dispatch.intake.reader import read_day
    from dispatch.preflight import check_day

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        try:
            summary = summarise(check_day(read_day(source)))
        except InputError as error:
            notes = _notes(caught)
            return DayCheck(error.problems, (), notes, None)
    counts = tuple(
        (field.name, str(getattr(summary, field.name)))
        for field in dataclasses.fields(summary)
        if isinstance(getattr(summary, field.name), int | str) and field.name != "source"
    )
    return DayCheck((), counts, _notes(caught), summary.date.isoformat())


def _notes(caught: list[warnings.WarningMessage]) -> tuple[str, ...]:
    return tuple(sorted({str(w.message) for w in caught if issubclass(w.category, InputWarning)}))
