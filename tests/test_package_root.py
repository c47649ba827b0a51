"""The package root: every public name resolves to what it names, loaded on first use."""

import importlib
import pkgutil
import types

import scratchnn

MODULES = {"datasets", "initializers"}


def test_every_public_name_is_what_it_names_after_every_module_is_imported():
    # importing a submodule sets an attribute of the package: none may shadow a public name
    for info in pkgutil.walk_packages(scratchnn.__path__, "scratchnn."):
        if info.name.split(".")[1] not in {"__main__", "scaling"}:  # scaling: optional extras
            importlib.import_module(info.name)
    for name in scratchnn.__all__:
        value = getattr(scratchnn, name)
        assert isinstance(value, types.ModuleType) == (name in MODULES), name
    assert scratchnn.chain.__module__ == "scratchnn.composition"
    assert set(scratchnn.__all__) <= set(dir(scratchnn))


def test_an_unknown_name_is_an_attribute_error():
    try:
        scratchnn.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("no AttributeError")
