"""``python -m celerylint.rules.catalog_write``: regenerate ``catalog_table.py`` from the
rule classes (the catalog itself never imports them)."""

from __future__ import annotations

from pathlib import Path

from celerylint.rules.catalog import table_source
from celerylint.rules.registry import all_rules


def main() -> None:
    target = Path(__file__).with_name("catalog_table.py")
    target.write_text(table_source(all_rules()), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
