"""EarlyStopping's options (compare, min_epochs) and the series' Part 5 rule as configuration."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scratchnn import MSE, EarlyStopping, GradientDescent, History, Linear, Sequential
from scratchnn.training import TrainingContext
from scratchnn.tutorial.part5 import tutorial_early_stopping


def _literal_tutorial_rule(validation_costs):
    """The tutorial's code, written out: stop when more than 3 costs exist and
    v[-1] >= v[-2] >= v[-3] (only end-of-epoch costs count)."""
    v = validation_costs
    return len(v) > 3 and v[-1] >= v[-2] >= v[-3]


def _first_stop(callback, initial, costs):
    """Drive ``callback`` through the costs; the 1-based epoch at which it stops, or None."""
    history = History(validation_loss=[initial])
    net = Sequential([Linear(1, 1)])
    context = TrainingContext(net, MSE(), GradientDescent(0.1), history, len(costs))
    callback.on_train_begin(context)
    for epoch, cost in enumerate(costs, start=1):
        context.epoch = epoch
        history.validation_loss.append(cost)
        if callback.on_epoch_end(context):
            return epoch
    return None


def _literal_first_stop(costs):
    for epoch in range(1, len(costs) + 1):
        if _literal_tutorial_rule(costs[:epoch]):
            return epoch
    return None


@settings(max_examples=300, deadline=None)
@given(
    st.floats(0, 10),
    st.lists(st.sampled_from([1.0, 1.5, 2.0, 2.5, 3.0]) | st.floats(0, 5), max_size=12),
)
def test_part5_configuration_stops_exactly_where_the_tutorial_rule_does(initial, costs):
    assert _first_stop(tutorial_early_stopping(), initial, costs) == _literal_first_stop(costs)


def test_part5_configuration_examples():
    assert _first_stop(tutorial_early_stopping(), 9.0, [3.0, 2.0, 2.0]) is None
    assert _first_stop(tutorial_early_stopping(), 9.0, [3.0, 2.0, 2.0, 2.0]) == 4
    assert _first_stop(tutorial_early_stopping(), 9.0, [3.0, 1.0, 1.5, 2.0]) == 4
    assert _first_stop(tutorial_early_stopping(), 9.0, [3.0, 2.0, 2.5, 2.4, 2.4, 2.5]) == 6


def test_compare_previous_counts_epochs_not_better_than_the_one_before():
    stopper = EarlyStopping(patience=2, compare="previous", restore_best=False)
    # 5 → 4 (better) → 6 (worse) → 5.5 (better than 6, worse than best 4) → 7 → 8
    assert _first_stop(stopper, 5.0, [4.0, 6.0, 5.5, 7.0, 8.0]) == 5
    best = EarlyStopping(patience=2, compare="best", restore_best=False)
    assert _first_stop(best, 5.0, [4.0, 6.0, 5.5, 7.0, 8.0]) == 3
    assert stopper.best_value == best.best_value == 4.0 and stopper.best_epoch == 1


def test_min_epochs_delays_the_stop():
    stopper = EarlyStopping(patience=1, min_epochs=3, restore_best=False)
    assert _first_stop(stopper, 1.0, [2.0, 3.0, 4.0, 5.0]) == 3
    assert stopper.wait == 3 and stopper.stopped_epoch == 3


@pytest.mark.parametrize(
    "kwargs, message",
    [({"compare": "last"}, "compare must be one of"), ({"min_epochs": -1}, "min_epochs")],
)
def test_bad_options_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        EarlyStopping(**kwargs)


def test_nan_initial_value_counts_as_no_reference():
    assert _first_stop(tutorial_early_stopping(), math.nan, [3.0, 2.0, 2.0, 2.0]) == 4
    assert np.isnan(EarlyStopping().best_value)
