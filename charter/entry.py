"""The program's entry point (``charter`` and ``python -m charter``): Ctrl-C is handled from
the first instant, also while the command line's modules are still being imported."""

from __future__ import annotations

from charter import interrupts


def main() -> int:
    """Install the Ctrl-C handler, import the command line, run it; 130 if interrupted."""
    interrupts.install()
    try:
        from charter.cli import main as run
    except KeyboardInterrupt:
        return interrupts.stopped()
    except Exception as error:  # an import interrupted half-way surfaces as ImportError
        if interrupts.caused_by_interrupt(error):
            return interrupts.stopped()
        raise
    return run()
