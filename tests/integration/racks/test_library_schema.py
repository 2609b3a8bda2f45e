"""Files inside a checkout of the device-type library are validated against the checkout's own JSON schema first.

The schema here is a small one in the library's shape (a `devicetype.json` whose `$ref`s name other files of the
schema folder by their `$id`), written for the test: the real one changes with the library and is read from the
checkout being imported, never copied into dcops."""

from __future__ import annotations

import json
from pathlib import Path

from dcops.interop import devicetypes, library_schema

DEVICE_TYPE = {
    "$id": "urn:devicetype-library:device-type",
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "manufacturer": {"type": "string"},
        "model": {"type": "string"},
        "slug": {"type": "string", "pattern": "^[-a-z0-9_]+$"},
        "u_height": {"type": "number", "minimum": 0, "multipleOf": 0.5},
        "is_full_depth": {"type": "boolean"},
        "airflow": {"$ref": "urn:devicetype-library:generated-schema#/definitions/airflow"},
        "interfaces": {"type": "array", "items": {"$ref": "urn:devicetype-library:components#/definitions/interface"}},
    },
    "required": ["manufacturer", "model", "slug", "u_height", "is_full_depth"],
    "additionalProperties": False,
}
GENERATED = {
    "$id": "urn:devicetype-library:generated-schema",
    "definitions": {"airflow": {"enum": ["front-to-rear", "rear-to-front", "passive"]}},
}
COMPONENTS = {
    "$id": "urn:devicetype-library:components",
    "definitions": {
        "interface": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "type": {"type": "string"}},
            "required": ["name", "type"],
        }
    },
}
GOOD = """manufacturer: Acme
model: Switch 48
slug: acme-switch-48
u_height: 1
is_full_depth: false
airflow: front-to-rear
interfaces:
  - name: eth0
    type: 1000base-t
"""


def _checkout(tmp_path: Path) -> Path:
    (tmp_path / "schema").mkdir()
    for name, doc in (("devicetype", DEVICE_TYPE), ("generated_schema", GENERATED), ("components", COMPONENTS)):
        (tmp_path / "schema" / f"{name}.json").write_text(json.dumps(doc))
    (tmp_path / "device-types" / "Acme").mkdir(parents=True)
    return tmp_path


def test_a_file_the_library_schema_refuses_is_a_problem_naming_the_field(db, tmp_path):
    root = _checkout(tmp_path)
    (root / "device-types" / "Acme" / "good.yaml").write_text(GOOD)
    (root / "device-types" / "Acme" / "bad.yaml").write_text(
        GOOD.replace("acme-switch-48", "acme-switch-49").replace("front-to-rear", "sideways")
    )
    report = devicetypes.import_library(db, [root / "device-types"], "test")
    assert not report.counts  # all or nothing
    [problem] = report.problems
    assert problem.file.endswith("bad.yaml") and problem.field == "airflow"
    assert "sideways" in problem.message and "library's schema" in problem.message


def test_refs_into_other_schema_files_are_followed(tmp_path):
    root = _checkout(tmp_path)
    schema = library_schema.validator_for([root / "device-types" / "Acme"])
    assert schema is not None
    assert library_schema.schema_problem(schema, {"manufacturer": "A", "model": "B", "slug": "b", "u_height": 1,
                                                  "is_full_depth": True, "interfaces": [{"name": "x"}]}) == (
        "interfaces.0", "'type' is a required property (the library's schema)")  # fmt: skip


def test_files_of_a_checkout_that_pass_its_schema_are_imported(db, tmp_path):
    root = _checkout(tmp_path)
    (root / "device-types" / "Acme" / "good.yaml").write_text(GOOD)
    report = devicetypes.import_library(db, [root / "device-types" / "Acme" / "good.yaml"], "test")
    assert report.ok and report.counts == {"created": 1}


def test_without_a_schema_beside_them_files_get_dcops_checks_only(tmp_path):
    (tmp_path / "one.yaml").write_text(GOOD)
    assert library_schema.validator_for([tmp_path / "one.yaml"]) is None


def test_a_broken_schema_folder_is_not_used_rather_than_failing(tmp_path):
    root = _checkout(tmp_path)
    (root / "schema" / "devicetype.json").write_text("{not json")
    assert library_schema.validator_for([root / "device-types"]) is None
