"""Black run on pieces of a file must write exactly what black writes for the whole file.

`orgen.pieces` cuts a file where black's blank lines do not depend on what came before: before
top-level statements, and before the methods of big classes. These tests pin where it cuts and where
it must not, and compare piece by piece against black on the whole file, for made-up files that
probe black's rules and for real generated files.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest
from orgen import format as formatting
from orgen import pieces as cutting
from orgen.config import load_config
from orgen.pipeline import plan_spec
from orgen.render import render, templates_dir
from orgen.tidy import tidy_imports

from .conftest import ROOT, SEED_SPEC

FULL_SPEC = ROOT / "specs" / "openrouter-full.yaml"


def _in_pieces(source: str, classes: bool = True) -> str:
    """`source` formatted piece by piece, as `format_files` does."""
    pieces = cutting.cut(source, classes)
    assert "".join(piece.text for piece in pieces) == source
    texts = [piece.formatted(formatting._black(piece.source)) for piece in pieces]
    assert None not in texts
    return cutting.join(pieces, [text for text in texts if text is not None])


def _assert_same_as_whole(source: str, classes: bool = True) -> None:
    whole = formatting._black(source)
    assert whole is not None
    assert _in_pieces(source, classes) == whole
    assert formatting._black(whole) == whole  # black-stable: `black --check` passes on it


def _method(name: str, body: str = "return self._client.request(name, options)") -> str:
    # As the templates write them: parameters out of line, the docstring's lines at column 0.
    return (
        f"    def {name}(\nself,\n        *,\n        limit: int|None = None,\n"
        f"        extra_headers: dict[str,str] | None = None,\n    ) -> dict[str, object]:\n"
        f'        """Do {name}.\n\nArgs:\n    limit: at most this many"""\n'
        f"        options = {{'method': 'get', 'path': '/{name}', 'query': {{'limit': limit}}, 'headers': extra_headers, 'name': '{name}'}}\n"
        f"        {body}\n"
    )


def _resource_module() -> str:
    """A module shaped like a generated resource module, unformatted, with the cases black treats apart."""
    methods = "\n\n\n".join(_method(f"call_{index}") for index in range(12))
    return (
        '# header\n"""A resource module."""\n\nfrom __future__ import annotations\n\nimport typing\n'
        "from typing import overload\n\n\nLIMIT = 10\n\n\n\n\n"
        'class Things:\n    """Operations on things."""\n\n'
        f"{methods}\n"
        "    # A comment before a method keeps it with the method before.\n\n"
        "    def commented(self) -> None:\n        pass\n"
        "    def no_blank_line(self) -> None:\n        pass\n\n"
        "    @overload\n    def get(self, key: int) -> int: ...\n\n"
        "    @overload\n    def get(self, key: str) -> str: ...\n"
        "    @overload\n    def get(self, key: bytes) -> bytes: ...\n\n"
        "    def get(self, key: object) -> object:\n"
        "        text = '''a string\nat column 0\n    indented'''\n        return key or text\n\n"
        "    class Inner:\n        x = 1\n\n"
        "    limit = 3\n\n"
        f"{_method('after_an_attribute')}\n\n\n"
        "AsyncThings = Things\n\n\nThing = typing.TypedDict('Thing', {'a': 'int', 'b': 'str'}, total=False)\n"
        "Other = typing.TypedDict('Other', {'c': 'int'})\n\n\n"
        "'''A string statement.'''\n\n\n@staticmethod\ndef helper(x:int)->int:\n    return x\n"
    )


def _starts(source: str, classes: bool = True) -> list[tuple[str, bool]]:
    """Each piece's first line, and whether it is a class's method."""
    return [(piece.text.split("\n", 1)[0], piece.nested) for piece in cutting.cut(source, classes)]


def test_cuts_fall_only_where_black_sets_the_blank_lines_alone() -> None:
    source = _resource_module()
    methods = [(f"    def call_{index}(", True) for index in range(12)]
    assert _starts(source) == [
        ("# header", False),
        ("class Things:", False),  # with its docstring: a class needs a body
        *methods,
        # `commented` follows a comment and `no_blank_line` no blank line: both stay with `call_11`.
        ("    @overload", True),  # a piece starts at the decorators
        ("    @overload", True),
        # The third overload follows a stub with no blank line (black keeps none): it stays.
        ("    def get(self, key: object) -> object:", True),
        ("    class Inner:", True),
        # `limit = 3` is not a definition; the method after it is.
        ("    def after_an_attribute(", True),
        ("AsyncThings = Things", False),  # after a class
        ("Thing = typing.TypedDict('Thing', {'a': 'int', 'b': 'str'}, total=False)", False),  # two blank lines after an assignment
        # `Other` follows no blank line; the string statement would be formatted as a docstring, and
        # black puts one blank line after it before a decorator.
    ]
    # Small classes and models' classes stay whole; the top level is cut the same.
    assert [start for start in _starts(source, classes=False) if not start[1]] == [start for start in _starts(source) if not start[1]]
    small = "x = 1\n\n\nclass Small:\n    def a(self) -> None:\n        pass\n\n    def b(self) -> None:\n        pass\n"
    assert [nested for _, nested in _starts(small)] == [False, False]
    # A class followed by anything in its own piece is not cut: what follows would land in the stand-in class.
    followed = source.replace("\n\nAsyncThings = Things\n\n\n", "\n# trailing\n\nAsyncThings = Things\n\n\n", 1)
    assert not any(nested for _, nested in _starts(followed))
    # After imports black puts one blank line, and after a module docstring one before a decorator.
    assert len(cutting.cut("import os\n\n\nX = 1\n")) == 1
    assert len(cutting.cut('"""Doc."""\n\n\n@dec\ndef f():\n    pass\n')) == 1
    # What black cannot be trusted to format alike in pieces stays whole.
    for whole in (source.replace("LIMIT = 10", "LIMIT = 10  # fmt: skip"), source.replace("\n", "\r\n"), source + "\f\n", "def f(:\n"):
        assert len(cutting.cut(whole)) == 1


def test_pieces_formatted_one_by_one_read_as_black_on_the_whole_file() -> None:
    source = _resource_module()
    _assert_same_as_whole(source)
    _assert_same_as_whole(source, classes=False)
    # Lines near the limit break at a method's own depth, in the stand-in class as in the file.
    long = source.replace("'name': 'call_3'}", "'name': 'call_3', 'x': 1}").replace("limit: int|None = None", "limit: int|None = None" + " " * 30)
    _assert_same_as_whole(long)
    deep = source.replace("return self._client.request(name, options)", "if options:\n            return self._client.request(name, options, " + "x, " * 18 + "y)")
    _assert_same_as_whole(deep)


def test_the_record_gives_back_each_piece_and_an_update_formats_only_the_changed_method() -> None:
    path = PurePosixPath("pkg/resources/things.py")
    source = _resource_module()
    formatted = formatting.format_files({path: source}, "black")
    whole = formatting._black(tidy_imports(source))
    assert formatted.files[path] == whole and whole is not None
    known = formatting.known_pieces(formatted.pieces[path], whole)
    assert len(known) == formatted.total_pieces
    assert formatting.known_pieces(formatted.pieces[path], whole + "\n") == {}
    edited = source.replace("'path': '/call_5'", "'path': '/call_five'")
    again = formatting.format_files({path: edited}, "black", known=known)
    assert again.formatted_pieces == 1 and again.files[path] == formatting._black(tidy_imports(edited))


@pytest.mark.parametrize(
    "later",
    [
        pytest.param("", id="imports-at-the-head-only"),
        pytest.param("\n\ndef load():\n    import json, base64\n    return json\n", id="an-import-in-a-function"),
        pytest.param("\n\nimport json\nimport base64\n\nJSON = json\n", id="an-import-after-a-class"),
    ],
)
def test_imports_are_tidied_as_in_the_whole_file_wherever_they_stand(later: str) -> None:
    path = PurePosixPath("pkg/resources/things.py")
    source = _resource_module().replace("import typing\n", "import typing\nimport zlib\n") + later  # `zlib` unused
    formatted = formatting.format_files({path: source}, "black").files[path]
    assert formatted == formatting._black(tidy_imports(source))
    assert "zlib" not in formatted


def _rendered(spec: Path, names: tuple[str, ...] | None = None) -> dict[PurePosixPath, str]:
    """The Python files (models aside) a spec renders, tidied as `format_files` tidies them:
    what black gets in a real build."""
    config = load_config(spec.parent).with_options(out=spec.parent / "unused")
    _, api, _ = plan_spec(spec, config)
    files = render(api, "", spec.name, templates_dir())
    return {
        path: tidy_imports(text)
        for path, text in files.items()
        if path.suffix == ".py" and path.name != "models.py" and (names is None or path.name in names)
    }


@pytest.mark.parametrize(
    "spec, names",
    [
        pytest.param(SEED_SPEC, None, id="seed"),
        # One of each kind of big file: resource modules (chat: overloads with long signatures),
        # request TypedDicts, tests, the client.
        pytest.param(FULL_SPEC, ("chat.py", "presets.py", "guardrails.py", "params.py", "test_guardrails.py", "_client.py", "__init__.py"), id="openrouter-full"),
    ],
)
def test_real_generated_files_in_pieces_read_as_black_on_the_whole_file(spec: Path, names: tuple[str, ...] | None) -> None:
    if not spec.is_file():
        pytest.skip(f"{spec.name} is not available")
    files = _rendered(spec, names)
    assert files
    cut_classes = 0
    for path, source in files.items():
        cut_classes += any(piece.nested for piece in cutting.cut(source))
        assert _in_pieces(source) == formatting._black(source), path
    assert cut_classes > 0


def _long_signature(name: str, *, prefix: str = "    def", first: str = "self,\n", extra: str = "") -> str:
    """A method with a signature as the templates write it: long, one parameter to a line, each with its comma."""
    parameters = "".join(f"        option_{index}: Literal['a', 'b'] | Mapping[str, int] | None = None,\n" for index in range(12))
    return (
        f"    @overload\n\n{prefix} {name}(\n{first}        *,\n{parameters}{extra}"
        f"        stream: Literal[True],\n        **kwargs: Any,\n    ) -> Stream[{'Chunk' * 30}]:\n"
        f"        '''Call {name}.'''\n        return self._call('{name}', kwargs)\n"
    )


def _signatures_module(extra: str = "") -> str:
    methods = "\n".join(_long_signature(f"call_{index}", extra=extra) for index in range(4))
    async_methods = "\n".join(_long_signature(f"call_{index}", prefix="    async def", extra=extra) for index in range(2))
    odd = (
        _long_signature("commented", extra="        # a comment\n")  # a comment anywhere: left whole
        + "\n" + _long_signature("two_to_a_line", first="self, other: int,\n")  # not one parameter to a line
        + "\n" + _long_signature("multiline_default", extra="        text: str = '''one\ntwo''',\n")
    )
    parameters = "".join(f"    option_{index}: Mapping[str, int] | None = None,\n" for index in range(12))
    top = f"def top(\n    *args: int,\n{parameters}    **kwargs: Any,\n) -> None:\n    pass\n"
    return f"class Things:\n{methods}\n{odd}\n\nclass AsyncThings:\n{async_methods}\n\n{top}"


def test_long_signatures_are_cut_at_their_parameters_and_read_as_black_on_the_whole_file() -> None:
    source = _signatures_module()
    pieces = cutting.cut(source)
    heads = [piece.text.split("\n")[-2] for piece in pieces if piece.kind == "head"]
    # A class's first method stays with the class (its piece needs a body); a comment in a
    # signature, or two parameters to a line, leave it whole.
    assert heads == [*(f"    def call_{index}(" for index in range(1, 4)), "    def multiline_default(", "    async def call_1(", "def top("]
    parameters = [piece for piece in pieces if piece.kind == "parameter"]
    assert parameters[0].text == "self,\n" and parameters[1].text.startswith("        *,\n        option_0")  # the bare `*` goes with the parameter after it
    assert any("'''one\ntwo'''" in piece.text for piece in parameters)
    _assert_same_as_whole(source)
    # The same parameter in every overload, sync or async, is one piece for black.
    assert len({formatting._key(piece) for piece in parameters}) < len(parameters) / 2


def test_an_update_that_adds_a_parameter_formats_only_that_parameter() -> None:
    path = PurePosixPath("pkg/resources/things.py")
    source = _signatures_module()
    formatted = formatting.format_files({path: source}, "black")
    known = formatting.known_pieces(formatted.pieces[path], formatted.files[path])
    assert len(set(formatted.pieces[path].split())) == len(known)
    edited = _signatures_module(extra="        added: int | None = None,\n")
    again = formatting.format_files({path: edited}, "black", known=known)
    assert again.files[path] == formatting._black(tidy_imports(edited))
    # `added` once for every overload that takes it, and each class's own piece, which holds its
    # first method whole.
    assert again.formatted_pieces == 3
