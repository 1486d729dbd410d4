#!/usr/bin/env python3
"""Regenerate the office app's API types from the FastAPI app, in-process (no server).

    python3 web/scripts/generate_api.py          # web/openapi.json, web/src/api/schema.d.ts
    python3 web/scripts/generate_api.py --check  # exit 1 when the committed files are stale

Run it with the project's virtualenv Python (`.venv/bin/python`); the TypeScript
step needs Node.js and `npm ci` in web/ (see web/scripts/toolchain.py).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

WEB = Path(__file__).resolve().parents[1]
ROOT = WEB.parent
OPENAPI = WEB / "openapi.json"
SCHEMA = WEB / "src" / "api" / "schema.d.ts"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(WEB / "scripts"))

from toolchain import node_command  # noqa: E402


def openapi_document() -> str:
    """The API's OpenAPI document as the app builds it, pretty-printed and stable."""
    from functions.api.app import create_app
    from shared.settings import Settings

    app = create_app(settings=Settings(log_json=False))
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def typescript_for(document: Path, output: Path) -> None:
    """Run openapi-typescript on `document` into `output`."""
    cli = WEB / "node_modules" / "openapi-typescript" / "bin" / "cli.js"
    if not cli.exists():
        sys.exit("web/node_modules is missing: run `npm ci` in web/ (python3 dev.py test does)")
    command = [*node_command(), str(cli), str(document), "-o", str(output)]
    subprocess.run(command, cwd=WEB, check=True, capture_output=True)


def fresh_files() -> tuple[str, str]:
    """The OpenAPI document and its TypeScript types, generated now."""
    document = openapi_document()
    with tempfile.TemporaryDirectory() as tmp:
        spec, types = Path(tmp) / "openapi.json", Path(tmp) / "schema.d.ts"
        spec.write_text(document, encoding="utf-8")
        typescript_for(spec, types)
        return document, types.read_text(encoding="utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    document, types = fresh_files()
    if args.check:
        stale = [
            str(path.relative_to(ROOT))
            for path, fresh in ((OPENAPI, document), (SCHEMA, types))
            if not path.exists() or path.read_text(encoding="utf-8") != fresh
        ]
        if stale:
            print("stale, regenerate with web/scripts/generate_api.py: " + ", ".join(stale))
            return 1
        return 0
    OPENAPI.write_text(document, encoding="utf-8")
    SCHEMA.write_text(types, encoding="utf-8")
    print(f"wrote {OPENAPI.relative_to(ROOT)} and {SCHEMA.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
