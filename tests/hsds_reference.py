"""The official HSDS 3.1 files as an oracle: found through HSDS_REFERENCE_DIR, never fetched."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "reference" / "hsds"


def reference_dir() -> Path:
    """The v3.1-dev folder; a test that needs it fails (never skips) when it is missing."""
    root = Path(os.environ.get("HSDS_REFERENCE_DIR", DEFAULT))
    folder = root / "v3.1-dev"
    if not (folder / "schema" / "service.json").is_file():
        pytest.fail(f"the official HSDS files are missing: set HSDS_REFERENCE_DIR (looked in {root})")
    return folder


@cache
def _registry() -> Registry:
    schemas = reference_dir() / "schema"
    resources = []
    for path in schemas.glob("*.json"):
        if path.name == "openapi.json":
            continue
        contents = json.loads(path.read_text())
        resources.append((path.name, Resource.from_contents(contents, default_specification=_draft())))
    return Registry().with_resources(resources)


def _draft():
    from referencing.jsonschema import DRAFT202012

    return DRAFT202012


def validator(name: str) -> Draft202012Validator:
    """A validator for one HSDS object (`service`, `phone`...), with `$ref`s resolved locally."""
    schema = json.loads((reference_dir() / "schema" / f"{name}.json").read_text())
    return Draft202012Validator(schema, registry=_registry(), format_checker=FormatChecker())


def errors(name: str, document) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(name).iter_errors(document)]


def official_descriptor() -> dict:
    return json.loads((reference_dir() / "datapackage.json").read_text())
