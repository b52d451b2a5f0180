"""mkdocs hook: the schema list page is generated from the bundled schemas at build time."""

from __future__ import annotations

from typing import Any

MARK = "<!-- schema-list -->"


def schema_table() -> str:
    import dealerbridge as db
    from dealerbridge._registry import default_registry

    registry = default_registry()
    rows = ["| schema | versions | direction | title | what it is |", "|---|---|---|---|---|"]
    for name in db.schema_names():
        model = registry.model(name)
        first = model.description.split(". ")[0].replace("|", "\\|").replace("\n", " ")
        versions = ", ".join(f"v{v}" for v in registry.versions(name))
        rows.append(
            f"| `{name}` | {versions} | {model.direction or '-'} | {model.title or ''} "
            f"| {first.rstrip('.')}. |"
        )
    return "\n".join(rows)


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    if MARK in markdown:
        return markdown.replace(MARK, schema_table())
    return markdown
