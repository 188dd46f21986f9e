"""One object per thing wrong with an imported file, in Italian and English.

Chamber staff fix a spreadsheet in the spreadsheet, so every problem names what they can find
there: the file, the row number as the program shows it (the header is row 1), the column as they
wrote it (and its letter in an .xlsx), the value, and the rule it breaks. Problems are collected,
never raised one by one, so a single run lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: rules whose problems mean the file could not be read as a table at all (CLI exit 2)
UNREADABLE_RULES = frozenset({"too-large", "unreadable", "encoding", "empty", "format"})

#: the rules, with their names as shown to a person
RULES: dict[str, dict[str, str]] = {
    "too-large": {"it": "file troppo grande", "en": "file too large"},
    "unreadable": {"it": "file illeggibile", "en": "unreadable file"},
    "format": {"it": "formato non supportato", "en": "unsupported format"},
    "encoding": {"it": "codifica", "en": "encoding"},
    "empty": {"it": "file vuoto", "en": "empty file"},
    "unknown-column": {"it": "colonna sconosciuta", "en": "unknown column"},
    "duplicate-column": {"it": "colonna ripetuta", "en": "duplicate column"},
    "missing-column": {"it": "colonna mancante", "en": "missing column"},
    "required": {"it": "valore obbligatorio", "en": "required value"},
    "type": {"it": "tipo di valore", "en": "type"},
    "unknown-reference": {"it": "riferimento sconosciuto", "en": "unknown reference"},
    "ambiguous-reference": {"it": "riferimento ambiguo", "en": "ambiguous reference"},
    "conflict": {"it": "valori in conflitto", "en": "conflicting values"},
    "shacl": {"it": "regola SHACL", "en": "SHACL rule"},
}


@dataclass(frozen=True)
class Problem:
    """Where a problem is and why; ``row``/``column`` are None for the file as a whole."""

    file: str
    rule: str
    messages: dict[str, str] = field(default_factory=dict)
    row: int | None = None
    column: str | None = None
    letter: str | None = None
    value: str | None = None
    severity: str = "error"  # or "warning" (SHACL warnings: reported, never blocking)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def message(self) -> str:
        return self.messages.get("en", "")

    def describe(self, lang: str = "en") -> str:
        """One line for a terminal: file, row, column, value, rule and what to do."""
        it = lang == "it"
        where = [self.file]
        if self.row is not None:
            where.append(f"{'riga' if it else 'row'} {self.row}")
        if self.column is not None:
            letter = f" ({self.letter})" if self.letter else ""
            where.append(f"{'colonna' if it else 'column'} {self.column!r}{letter}")
        if self.value is not None:
            where.append(f"{'valore' if it else 'value'} {_short(self.value)!r}")
        rule = RULES.get(self.rule, {}).get(lang, self.rule)
        kind = ("avviso" if it else "warning") if not self.is_error else ("errore" if it else "error")
        text = self.messages.get(lang) or self.message
        return f"{', '.join(where)}: {kind} [{rule}]: {text}"

    def as_dict(self) -> dict:
        return {"file": self.file, "row": self.row, "column": self.column, "letter": self.letter,
                "value": self.value, "rule": self.rule, "severity": self.severity,
                "messages": dict(self.messages)}


def _short(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
