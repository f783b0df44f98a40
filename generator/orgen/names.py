"""Names: the one route by which a spec string becomes a Python identifier, class name or file name.

Once a name is made safe its type says so (`PyName`, `ClassName`); templates only ever receive these.
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata
from collections.abc import Iterable


class PyName(str):
    """A snake_case identifier that is safe as a variable, argument, attribute or module name."""

    __slots__ = ()


class ClassName(str):
    """A PascalCase identifier that is safe as a class name."""

    __slots__ = ()


# Names a generated module imports or pydantic reserves: a schema or field must not shadow them.
_RESERVED_CLASSES = frozenset(
    {
        "Any", "AnyUrl", "AwareDatetime", "BaseModel", "ConfigDict", "Decimal", "Enum", "Field",
        "IntEnum", "Literal", "Mapping", "Optional", "RootModel", "Sequence", "StrEnum", "TypedDict",
        "UUID", "Union", "date", "datetime", "time", "timedelta", "Required", "NotRequired",
    }
)
_TYPE_NAMES = frozenset(
    {"str", "int", "float", "bool", "bytes", "list", "dict", "object", "type", "tuple", "set", "cast", "overload"}
    | {"Any", "Literal", "Mapping", "Sequence", "Required", "TypedDict"}
)
_PASCAL = re.compile(r"^[A-Z][A-Za-z0-9]*$")
# Module names become file and folder names (a module per tag, the package from the title) and must
# stay well within what file systems allow; longer spellings keep their first words.
MAX_MODULE_LENGTH = 64
_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|[0-9]+")


def words(text: str) -> list[str]:
    """Split any spelling (camelCase, kebab-case, "with spaces", ünïcode) into lowercase ASCII words."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return [word.lower() for word in _WORDS.findall(ascii_text)]


def snake(text: str, fallback: str = "value", reserved: frozenset[str] | None = None) -> PyName:
    """A safe snake_case identifier for `text`: never a keyword, a type name, a dunder or a leading digit.

    Other builtins (`id`, `input`, `format`) stay: generated code never calls them, and users expect
    `id=` rather than `id_=`. Type names appear in annotations, so by default they are never shadowed;
    a caller that knows its scope passes its own `reserved` names instead.
    """
    name = "_".join(words(text)) or fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    if keyword.iskeyword(name) or name in (_TYPE_NAMES if reserved is None else reserved):
        name += "_"
    return PyName(name)


def pascal(text: str, fallback: str = "Model") -> ClassName:
    """A safe PascalCase class name for `text`; a name that already is one is kept as the spec spells it."""
    name = name_part(text, fallback)
    if name[0].isdigit():
        name = f"{fallback}{name}"
    if keyword.iskeyword(name) or name in _RESERVED_CLASSES or name in _BUILTINS:
        name += "Model"
    return ClassName(name)


def name_part(text: str, fallback: str) -> str:
    """`text` spelled as part of a PascalCase name (`reasoning_effort` → `ReasoningEffort`): made safe
    only as a whole name is (`pascal`), so a part may be a word a whole name could not (`Field`)."""
    if _PASCAL.match(str(text)):
        return str(text)
    return "".join(word[:1].upper() + word[1:] for word in words(text)) or fallback


def module_name(text: str, fallback: str) -> PyName:
    """A snake_case name for a module or package: `snake`, cut at a word boundary when very long."""
    name = snake(text, fallback)
    if len(name) <= MAX_MODULE_LENGTH:
        return name
    cut = name[:MAX_MODULE_LENGTH]
    return snake(cut[: cut.rindex("_")] if "_" in cut else cut, fallback)


def unique(name: str, taken: set[str]) -> str:
    """`name`, or `name` with the smallest numeric suffix that is not taken; records the result."""
    candidate, counter = name, 2
    while candidate in taken:
        separator = "" if name[:1].isupper() or name.endswith("_") else "_"
        candidate, counter = f"{name}{separator}{counter}", counter + 1
    taken.add(candidate)
    return candidate


def unique_classes(names: Iterable[str], reserved: Iterable[str] = ()) -> dict[str, ClassName]:
    """Stable class names for many spec names: sorted first, so the suffixes never depend on order."""
    taken = set(reserved)
    return {name: ClassName(unique(pascal(name), taken)) for name in sorted(set(names))}


_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))
