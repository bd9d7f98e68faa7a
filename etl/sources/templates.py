"""The fill-in templates (data/templates/) and their documentation, carried into the database so the app
can offer them for download without reading data/ (the database stays the only contract)."""
from __future__ import annotations

import hashlib

import pandas as pd

from .base import Source, Step

FORMATS = {".csv": "csv", ".xlsx": "xlsx"}


def load(step: Step) -> list:
    folder = step.data_dir / "templates"
    if not folder.exists():
        return []
    rows = []
    for path in sorted(folder.iterdir()):
        fmt = FORMATS.get(path.suffix.lower())
        if fmt is None:
            continue
        content = path.read_bytes()
        rows.append({"file_name": path.name, "template": path.stem, "format": fmt, "content": content,
                     "sha256": hashlib.sha256(content).hexdigest()})
        step.inputs.add(path, "template", 0)
    if rows:
        step.con.register("_templates", pd.DataFrame(rows))
        step.con.execute("INSERT INTO template_file SELECT file_name, template, format, content, sha256 FROM _templates")
        step.con.unregister("_templates")
    # README.md (the reference, English with the headers in three languages) and README.<lang>.md, its
    # translations: doc ids 'templates' and 'templates_<lang>'
    for readme in sorted(folder.glob("README*.md")):
        lang = readme.suffixes[0][1:] if len(readme.suffixes) > 1 else ""
        step.con.execute("INSERT INTO template_doc VALUES (?, ?)",
                         ["templates" + (f"_{lang}" if lang else ""), readme.read_text(encoding="utf-8")])
        step.inputs.add(readme, "template_doc", 0)
    step.log(f"  templates: {len(rows)} files")
    return []


SOURCE = Source("templates", load)
