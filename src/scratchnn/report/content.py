"""What the report says about each part: a short summary, the caption and alt text of every
figure, and the key numbers shown beside the printed output.

The texts describe the part, not one run: they hold at any setting. Key numbers name a value
of the part's ``to_dict()`` by its path (keys and list indices), so the page can show the
value and embed it at full precision.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SUMMARIES", "CAPTIONS", "KEY_NUMBERS", "KeyNumberSpec", "caption"]


@dataclass(frozen=True)
class KeyNumberSpec:
    """One number (or matrix) of a part's ``to_dict()`` worth showing on its own.

    Attributes
    ----------
    label : str
        What the number is, in words.
    path : tuple of str or int
        Where it is in ``to_dict()``: ``("w", -1)`` is ``result.to_dict()["w"][-1]``.
    fmt : str
        The format spec of the visible text (``format(value, fmt)``); unused for booleans
        (shown as yes/no) and matrices (shown as a table of integers).
    """

    label: str
    path: tuple[str | int, ...]
    fmt: str = ".4g"


#: One to three sentences per part, in the report's own words.
SUMMARIES: dict[str, str] = {
    "logistic": (
        "The logistic function σ(z) = 1 / (1 + exp(−z)) squashes any real number into (0, 1), "
        "so its output can be read as the probability of the positive class. Its derivative "
        "σ(z)(1 − σ(z)) is largest at z = 0, and together with the cross-entropy loss the "
        "gradient with respect to z reduces to y − t."
    ),
    "part1": (
        "A single weight w fits the line y = x·w to 20 noisy samples by gradient descent on "
        "the mean squared error. Each step moves w against the slope of the loss; above the "
        "critical learning rate the steps overshoot further every time and diverge."
    ),
    "part2": (
        "Logistic regression, y = σ(x·w) with two weights and no bias, separates two "
        "Gaussian clouds of points in the plane. Gradient descent on the cross-entropy walks "
        "the weights down the loss surface; the decision boundary is the line x·w = 0."
    ),
    "part3": (
        "Blue circles in the middle and red stars on both sides cannot be split by one "
        "threshold on x. A hidden neuron with a Gaussian radial basis function maps the "
        "inputs to a value a logistic output can threshold, and backpropagation trains the "
        "hidden weight and the output bias together."
    ),
    "softmax": (
        "Softmax generalises the logistic function to several classes: it turns a vector of "
        "scores into probabilities that sum to one. With two classes it is the logistic "
        "function of the difference of the scores, and its cross-entropy gradient is again "
        "y − t."
    ),
    "part4": (
        "A 2-3-2 network (logistic hidden layer, softmax output), written with matrix "
        "operations over all samples at once, learns to separate two concentric circles. "
        "Momentum carries the updates across the flat start of the loss curve, and the hidden "
        "layer maps the circles to points that a plane separates."
    ),
    "part5": (
        "A network with two hidden layers of 20 logistic units classifies 8×8 images of "
        "handwritten digits, trained by gradient descent on mini-batches. Training stops "
        "early once the validation cost stops falling; the confusion table shows which digits "
        "the test set still mixes up."
    ),
}

#: Figure name -> (caption, alt text).
CAPTIONS: dict[str, tuple[str, str]] = {
    "logistic_function": (
        "The logistic function σ(z).",
        "S-shaped curve of the logistic function rising from 0 to 1, crossing 0.5 at z = 0.",
    ),
    "logistic_derivative": (
        "The derivative of the logistic function, σ(z)(1 − σ(z)).",
        "Bell-shaped curve of the logistic function's derivative, highest at z = 0.",
    ),
    "part1_samples": (
        "The samples: inputs x against noisy targets t, and the line they were drawn around.",
        "Scatter plot of the targets t against the inputs x with a straight dashed line.",
    ),
    "part1_loss": (
        "The mean squared error as a function of the weight w.",
        "Parabola of the loss against the weight w.",
    ),
    "part1_gradient_descent": (
        "Gradient descent's iterates on the loss curve.",
        "The loss parabola with the successive weights marked and joined by a line.",
    ),
    "part1_fitted_line": (
        "The fitted line y = x·w after the second, longer run.",
        "Scatter plot of the samples with the fitted straight line through the origin.",
    ),
    "part2_classes": (
        "The two classes in the input space: red stars and blue circles.",
        "Scatter plot of two overlapping clouds of points, red stars and blue circles.",
    ),
    "part2_loss_surface": (
        "The cross-entropy loss over the two weights (w1, w2).",
        "Filled contour map of the loss over the two weights with a colour bar.",
    ),
    "part2_gradient_descent": (
        "Gradient descent's path across the loss surface.",
        "The loss contour map with the weight iterates marked and joined by a line.",
    ),
    "part2_decision_boundary": (
        "The classifier's decision regions after training.",
        "The two classes of points over red and blue regions where the model predicts each.",
    ),
    "part3_samples": (
        "The one-dimensional inputs of the two classes.",
        "Points on a line: blue circles in the middle and red stars towards both ends.",
    ),
    "part3_rbf": (
        "The Gaussian radial basis function φ(z) = exp(−z²).",
        "Bell-shaped curve peaking at 1 at z = 0.",
    ),
    "part3_loss_surface": (
        "The loss over the hidden weight w_h and the output bias b_o.",
        "3-D surface of the loss over the two parameters with a colour bar.",
    ),
    "part3_gradient_descent": (
        "Backpropagation's updates on the loss surface.",
        "The 3-D loss surface with the path of the parameter iterates drawn on it.",
    ),
    "part3_classification": (
        "The inputs and the network's classification after training.",
        "The samples on a line over a band coloured by the predicted class.",
    ),
    "part3_projection": (
        "The inputs x projected to the hidden neuron's output h.",
        "The radial basis curve with each sample's x mapped to its hidden output h.",
    ),
    "softmax_surface": (
        "The probability of class 1, P(t = 1 | z), over the two scores z1 and z2.",
        "3-D surface of the class-1 probability, a smooth step across the diagonal z1 = z2.",
    ),
    "part4_classes": (
        "Two noisy concentric circles: red stars outside, blue circles inside.",
        "Scatter plot of an outer ring of red stars around an inner cluster of blue circles.",
    ),
    "part4_loss": (
        "The summed cross-entropy loss over the training iterations.",
        "Line plot of the loss against the iteration.",
    ),
    "part4_decision_boundary": (
        "The network's decision regions after training.",
        "The two classes of points over red and blue regions where the network predicts each.",
    ),
    "part4_hidden_projection": (
        "The samples projected onto the outputs of the three hidden units.",
        "3-D scatter plot of the samples in the hidden layer's output space.",
    ),
    "part5_digits": (
        "One example of each digit, as the network sees it: 8×8 pixels.",
        "A row of ten small grey-scale images of the handwritten digits 0 to 9.",
    ),
    "part5_cost": (
        "The cost of every mini-batch, and after every epoch on the training and validation sets.",
        "Line plot of the cost against the iteration with three curves.",
    ),
    "part5_confusion_table": (
        "The confusion table on the test set: true digit against predicted digit.",
        "A 10 by 10 grid of counts of true against predicted digits.",
    ),
    "part1_network": (
        "The model y = x·w: one input, one weight, a linear output; the fitted weight on the edge.",
        "Diagram of an input unit joined by one labelled edge to a linear output unit.",
    ),
    "part2_network": (
        "The model y = σ(x·w): two inputs, two weights, a logistic output; trained weights.",
        "Diagram of two input units joined by labelled edges to one logistic output unit.",
    ),
    "part3_network": (
        "The network: the input, a Gaussian RBF hidden unit, a bias and a logistic output.",
        "Diagram of an input, a hidden RBF unit and a logistic output unit with a bias unit.",
    ),
    "part3_graph": (
        "One sample's forward and backward pass: every value and its gradient ∂ξ/∂·.",
        "Graph of boxes from the input and parameters through the units to the loss.",
    ),
    "part4_network": (
        "The 2-3-2 network: logistic hidden units, a softmax output, the trained weights.",
        "Diagram of two inputs, three logistic hidden units and two softmax outputs.",
    ),
    "part4_graph": (
        "One sample's forward and backward pass: every value and its gradient ∂ξ/∂·.",
        "Graph of boxes from the inputs and parameters through the units to the loss.",
    ),
    "part5_network": (
        "The 64-20-20-10 network as blocks of units, with the shapes of its weight matrices.",
        "Diagram of four blocks of units joined by arrows labelled with matrix shapes.",
    ),
}

#: The numbers shown on their own for each part.
KEY_NUMBERS: dict[str, tuple[KeyNumberSpec, ...]] = {
    "logistic": (
        KeyNumberSpec("σ(0)", ("sigma_at_0",)),
        KeyNumberSpec("dσ/dz at z = 0", ("derivative_at_0",)),
    ),
    "part1": (
        KeyNumberSpec("final weight w", ("w", -1)),
        KeyNumberSpec("final loss", ("loss", -1)),
        KeyNumberSpec("least-squares weight", ("least_squares_w",)),
        KeyNumberSpec("critical learning rate", ("critical_learning_rate",)),
    ),
    "part2": (
        KeyNumberSpec("final weight w1", ("w", -1, 0)),
        KeyNumberSpec("final weight w2", ("w", -1, 1)),
        KeyNumberSpec("final loss", ("loss", -1)),
        KeyNumberSpec("blue circles misclassified", ("blue_misclassified",), "d"),
        KeyNumberSpec("red stars misclassified", ("red_misclassified",), "d"),
    ),
    "part3": (
        KeyNumberSpec("final hidden weight w_h", ("w_h", -1)),
        KeyNumberSpec("final output bias b_o", ("b_o", -1)),
        KeyNumberSpec("final loss", ("loss", -1)),
        KeyNumberSpec("samples misclassified", ("n_misclassified",), "d"),
    ),
    "softmax": (
        KeyNumberSpec("largest deviation of P(t=1|z) + P(t=2|z) from 1", ("max_sum_error",)),
        KeyNumberSpec("largest difference from the logistic", ("max_logistic_difference",)),
        KeyNumberSpec("gradient check passed", ("gradient_check_passed",)),
        KeyNumberSpec("gradient check: largest error", ("gradient_check_max_abs_error",)),
    ),
    "part4": (
        KeyNumberSpec("initial loss", ("loss", 0)),
        KeyNumberSpec("final loss", ("loss", -1)),
        KeyNumberSpec("training accuracy", ("train_accuracy",)),
        KeyNumberSpec("gradient check passed", ("gradient_check_passed",)),
    ),
    "part5": (
        KeyNumberSpec("epochs trained", ("epochs",), "d"),
        KeyNumberSpec("final training cost", ("train_cost", -1)),
        KeyNumberSpec("final validation cost", ("validation_cost", -1)),
        KeyNumberSpec("test accuracy", ("test_accuracy",)),
        KeyNumberSpec(
            "confusion matrix (rows: true digit, columns: predicted)", ("confusion_matrix",)
        ),
    ),
}


def caption(name: str) -> tuple[str, str]:
    """The caption and alt text of the figure ``name``; a plain one for a figure not listed."""
    if name in CAPTIONS:
        return CAPTIONS[name]
    words = name.replace("_", " ")
    return f"Figure {words}.", f"Figure {words}."
