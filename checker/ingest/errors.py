"""Import errors people can act on, and the all-or-nothing rule.

An import either takes the whole file or nothing: a half-imported article would
silently drop the citations an editor most needs to see. So every problem of a
file is collected first (`Problems`), then reported together in one line.
"""

from __future__ import annotations

from collections.abc import Sequence

SHOWN_PROBLEMS = 5  # enough to see the pattern; the count says how many more there are


class IngestError(Exception):
    """The file cannot be imported. The message is one line: what is wrong, where
    (file, line, article, ref) and what to do; `problems` lists each problem."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems) or (message,)


class NoCitationsError(IngestError):
    """The article is readable but cites nothing: nothing to watch. A folder or a
    publication's feed skips such an article; a single import reports it."""


class Problems:
    """Collects the problems of one input, then raises them all at once."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: list[str] = []

    def add(self, problem: str) -> None:
        self.items.append(one_line(problem))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        count = len(self.items)
        if count == 1:
            raise IngestError(f"{self.name}: {self.items[0]}; nothing was imported", self.items)
        # One problem per line: several run together in one line are hard to act on.
        shown = "".join(f"\n  - {item}" for item in self.items[:SHOWN_PROBLEMS])
        more = f"\n  … and {count - SHOWN_PROBLEMS} more" if count > SHOWN_PROBLEMS else ""
        raise IngestError(
            f"{self.name}: {count} problems, nothing was imported:{shown}{more}", self.items
        )


def one_line(text: str, limit: int = 300) -> str:
    """User text squeezed into one line of an error message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def quoted(text: str, limit: int = 100) -> str:
    """A value from the input, quoted for an error message."""
    return repr(one_line(text, limit))
