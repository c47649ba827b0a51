"""Every part's options come from its tutorial ``run``'s signature, defaults included."""

import argparse
import importlib
import inspect

import pytest

from scratchnn.cli import build_parser, main
from scratchnn.cli._common import Parser, non_negative_int, positive_float
from scratchnn.cli._options import (
    Option,
    add_options,
    add_part_parser,
    derive_options,
    option_values,
)
from scratchnn.cli._registry import PARTS
from scratchnn.tutorial import part1, part5

OUTPUT_DESTS = {"help", "out", "format", "dpi", "json", "show"}


def _subparser(name):
    parser, _ = build_parser()
    (subparsers,) = [a for a in parser._actions if a.dest == "command"]
    return subparsers.choices[name]


def _signature_defaults(name):
    tutorial = importlib.import_module(f"scratchnn.tutorial.{name}")
    return {
        p.name: p.default
        for p in inspect.signature(tutorial.run).parameters.values()
        if p.default is not inspect.Parameter.empty
    }


def _help_text(name):
    return " ".join(_subparser(name).format_help().split())  # argparse's wrapping undone


@pytest.mark.parametrize("name", list(PARTS))
def test_option_defaults_are_the_signature_defaults(name):
    defaults = _signature_defaults(name)
    options = PARTS[name].OPTIONS
    parsed = vars(_subparser(name).parse_args([]))
    assert {o.param: o.default for o in options} == {o.param: defaults[o.param] for o in options}
    assert option_values(options, argparse.Namespace(**parsed)) == {
        o.param: defaults[o.param] for o in options
    }


@pytest.mark.parametrize("name", list(PARTS))
def test_every_option_of_a_part_comes_from_its_table(name):
    parser = _subparser(name)
    dests = {a.dest for a in parser._actions} - OUTPUT_DESTS
    assert dests == {o.dest for o in PARTS[name].OPTIONS}


@pytest.mark.parametrize("name", list(PARTS))
def test_every_default_is_accepted_by_its_option_type(name):
    for option in PARTS[name].OPTIONS:
        if option.type is not None:
            assert option.type(str(option.default)) == option.default, option.param


@pytest.mark.parametrize("name", list(PARTS))
def test_help_lists_each_derived_default(name):
    text = _help_text(name)
    for option in PARTS[name].OPTIONS:
        assert option.option_string in text
        if option.type is not None:
            shown = option.help_text() % {"default": option.default}
            assert "default" in shown and shown in text, option.param


@pytest.mark.parametrize(
    "name, fragment",
    [
        ("part1", "--seed SEED default: 13"),
        ("part2", "step size on the summed gradient (default: 0.05)"),
        ("part3", "default: 2.0"),
        ("part3", "0 to 100000 (default: 20, the tutorial's code; its text says 50)"),
        ("softmax", "points per axis, 2 to 1001 (default: 33)"),
        ("softmax", "--limit LIMIT grid over [-LIMIT, LIMIT]^2, at most 100 (default: 10)"),
        ("part4", "--momentum MOMENTUM in [0, 1) (default: 0.9)"),
        (
            "part5",
            "--epochs EPOCHS maximum number of epochs, 1 to 10000 (and at most 1000000 "
            "mini-batch updates in all); early stopping may end training sooner (default: 300)",
        ),
        (
            "part5",
            "--shuffle re-draw the mini-batches every epoch (the tutorial's batches are "
            "fixed) --patience",
        ),
    ],
)
def test_help_text_is_as_before_the_derivation(name, fragment):
    assert fragment in _help_text(name)


def test_a_changed_signature_default_changes_the_option_and_its_help():
    def run(seed: int = 13, learning_rate: float = 0.9, iterations: int = 4):
        return seed, learning_rate, iterations

    def changed(seed: int = 7, learning_rate: float = 0.25, iterations: int = 4):
        return seed, learning_rate, iterations

    table = (Option("seed", non_negative_int), Option("learning_rate", positive_float))
    for function, seed, rate in [(run, 13, 0.9), (changed, 7, 0.25)]:
        options = derive_options(function, *table)
        holder = Parser(prog="scratchnn").add_subparsers()
        parser = add_part_parser(holder, "demo", "a demo", options)
        assert option_values(options, parser.parse_args([])) == {
            "seed": seed,
            "learning_rate": rate,
        }
        text = " ".join(parser.format_help().split())
        assert f"--seed SEED default: {seed}" in text
        assert f"--learning-rate LEARNING_RATE default: {rate}" in text


def test_the_cli_passes_every_option_to_run_under_its_parameter_name(monkeypatch, capsys):
    calls = []
    original = part5.run

    def recording(**kwargs):
        calls.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(part5, "run", recording)
    argv = ["part5", "--epochs", "1", "--shuffle", "--seed", "2", "--batch-size", "50"]
    assert main([*argv, "--json"]) == 0
    assert calls == [
        {
            "seed": 2,
            "learning_rate": 0.1,
            "batch_size": 50,
            "max_epochs": 1,
            "shuffle": True,
            "patience": 2,
            "early_stopping": True,
        }
    ]
    assert capsys.readouterr().out.startswith("{")


def test_part1_calls_run_with_its_signature_defaults(monkeypatch, capsys):
    calls = []
    original, defaults = part1.run, _signature_defaults("part1")
    monkeypatch.setattr(part1, "run", lambda **kw: calls.append(kw) or original(**kw))
    assert main(["part1"]) == 0
    assert calls == [{k: defaults[k] for k in ("seed", "learning_rate", "iterations")}]
    assert capsys.readouterr().out.startswith("w(0): 0.1380")


def _fn(seed: int = 1, flag: bool = False, on: bool = True, required=None, *, k: int = 2):
    return seed, flag, on, required, k


@pytest.mark.parametrize(
    "option, message",
    [
        (Option("missing", non_negative_int), "no keyword parameter 'missing'"),
        (Option("seed", non_negative_int, default=3), "the default comes from"),
        (Option("seed"), "needs a type"),
        (Option("on", help="switch"), "needs a type"),
    ],
)
def test_mistakes_in_a_table_are_type_errors(option, message):
    with pytest.raises(TypeError, match=message):
        derive_options(_fn, option)


def test_parameters_without_default_or_positional_only_are_refused():
    def f(a, /, b=1, *args, c, **kwargs):
        return a, b, args, c, kwargs

    for name in ("a", "args", "c", "kwargs"):
        with pytest.raises(TypeError, match="no keyword parameter"):
            derive_options(f, Option(name, non_negative_int))
    assert derive_options(f, Option("b", non_negative_int))[0].default == 1


def test_keyword_only_parameters_and_flags_are_derived():
    options = derive_options(_fn, Option("k", non_negative_int), Option("flag", help="a flag"))
    parser = Parser(prog="demo")
    add_options(parser, options)
    assert option_values(options, parser.parse_args([])) == {"k": 2, "flag": False}
    assert option_values(options, parser.parse_args(["--k", "5", "--flag"])) == {
        "k": 5,
        "flag": True,
    }


def test_an_underived_option_cannot_be_added():
    with pytest.raises(TypeError, match="not derived"):
        add_options(Parser(prog="demo"), (Option("seed", non_negative_int),))
