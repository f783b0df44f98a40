"""Hostile specs, built in code: payloads that would run if any spec string reached generated code raw.

Each payload, executed, creates a file under the marker folder; the tests look for any such file.
The payloads break out of every quoting context generated code uses: triple-quoted docstrings (both
quote styles), string literals, comments (a carriage return ends a comment line for Python), Jinja
templates, Markdown and TOML.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def payloads(marker: Path) -> list[str]:
    """Strings that run code if pasted into Python source unescaped; each touches its own marker file."""
    touch = [f"open({str(marker / f'pwned{n}')!r}, 'w')" for n in range(10)]
    return [
        f'"""; {touch[0]} #',
        f"'''; {touch[1]} #",
        f'x"; {touch[2]}; y="',
        f"x'; {touch[3]}; y='",
        f"x\r{touch[4]}\r#",  # CR: a line break for Python's tokenizer, invisible to most editors
        f"x\n{touch[5]}\n#",
        f'\\"; {touch[6]} #\\',  # a backslash to un-escape the quote that follows it
        "{{ lipsum.__globals__.os.system('touch " + str(marker / "pwned7") + "') }}{% raw %}{#",
        f"a\u2028{touch[8]}\u2029b\x85c",  # separators that some tools treat as line breaks
        f"nul\x00esc\x1b[31mdel\x7f bidi\u202e{touch[9]}\u202c zero\u200bwidth",
        "]]>--> </script> `code` | cell | ${x} %s {0}",
        "../../../etc/passwd",
        *MARKUP,
    ]


# Markup that would run in a reader's browser if it reached the Markdown docs raw: tags, comment
# ends, script links, and code spans and fences that a renderer pairs differently than they look.
MARKUP = [
    "<script>alert('script')</script>",
    "<img src=x onerror=alert('img')>",
    "--><script>alert('comment')</script><!--",
    "`<script>alert('backticks')</script>``",
    "`open\nclose` <script>alert('pairing')</script>`x`",
    "```\n<script>alert('unclosed fence')</script>",
    "<pre>\n```\n<script>alert('html block')</script>\n```\n</pre>",
    "[link](javascript:alert('link')) ![image](JaVa&#x53;cript:alert('image'))",
    "[ref]: javascript:alert('reference')\n\n[ref]",
]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": "#/components/schemas/" + name.replace("~", "~0").replace("/", "~1")}


def injection(marker: Path) -> dict[str, Any]:
    """Every string slot a spec has, filled with payloads."""
    strings = payloads(marker)
    text = " ".join(strings)
    schemas: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    for index, payload in enumerate(strings):
        schemas[payload] = {
            "type": "object",
            "title": payload,
            "description": payload,
            "required": [payload],
            "properties": {
                payload: {"type": "string", "description": payload, "title": payload, "default": payload, "example": payload},
                "choice": {"type": "string", "enum": strings, "default": payload, "description": payload},
                "pattern": {"type": "string", "pattern": payload, "examples": [payload]},
                "number": {"type": "integer", "default": payload, "maximum": payload},
                "nested": {"type": "object", "default": {payload: payload}, "additionalProperties": {"type": "string"}},
                "constant": {"const": payload},
            },
        }
        paths[f"/items{index}/{{{payload}}}/{payload}"] = {
            "parameters": [{"name": payload, "in": "path", "required": True, "schema": {"type": "string"}, "description": payload}],
            "post": {
                "operationId": payload,
                "summary": payload,
                "description": payload,
                "tags": [payload],
                "parameters": [
                    {"name": payload + "q", "in": "query", "description": payload, "schema": {"type": "string", "enum": strings}},
                    {"name": payload + "h", "in": "header", "description": payload, "schema": {"type": "string", "default": payload}},
                ],
                "requestBody": {"description": payload, "content": {"application/json": {"schema": _ref(payload)}}},
                "responses": {
                    "200": {
                        "description": payload,
                        "content": {"application/json": {"schema": {"type": "object", "properties": {payload: {"type": "string"}}}}},
                    },
                    "4XX": {"description": payload, "content": {"application/json": {"schema": _ref(payload)}}},
                    payload: {"description": payload, "content": {"application/json": {"schema": _ref(payload)}}},
                },
            },
            "put": {  # pages named by the spec: an iterating method whose names and paths are payloads
                "operationId": payload + "list",
                "tags": [payload],
                "parameters": [
                    {"name": payload + "o", "in": "query", "schema": {"type": "integer"}},
                    {"name": "data", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": {"200": {"description": payload, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"data": {"type": "array", "items": _ref(payload)}}}}}}},
                "x-speakeasy-pagination": {
                    "type": "offsetLimit",
                    "inputs": [{"name": payload + "o", "in": "parameters", "type": "offset"}, {"name": "data", "in": "parameters", "type": "limit"}],
                    "outputs": {"results": "$.data" if index % 2 else payload},
                },
            },
            "get": {
                "x-orgen-resource": payload,
                "x-orgen-name": payload,
                "responses": {"200": {"description": payload, "content": {payload: {"schema": {"type": "string"}}}}},
            },
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": text, "version": strings[0], "description": text},
        "servers": [{"url": "https://example.com/" + strings[2] + "{v}", "variables": {"v": {"default": strings[3]}}}],
        "tags": [{"name": payload, "description": payload} for payload in strings],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {strings[0]: {"type": "apiKey", "in": "header", "name": strings[1]}},
        },
    }


# Property names that are keywords, builtins, pydantic's own attributes, digits, punctuation, or
# unicode that Python reads as another name (ﬁ is fi, ℌ is H), several spelling the same identifier.
AWKWARD_NAMES = [
    "class", "def", "import", "None", "True", "self", "async", "match", "_", "", "-", '"', "'",
    "model_config", "model_fields", "model_dump", "model_validate", "schema", "dict", "json", "copy", "validate",
    "construct", "fields", "root", "register", "mro", "__init__", "__class__", "__dict__", "_private",
    "int", "str", "list", "type", "object", "Any", "Field", "BaseModel", "Literal", "Optional", "List",
    "1st", "2", "a-b", "a_b", "a b", "aB", "A B", "ünïcödé", "u\u0308", "名前", "😀", "😁",
    "ﬁ", "fi", "ℌ", "H", "ｆｕｌｌ", "full", "../../etc", "a/b", "a~b", "x" * 300,
]


def names() -> dict[str, Any]:
    """Awkward and colliding names for properties, schemas, enum values, tags, operations and parameters."""
    schemas: dict[str, Any] = {
        "Names": {
            "type": "object",
            "properties": {name: {"type": "string"} for name in AWKWARD_NAMES},
            "required": ["class", "名前", "ﬁ"],
        },
        "Choice": {"type": "string", "enum": [name for name in AWKWARD_NAMES if name != "x" * 300]},
    }
    for name in ["class", "Class", "1Thing", "foo-bar", "foo_bar", "FooBar", "foo bar", "名前", "ﬁ", "fi",
                 "../../etc/passwd", "a/b", "a~b", "BaseModel", "Field", "List", "int", "Any", "RootModel", "models", "Stream"]:
        schemas[name] = {"type": "object", "properties": {"value": {"type": "string"}}}
    tags = ["../../etc", "__init__", "class", "models", "params", "_client", "resources", "名前", "close", "request",
            "with_raw_response", "self", "a 1", "a1", "async foo", "foo", "x" * 300, "con", "NUL"]
    operation_ids = ["list", "class", "self", "get", "__init__", "with_raw_response", "None", "1x", "名前", "a-b",
                     "a_b", "aB", "cast", "type", "model", "with_streaming_response", "close", "aux", "lpt1"]
    paths: dict[str, Any] = {}
    for index, (tag, operation_id) in enumerate(zip(tags, operation_ids)):
        paths[f"/things{index}/{{id}}"] = {
            "post": {
                "tags": [tag],
                "operationId": operation_id,
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                    *({"name": name, "in": "query", "schema": {"type": "string"}} for name in
                      ["self", "timeout", "extra_headers", "options", "class", "名前", "a-b", "a_b", "cast", "type"]),
                ],
                "requestBody": {"content": {"application/json": {"schema": _ref("Names")}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": _ref(list(schemas)[index % len(schemas)])}}}},
            }
        }
    # spec extensions that name the resource and the method directly
    paths["/closing"] = {"delete": {"x-orgen-resource": "close", "x-orgen-name": "with_raw_response", "responses": {"204": {"description": "gone"}}}}
    return {"openapi": "3.1.0", "info": {"title": "Stream", "version": "1"}, "paths": paths, "components": {"schemas": schemas}}


def recursive() -> dict[str, Any]:
    """Models that contain themselves: directly, through a list, a map, a union and another model."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Recursive", "version": "1"},
        "paths": {
            "/nodes": {
                "post": {
                    "operationId": "createNode",
                    "requestBody": {"content": {"application/json": {"schema": _ref("Node")}}},
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": _ref("Node")}}}},
                }
            },
            "/trees": {
                "get": {
                    "operationId": "getTree",
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": _ref("Tree")}}}},
                }
            },
        },
        "components": {
            "schemas": {
                "Node": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "pattern": "^\\p{L}+$"},  # read by pydantic's Rust engine only
                        "children": {"type": "array", "items": _ref("Node")},
                        "parent": {**_ref("Node"), "nullable": True},
                        "by_name": {"type": "object", "additionalProperties": _ref("Node")},
                    },
                },
                "Tree": {"type": "object", "properties": {"root": _ref("Branch")}},
                "Branch": {"type": "object", "properties": {"leaves": {"type": "array", "items": _ref("Leaf")}}},
                "Leaf": {"oneOf": [_ref("Branch"), {"type": "string"}]},
            }
        },
    }


def values() -> dict[str, Any]:
    """Values of the wrong type where a schema keyword expects a number, a pattern, a default, a format."""
    code = "__import__('os').getcwd()"
    return {
        "openapi": "3.1.0",
        "info": {"title": "Values", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "Values": {
                    "type": "object",
                    "properties": {
                        "count": {"type": "integer", "default": f"1) or {code} or (1", "maximum": code, "minimum": "0"},
                        "ratio": {"type": "number", "default": code, "multipleOf": -1, "exclusiveMinimum": "x"},
                        "flag": {"type": "boolean", "default": "yes", "readOnly": "no"},
                        "when": {"type": "string", "format": "date-time", "default": "2020-01-01T00:00:00Z"},
                        "email": {"type": "string", "format": "email", "default": "a@example.com"},
                        "ulid": {"type": "string", "format": "ulid"},
                        "bad_pattern": {"type": "string", "pattern": f"') or {code} or ('"},
                        "ecma_pattern": {"type": "string", "pattern": "^(?<year>[0-9]{4})$"},
                        "lookahead": {"type": "string", "pattern": "^(?!admin).*$"},
                        # Rust-only syntax, beside a look-ahead that gives models Python's engine
                        "letters": {"type": "string", "pattern": "^\\p{L}+$"},
                        "keys": {"type": "object", "patternProperties": {f"^a')], str] = None; {code} #": {"type": "string"}}},
                        "tags": {"type": "array", "items": {"type": "string"}, "default": [code, {"k": code}], "minItems": "one"},
                        "huge": {"type": "integer", "default": 1e400},
                        "control": {"type": "string", "description": "a\rb\x00c\u202ed", "default": "\r\n\x00"},
                        "items": {"type": "array", "items": {"type": "string", "format": "uuid"}, "default": ["00000000-0000-0000-0000-000000000000"]},
                    },
                },
                "Mixed": {"enum": [code, 1, True, None, 1.5, {"k": code}, [code]]},
                "Renamed": {"type": "string", "enum": ["a", "b"], "x-enum-varnames": [f"a = {code}", "a"]},
                "Short": {"type": "string", "enum": ["a", "b", "c"], "x-enumNames": ["only_one"]},
                "Ligature": {"type": "string", "enum": ["ﬁ", "fi", "ℌ", "H"]},
                "Shadowing": {"type": "string", "enum": ["classmethod", "object", "title", "format", "mro"]},
                # the models generator's own extensions: types, imports and base classes from any module,
                # and references it would resolve by reading files or fetching URLs
                "Extensions": {
                    "type": "object",
                    "customBasePath": "this.Zen",
                    "properties": {
                        "a": {"type": "string", "x-python-type": "this.s"},
                        "b": {"type": "string", "customTypePath": "this.s"},
                        "c": {"type": "string", "x-python-import": {"module": "this", "name": "s"}},
                        "d": {"$dynamicRef": "spec.json#/info"},
                        "e": {"$recursiveRef": "http://example.com/x.json"},
                        "f": {"type": "string", "x-is-classvar": True, "default": "f"},
                    },
                },
            }
        },
    }


# `$ref`s that point outside the spec's folder or off the machine: refused before anything is read.
REFUSED_REFS = {
    "parent": ("../../../../etc/passwd", "points outside the spec's folder; refused"),
    "absolute": ("/etc/passwd#/root", "$ref to absolute path '/etc/passwd' refused"),
    "device": ("/dev/zero", "$ref to absolute path '/dev/zero' refused"),
    "file_url": ("file:///etc/passwd", "remote $ref 'file:///etc/passwd' refused"),
    "http": ("http://127.0.0.1:9/x.yaml#/X", "remote $ref 'http://127.0.0.1:9/x.yaml#/X' refused"),
    "network_path": ("//attacker.example/share/x.yaml", "$ref to absolute path '//attacker.example/share/x.yaml' refused"),
    "encoded_parent": ("%2e%2e/%2e%2e/etc/passwd", "points outside the spec's folder; refused"),
    "symlink": ("link/secret.yaml", "points outside the spec's folder; refused"),
}


def with_ref(ref: str) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Refs", "version": "1"},
        "paths": {},
        "components": {"schemas": {"Target": {"$ref": ref}}},
    }
