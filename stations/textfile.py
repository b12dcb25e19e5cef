"""Reading small UTF-8 text files a user writes by hand (``policy.toml``, scenario YAML):
bounded in size, regular files only, and an encoding mistake reported with its fix."""

from __future__ import annotations

from pathlib import Path

from stations.errors import InputError, InputProblem

MAX_TEXT_BYTES = 1024 * 1024  # a policy or scenario file is a few KB; 1 MiB is generous
UTF8_FIX = (
    "save it as UTF-8 (in Notepad: File → Save as → Encoding: UTF-8; in WPS or VS Code: "
    "the encoding in the status bar → UTF-8)"
)


def _problem(path: Path, message: str, fix: str, value: str | None = None) -> InputError:
    return InputError(InputProblem(path.name, None, None, value, message, fix))


def _legacy_encoding(data: bytes) -> str | None:
    """The name of a Chinese legacy encoding ``data`` decodes in, if any."""
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return "GBK/GB 18030"


def read_text_file(path: Path, *, max_bytes: int = MAX_TEXT_BYTES) -> str:
    """The text of ``path`` (UTF-8, a byte-order mark allowed).

    Raises
    ------
    InputError
        The file is missing or not a regular file (a pipe would block), is larger than
        ``max_bytes``, or is not UTF-8 (GBK/GB 18030 is recognised and named).
    """
    try:
        if not path.is_file():
            raise _problem(path, "is not a file", "give the path of a text file", str(path))
        size = path.stat().st_size
        if size > max_bytes:
            raise _problem(
                path,
                f"is {size:,} bytes, more than the {max_bytes:,} a settings file may have",
                "give the settings file itself (a few KB), not a data file",
            )
        data = path.read_bytes()
    except OSError as error:
        raise _problem(
            path, f"cannot be read: {error.strerror or error}", "check the path"
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        legacy = _legacy_encoding(data)
        found = f"is {legacy} text, not UTF-8" if legacy else "is not UTF-8 text"
        raise _problem(path, f"{found} (byte {error.start} cannot be read)", UTF8_FIX) from None
