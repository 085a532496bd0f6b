"""Reading HSDS input: a tabular data package (folder or zip) or HSDS JSON, into rows of raw values.

Nothing here checks values; `hsds_import` does. What is read keeps where it came from (file, row,
or JSON path) so every problem can name its place.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from portal.directory.hsds_spec import (
    NESTED_LISTS, NESTED_OBJECTS, OBJECTS, WITHOUT_ATTRIBUTES, WITHOUT_METADATA, fields, parent_column,
)

# A zip is opened only if it unpacks to less than this: a small zip can unpack to gigabytes.
MAX_UNPACKED_BYTES = 1 << 30
csv.field_size_limit(1 << 24)


@dataclass(frozen=True)
class Problem:
    place: str
    field: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.place}, {self.field}: {self.message}" if self.field else f"{self.place}: {self.message}"


@dataclass
class RawRow:
    object: str
    values: dict
    place: str


@dataclass
class RawPackage:
    rows: dict[str, list[RawRow]] = field(default_factory=lambda: {name: [] for name in OBJECTS})
    problems: list[Problem] = field(default_factory=list)

    def add(self, name: str, values: dict, place: str) -> None:
        self.rows[name].append(RawRow(name, values, place))

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


def read(path: Path) -> RawPackage:
    """Whatever is at `path`: a package folder, a zip of one, or a JSON file."""
    if path.is_dir():
        return read_tabular(lambda name: _read_text(path / name))
    if zipfile.is_zipfile(path):
        return _read_zip(path)
    if path.suffix.lower() in {".json", ".ndjson"} and path.is_file():
        return read_json_text(path.read_bytes(), path.name)
    package = RawPackage()
    package.problems.append(Problem(str(path), None, "is not a data package folder, a zip of one, or a JSON file"))
    return package


def _read_text(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _read_zip(path: Path) -> RawPackage:
    with zipfile.ZipFile(path) as archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if sum(info.file_size for info in members) > MAX_UNPACKED_BYTES:
            package = RawPackage()
            package.problems.append(Problem(path.name, None, "unpacks to more than 1 GB; split it"))
            return package
        # The package may sit at the top of the zip or in one folder inside it.
        by_name = {}
        for info in members:
            by_name.setdefault(info.filename.rsplit("/", 1)[-1], info)
        return read_tabular(lambda name: archive.read(by_name[name]) if name in by_name else None)


def read_tabular(open_file: Callable[[str], bytes | None]) -> RawPackage:
    package = RawPackage()
    found = 0
    for name, (_, filename) in OBJECTS.items():
        data = open_file(filename)
        if data is None:
            continue
        found += 1
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            package.problems.append(Problem(filename, None, "is not UTF-8 text"))
            continue
        _read_csv(package, name, filename, text)
    if not found:
        package.problems.append(Problem("package", None, "has none of the HSDS files (organizations.csv, services.csv, ...)"))
    return package


def _read_csv(package: RawPackage, name: str, filename: str, text: str) -> None:
    known = {f.name for f in fields(name)}
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames or []
        if "id" not in header:
            package.problems.append(Problem(filename, None, "has no id column"))
            return
        unknown = [column for column in header if column not in known]
        if unknown:
            package.problems.append(Problem(filename, None, f"has columns HSDS does not define: {', '.join(unknown)}"))
        for values in reader:
            if None in values:
                package.problems.append(Problem(f"{filename} row {reader.line_num}", None, "has more cells than the header"))
                continue
            package.add(name, {k: v for k, v in values.items() if k in known}, f"{filename} row {reader.line_num}")
    except csv.Error as error:
        package.problems.append(Problem(f"{filename} row {reader.line_num}", None, f"is not valid CSV ({error})"))


def read_json_text(data: bytes, source: str) -> RawPackage:
    """HSDS JSON: one service, a list of services, or an API page of them (`contents`)."""
    package = RawPackage()
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        try:  # newline-delimited: one service per line, as the API's format=ndjson gives
            document = [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            package.problems.append(Problem(source, None, f"is not JSON ({error})"))
            return package
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        document = document["contents"]
    items = document if isinstance(document, list) else [document]
    for index, item in enumerate(items):
        place = f"{source} [{index}]" if isinstance(document, list) else source
        _flatten(package, "service", item, place, None)
    return package


def _flatten(package: RawPackage, name: str, item, place: str, parent: tuple[str, str] | None) -> None:
    if not isinstance(item, dict):
        package.problems.append(Problem(place, None, f"must be an object describing a {name}"))
        return
    values = {f.name: item.get(f.name) for f in fields(name) if f.name in item}
    own_id = item.get("id")
    if parent is not None:
        parent_name, parent_id = parent
        column = parent_column(parent_name, name)
        values.setdefault(column, parent_id)
        if name == "attribute":
            values.setdefault("link_entity", parent_name)
        if name == "metadata":
            values.setdefault("resource_type", parent_name)
    for prop, child, column in NESTED_OBJECTS.get(name, ()):
        nested = item.get(prop)
        if nested is None:
            continue
        if isinstance(nested, dict) and values.get("organization_id") and "organization_id" not in nested:
            # A program nested in a service belongs to the service's organisation.
            nested = {**nested, "organization_id": values["organization_id"]} if child == "program" else nested
        _flatten(package, child, nested, f"{place}.{prop}", None)
        if isinstance(nested, dict):
            values.setdefault(column, nested.get("id"))
    package.add(name, values, place)
    for prop, child in _lists(name):
        nested = item.get(prop)
        if nested is None:
            continue
        if not isinstance(nested, list):
            package.problems.append(Problem(place, prop, "must be a list"))
            continue
        for index, element in enumerate(nested):
            _flatten(package, child, element, f"{place}.{prop}[{index}]", (name, own_id))


def _lists(name: str) -> Iterator[tuple[str, str]]:
    yield from NESTED_LISTS.get(name, ())
    if name not in WITHOUT_ATTRIBUTES:
        yield "attributes", "attribute"
    if name not in WITHOUT_METADATA:
        yield "metadata", "metadata"
