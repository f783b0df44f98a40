"""Sanitize: schemas that datamodel-code-generator can turn into models that import and type-check.

The models generator quotes every string it writes, but it trusts a schema's values to mean what
their keywords say. A `default` of the wrong type becomes an assignment mypy rejects; a pattern
Python cannot compile, or a format that needs a package the client does not depend on, makes
`models.py` fail at import; control characters in a description end up raw in a docstring; a
property name that Python normalises (NFKC) to another one silently merges two fields. Each schema
is repaired here, in place, by one of the last normalize passes (so `orgen normalize` shows the
result): a list of small repairs (`_REPAIRS`), each named for the quirk it repairs. What the spec
author may want to know about is reported as a warning.
"""

from __future__ import annotations

import functools
import json
import keyword
import math
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .escape import UNSAFE
from .normalize import deref
from .pointer import join
from .problems import Problems
from .shape import SUBSCHEMA, SUBSCHEMA_LISTS, SUBSCHEMA_MAPS

Where = Callable[[str], tuple[str, int | None]]

# Keyword -> (accepts, what it must be). Values of another type are dropped with a warning.
_NUMBER = (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v), "a number")
_COUNT = (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0, "a non-negative integer")
_FLAG = (lambda v: isinstance(v, bool), "true or false")
_KEYWORDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "minimum": _NUMBER, "maximum": _NUMBER,
    "exclusiveMinimum": (lambda v: _FLAG[0](v) or _NUMBER[0](v), "a number or a boolean"),
    "exclusiveMaximum": (lambda v: _FLAG[0](v) or _NUMBER[0](v), "a number or a boolean"),
    "multipleOf": (lambda v: _NUMBER[0](v) and v > 0, "a positive number"),
    "minLength": _COUNT, "maxLength": _COUNT, "minItems": _COUNT, "maxItems": _COUNT,
    "minProperties": _COUNT, "maxProperties": _COUNT,
    "nullable": _FLAG, "readOnly": _FLAG, "writeOnly": _FLAG, "deprecated": _FLAG, "uniqueItems": _FLAG,
    "pattern": (lambda v: isinstance(v, str), "a string"),
    "format": (lambda v: isinstance(v, str), "a string"),
    "x-enum-varnames": (lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v), "a list of strings"),
    "x-enumNames": (lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v), "a list of strings"),
}
# Formats the models generator maps to types from packages the generated client does not depend on
# (email-validator, python-ulid): such a value is typed as a plain string instead.
_EXTRA_PACKAGE_FORMATS = frozenset({"email", "idn-email", "ulid"})
# Formats it maps to a Python type other than the JSON one (datetime, UUID, AnyUrl, bytes, ...): a
# default written for them would be the JSON text where the annotation says another type.
_TYPED_FORMATS = {
    "string": frozenset({
        "date", "date-time", "timestamp with time zone", "date-time-local", "duration", "time", "time-local",
        "path", "uuid", "uuid1", "uuid2", "uuid3", "uuid4", "uuid5", "uri", "ipv4", "ipv4-network", "ipv6",
        "ipv6-network", "decimal", "integer", "unixtime", "binary", "password",
    }) | _EXTRA_PACKAGE_FORMATS,
    "integer": frozenset({"date-time"}),
    "number": frozenset({"decimal", "date-time", "time", "time-delta"}),
}
_ECMA_NAMED_GROUP = re.compile(r"\(\?<(?=[A-Za-z_]\w*>)")
# Names an enum member must not take: the methods of the value types a generated enum subclasses
# (`StrEnum.title`, `IntEnum.real`), and the names its open-enum hook (templates/models/Enum.jinja2)
# reads in the class body, where members live: `@classmethod` and the `object` annotations.
_ENUM_RESERVED = frozenset(
    {"classmethod", "object"} | {name for kind in (str, int, float) for name in dir(kind) if not name.startswith("_")}
)
# Keywords the models generator reads besides JSON Schema's: these three only name and describe
# enum members. Any other extension it knows shapes code: `x-python-type`, `x-python-import`,
# `customTypePath` and `customBasePath` put a type or base class from any module into models.py
# (importing a module runs it), `x-is-classvar` and friends change what a field is. Keywords that
# identify or reach other documents (`$id`, `$dynamicRef`, `$recursiveRef`, ...) would have it
# read files or fetch URLs. Only `$ref` (already checked) and `$defs` stay.
_KEPT_EXTENSIONS = frozenset({"x-enum-varnames", "x-enumNames", "x-enum-descriptions"})
_DROPPED = frozenset({"customTypePath", "customBasePath"})


def _kept(key: str) -> bool:
    if key.startswith("x-"):
        return key in _KEPT_EXTENSIONS
    if key.startswith("$"):
        return key in ("$ref", "$defs")
    return key not in _DROPPED


_DATA_KEYWORDS = frozenset({"default", "example", "examples", "enum", "const"})
_JSON_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


def sanitize_schemas(document: dict[str, Any], problems: Problems, where: Where) -> None:
    """Repair every schema of `document` in place; warnings go to `problems`."""
    found = Problems()
    python_engine = functools.cache(lambda: _any_python_engine(document))
    for pointer, node in schemas(document):
        schema = _Schema(node, pointer, document, found, where, python_engine)
        for repair in _REPAIRS:
            repair(schema)
    for problem in sorted(found.items, key=lambda p: (p.file, p.line or 0, p.pointer or "")):
        problems.warn(problem.file, problem.line, problem.pointer or "", problem.message)


def schemas(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object of an OpenAPI document, each once, with its pointer.

    Schemas are found where OpenAPI puts them (`components/schemas`, any `schema` field) and by
    following the subschema keywords and the `$ref`s of schemas; example data is never entered.
    """
    stack: list[tuple[Any, str, bool]] = [(document, "", False)]
    seen: set[int] = set()
    while stack:
        node, pointer, is_schema = stack.pop()
        if isinstance(node, list):
            stack.extend((item, f"{pointer}/{index}", is_schema) for index, item in enumerate(node))
            continue
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        if not is_schema:
            for key, value in node.items():
                if key in _DATA_KEYWORDS:
                    continue
                child = join(pointer, key)
                if child == "/components/schemas" and isinstance(value, dict):
                    stack.extend((item, join(child, name), True) for name, item in value.items())
                else:
                    stack.append((value, child, key == "schema"))
            continue
        yield pointer, node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            stack.append((deref(document, node), ref[1:], True))
        for key in SUBSCHEMA:
            if key in node:
                stack.append((node[key], join(pointer, key), True))
        for key in SUBSCHEMA_LISTS:
            if isinstance(node.get(key), list):
                stack.append((node[key], join(pointer, key), True))
        for key in SUBSCHEMA_MAPS:
            if isinstance(node.get(key), dict):
                stack.extend((item, join(pointer, key, name), True) for name, item in node[key].items())


@dataclass
class _Schema:
    """One schema object under repair, and what its repairs consult."""

    node: dict[str, Any]
    pointer: str
    document: dict[str, Any]
    problems: Problems
    where: Where
    python_engine: Callable[[], bool]  # whether any model may check its patterns with Python's engine

    def drop(self, key: str, reason: str) -> None:
        """Remove `key`, with a warning saying why."""
        del self.node[key]
        pointer = join(self.pointer, key)
        file, line = self.where(pointer)
        self.problems.warn(file, line, pointer, f"{reason}; ignored")


def _unread_keywords(schema: _Schema) -> None:
    """`x-python-type: os.system`, `customBasePath`, `$id`: keywords the models library must not read (see `_KEPT_EXTENSIONS`)."""
    for key in [key for key in schema.node if not _kept(key)]:
        del schema.node[key]


def _keyword_types(schema: _Schema) -> None:
    """`minimum: "5"`, `nullable: "yes"`: a keyword of the wrong type is dropped, with a warning."""
    for key, (accepts, expected) in _KEYWORDS.items():
        if key in schema.node and not accepts(schema.node[key]):
            schema.drop(key, f"'{key}' must be {expected}")


def _lone_discriminator(schema: _Schema) -> None:
    """A `discriminator` beside no `oneOf`/`anyOf` (on a base schema its subtypes extend with allOf).

    It selects nothing the models could use, and the models library turns it into a literal tag
    on the base class that every subclass then contradicts.
    """
    if "discriminator" in schema.node and not any(isinstance(schema.node.get(k), list) for k in ("oneOf", "anyOf")):
        del schema.node["discriminator"]


def _nullable_false(schema: _Schema) -> None:
    """`nullable: false`: the default, but the models library reads it as "never None" even for an
    optional field, which it still defaults to None: `x: Kind = None`, a type error."""
    if schema.node.get("nullable") is False:
        del schema.node["nullable"]


def _prose(schema: _Schema) -> None:
    """A `title`, `description` or enum member description with control characters, or not text."""
    node = schema.node
    for key in ("title", "description"):
        if key in node:
            node[key] = clean_text(node[key]) if isinstance(node[key], (str, int, float, bool)) else ""
    if isinstance(node.get("x-enum-descriptions"), list):  # written as the members' docstrings
        node["x-enum-descriptions"] = [clean_text(text) for text in node["x-enum-descriptions"]]


def _pattern(schema: _Schema) -> None:
    """`pattern: (?<year>\\d{4})`: ECMAScript spells a named group `(?<name>...)`, Python (and pydantic's
    Rust engine) `(?P<name>...)`; a pattern a generated model could not check is dropped."""
    if not isinstance(schema.node.get("pattern"), str):
        return
    pattern = _ECMA_NAMED_GROUP.sub("(?P<", schema.node["pattern"])
    error = pattern_error(pattern, schema.python_engine())
    if error is not None:
        schema.drop("pattern", f"pattern {_show(schema.node['pattern'])} is not a regular expression Python can check ({error})")
    else:
        schema.node["pattern"] = pattern


def _pattern_properties(schema: _Schema) -> None:
    """`patternProperties` → `additionalProperties`: the names' patterns are not checked by a client."""
    if not isinstance(schema.node.get("patternProperties"), dict):
        return
    values = [v for v in schema.node.pop("patternProperties").values() if isinstance(v, (dict, bool))]
    if values and "additionalProperties" not in schema.node:
        schema.node["additionalProperties"] = values[0] if len(values) == 1 else {"anyOf": values}


def _property_names(schema: _Schema) -> None:
    """`propertyNames: {maxLength: 64}` (or a `pattern`, a `format`, a `$ref` to a constrained string).

    The models library types such a map's keys as the constrained string, `dict[constr(max_length=64), str]`,
    and a call is not a type annotation: mypy rejects the whole module. Like the names' patterns of
    `patternProperties`, the constraint is the server's to check; the keys stay `str`. Names limited
    to a set of values (`enum`, `const`) are kept: they make `dict[Literal["a", "b"], int]`.
    """
    if "propertyNames" in schema.node and not _literal_keys(schema.node["propertyNames"], schema.document):
        del schema.node["propertyNames"]


def _extra_package_format(schema: _Schema) -> None:
    """`format: email`: typed with a package the client does not depend on; the value stays a string."""
    if schema.node.get("format") in _EXTRA_PACKAGE_FORMATS:
        del schema.node["format"]


def _default(schema: _Schema) -> None:
    """`default: "ten"` on an integer: a default of the wrong type becomes an assignment mypy rejects.

    A valid default written as JSON text where the annotation is `datetime`, `UUID`, ... goes too.
    """
    if "default" not in schema.node:
        return
    value = schema.node["default"]
    if not fits(value, schema.node, schema.document):
        schema.drop("default", f"default {_show(value)} does not match the schema")
    elif value is not None and _typed(schema.node, schema.document):
        del schema.node["default"]


def _enum_names(schema: _Schema) -> None:
    """Member names the models generator would spell in characters Python reads as other ones
    (`ﬁ`), or that hide what the enum class needs (`title`); and member names not one per value."""
    node = schema.node
    values = node.get("enum")
    if not isinstance(values, list):
        return
    for key in ("x-enum-varnames", "x-enumNames"):
        names = node.get(key)
        if isinstance(names, list) and len(names) != len(values):
            schema.drop(key, f"'{key}' must name each of the {len(values)} enum values")
    named = [str(name) for name in node.get("x-enum-varnames") or node.get("x-enumNames") or values]
    renamed = named if all(stable_identifier(name) for name in named) else [ascii_identifier(name) for name in named]
    renamed = [name + "_" if _shadows(name) else name for name in renamed]
    if renamed == named:
        return
    node["x-enum-varnames"] = renamed
    node.pop("x-enumNames", None)


# The repairs, in the order they run on each schema.
_REPAIRS: tuple[Callable[[_Schema], None], ...] = (
    _unread_keywords, _keyword_types, _lone_discriminator, _nullable_false, _prose, _pattern,
    _pattern_properties, _property_names, _extra_package_format, _default, _enum_names,
)


# Keywords beside `enum`/`const` in a `propertyNames` schema that leave its keys a plain literal type.
_LITERAL_KEY_KEYWORDS = frozenset({"enum", "const", "type", "title", "description", "$comment", "example", "examples"})


def _literal_keys(names: Any, document: dict[str, Any]) -> bool:
    """Whether a `propertyNames` schema only lists the allowed names: its keys type as a `Literal`."""
    names = deref(document, names)
    if not isinstance(names, dict) or not ("enum" in names or "const" in names) or names.get("type", "string") != "string":
        return False
    return set(names) <= _LITERAL_KEY_KEYWORDS


def _any_python_engine(document: dict[str, Any]) -> bool:
    """Whether any pattern of `document` makes its model use Python's engine (asked only when it matters)."""
    return any(
        isinstance(schema.get("pattern"), str) and uses_python_engine(_ECMA_NAMED_GROUP.sub("(?P<", schema["pattern"]))
        for _, schema in schemas(document)
    )


def _shadows(name: str) -> bool:
    """Whether an enum member spelled from `name` would hide something its class needs."""
    return name in _ENUM_RESERVED or re.sub(r"\W", "_", name) in _ENUM_RESERVED


def fits(value: Any, schema: Any, document: dict[str, Any], depth: int = 0) -> bool:
    """Whether `value` is an instance of `schema`, as far as the generated annotation can tell."""
    if depth > 64:
        return True
    schema = deref(document, schema)
    if not isinstance(schema, dict):
        return schema is not False
    if isinstance(schema.get("enum"), list) and _canonical(value) not in {_canonical(v) for v in schema["enum"]}:
        return value is None and bool(schema.get("nullable"))
    if "const" in schema and _canonical(value) != _canonical(schema["const"]):
        return False
    if value is None:
        return bool(schema.get("nullable")) or _allows_null(schema)
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
    if kinds and not any(_JSON_TYPES.get(kind, lambda _: True)(value) for kind in kinds):
        return False
    if isinstance(value, float) and not math.isfinite(value) and "number" not in kinds:
        return False
    if isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, (dict, bool)) and not all(fits(item, items, document, depth + 1) for item in value):
            return False
    if isinstance(value, dict) and not _fits_object(value, schema, document, depth):
        return False
    for part in schema.get("allOf") or []:
        if not fits(value, part, document, depth + 1):
            return False
    for key in ("oneOf", "anyOf"):
        variants = schema.get(key)
        if isinstance(variants, list) and variants and not any(fits(value, v, document, depth + 1) for v in variants):
            return False
    return True


def _fits_object(value: dict[str, Any], schema: dict[str, Any], document: dict[str, Any], depth: int) -> bool:
    properties: dict[str, Any] = schema["properties"] if isinstance(schema.get("properties"), dict) else {}
    required: list[Any] = schema["required"] if isinstance(schema.get("required"), list) else []
    if any(name not in value for name in required if isinstance(name, str)):
        return False
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        if key in properties:
            if not fits(item, properties[key], document, depth + 1):
                return False
        elif extra is False or isinstance(extra, dict) and not fits(item, extra, document, depth + 1):
            return False
    return True


def _typed(schema: Any, document: dict[str, Any], depth: int = 0) -> bool:
    """Whether a value of `schema`, or an item or entry of it, is annotated with a non-JSON type."""
    schema = deref(document, schema)
    if not isinstance(schema, dict) or depth > 16:
        return False
    kinds = schema.get("type")
    for kind in [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []:
        if schema.get("format") in _TYPED_FORMATS.get(kind, ()):
            return True
    parts = [schema.get("items")] + [v for key in ("oneOf", "anyOf", "allOf") for v in (schema.get(key) or [])]
    if not schema.get("properties"):
        parts.append(schema.get("additionalProperties"))
    return any(_typed(part, document, depth + 1) for part in parts if isinstance(part, dict))


def _allows_null(schema: dict[str, Any]) -> bool:
    kinds = schema.get("type")
    if kinds == "null" or isinstance(kinds, list) and "null" in kinds:
        return True
    return not kinds and not any(key in schema for key in ("$ref", "enum", "const", "allOf", "oneOf", "anyOf", "properties", "items"))


def pattern_error(pattern: str, python_engine: bool = True) -> str | None:
    """Why a generated model could not check `pattern`, or None when it can.

    Python's engine is the one the models fall back to for syntax the default (Rust) engine lacks,
    so a pattern it reads runs under whichever engine a model ends up with. A pattern only the Rust
    engine reads (`\\p{L}`) runs as long as no model uses Python's engine: `python_engine` says
    whether any might.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        if not python_engine and _rust_refusal(pattern) is None:
            return None
        return str(exc)
    return _rust_error(pattern)


@functools.lru_cache(maxsize=4096)
def _rust_refusal(pattern: str) -> str | None:
    """Why pydantic-core's (Rust) engine refuses `pattern`, or None when it compiles it."""
    try:
        from pydantic_core import SchemaError, SchemaValidator, core_schema
    except ImportError:  # pragma: no cover - pydantic comes with datamodel-code-generator
        return None
    try:
        SchemaValidator(core_schema.str_schema(pattern=pattern))
    except SchemaError as exc:
        return str(exc).strip().splitlines()[-1].strip()
    return None


def _needs_python_engine(refusal: str) -> bool:
    """Look-around and backreferences: the models generator gives a model with these Python's engine."""
    return "look-around" in refusal or "backreference" in refusal


def _rust_error(pattern: str) -> str | None:
    """Why pydantic-core's Rust engine refuses a pattern that Python reads, unless the models use
    Python's engine for it (look-around and backreferences, which the models generator detects).

    A bounded repeat of a Unicode class (`[\\w.-]{1,255}`) compiles past that engine's size limit, and
    it rejects escapes of lone surrogates (`\\uD800`); a model holding either fails at import.
    """
    refusal = _rust_refusal(pattern)
    if refusal is not None and not _needs_python_engine(refusal):
        return f"pydantic's engine refuses it: {re.sub(r'^(error|SchemaError): ', '', refusal)}"
    return None


def uses_python_engine(pattern: str) -> bool:
    """Whether a model holding `pattern` is generated to check it with Python's engine."""
    refusal = _rust_refusal(pattern)
    return refusal is not None and _needs_python_engine(refusal) and pattern_error(pattern) is None


def clean_text(text: Any) -> str:
    """Prose with one kind of line break and no invisible or control characters."""
    body = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    return UNSAFE.sub(lambda m: "\n" if m.group() == "\x85" else f"\\u{ord(m.group()):04x}", body)


def stable_identifier(name: str) -> bool:
    """Whether Python reads an identifier spelled from `name` as the same name (identifiers are NFKC-normalised)."""
    return unicodedata.normalize("NFKC", name) == name


def ascii_identifier(name: str) -> str:
    """An ASCII identifier for `name`, distinct for distinct names: `ﬁ` → `field_ufb01_`."""
    spelled = "".join(c if c.isascii() and (c.isalnum() or c == "_") else f"_u{ord(c):x}_" for c in name)
    if not spelled or spelled[0].isdigit():
        spelled = "field_" + spelled
    elif spelled[0] == "_":  # a leading underscore makes a private attribute in pydantic
        spelled = "field" + spelled
    return spelled + "_" if keyword.iskeyword(spelled) else spelled


def field_aliases(model_document: dict[str, Any]) -> dict[str, str]:
    """Field names for the property names Python would read as other names (for the models generator)."""
    found: dict[str, str] = {}
    for _, schema in schemas(model_document):
        properties = schema.get("properties")
        if isinstance(properties, dict):
            for name in properties:
                if not stable_identifier(str(name)):
                    found[str(name)] = ascii_identifier(str(name))
                elif name == "Field":
                    # A field named `Field` hides pydantic's in its class; the models generator then
                    # imports that under another name but root models still call it `Field`.
                    found[name] = "Field_"
    return found


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _show(value: Any) -> str:
    """A value quoted for a one-line message, shortened."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    text = " ".join(clean_text(text).split())
    text = text if len(text) <= 60 else text[:57] + "..."
    return repr(text) if isinstance(value, str) else text
