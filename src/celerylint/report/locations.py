"""Where a finding is, in the shape location-aware formats (SARIF, GitHub) expect."""

from __future__ import annotations

from dataclasses import dataclass

from celerylint.findings import Finding


@dataclass(frozen=True)
class Region:
    """1-based lines and columns; ``end_column`` is one past the last character.

    That is SARIF's convention and celerylint's, so no conversion is needed.
    ``end_column`` is None when the rule did not know where the finding ends.
    """

    line: int
    column: int
    end_line: int
    end_column: int | None

    def as_sarif(self) -> dict[str, int]:
        result = {"startLine": self.line, "startColumn": self.column, "endLine": self.end_line}
        if self.end_column is not None:
            result["endColumn"] = self.end_column
        return result


def region(finding: Finding) -> Region:
    """The finding's region; a zero-width or unknown end is reported as unknown."""
    known_end = finding.end_column > finding.column or (
        finding.end_line > finding.line and finding.end_column >= 1
    )
    return Region(finding.line, finding.column, finding.end_line,
                  finding.end_column if known_end else None)
