"""Cells of notebooks/part4.ipynb (percent format; built by ``_build_part345.py``)."""

SOURCE = r"""
Two inputs, two classes on concentric circles, and a network with a hidden layer of three
logistic neurons and a softmax output: a 2-3-2 network. Instead of one loop per sample and
per neuron, every layer becomes one matrix product over the whole data set. We write the
forward and backward passes in matrix form, code them by hand, check them against the
engine, and then train with *momentum*, which gets through the long flat start that plain
gradient descent crawls over.

# %%
%matplotlib inline
import inspect

import numpy as np
from matplotlib.figure import Figure

from scratchnn import (
    CategoricalCrossEntropy,
    GradientDescent,
    Linear,
    Logistic,
    Sequential,
    Softmax,
    check_gradients,
    check_layer,
    datasets,
    train,
)
from scratchnn.plotting import part4 as plots
from scratchnn.tutorial import part4

# %% [markdown]
## The data

Fifty red stars on a circle of radius 1 (class 0) and fifty blue circles on a circle of
radius 0.3 (class 1), with Gaussian noise of standard deviation 0.1 on both coordinates.
The targets are *one-hot*: row $i$ of $T$ is $(1, 0)$ for red and $(0, 1)$ for blue. No
straight line separates the classes.

# %%
rng = np.random.RandomState(1)
X, labels = datasets.circles(rng)
T = datasets.one_hot(labels, 2)
print("X:", X.shape, " T:", T.shape)
print("first red target:", T[0], "  first blue target:", T[50])
plots.classes(X, labels)

# %% [markdown]
## The vectorised 2-3-2 network

Samples are the rows of $X$ ($N \times 2$). A hidden layer of three logistic neurons and a
softmax output layer with two neurons compute, for all samples at once,

$$
H = \sigma(X W_h + b_h), \qquad Y = \mathrm{softmax}(H W_o + b_o), \qquad
\mathrm{softmax}(z)_c = \frac{e^{z_c}}{\sum_d e^{z_d}} \text{ (row by row)},
$$

with $W_h$ of shape $2 \times 3$, $b_h$ of length 3, $W_o$ of shape $3 \times 2$ and $b_o$ of
length 2 (a bias row is added to every sample's row). $Y_{ic}$ is the probability the network
gives to class $c$ for sample $i$; each row sums to 1. The loss is the cross-entropy summed
over the samples:

$$ \xi = -\sum_{i=1}^{N} \sum_{c} T_{ic} \log Y_{ic}. $$

In scratchnn that is four layers and a summed loss. The parameters are first drawn from a
standard normal distribution (in the order $b_h, W_h, b_o, W_o$) to check the gradients.

# %%
network = Sequential(
    [Linear(2, 3, weight_init="zeros"), Logistic(), Linear(3, 2, weight_init="zeros"), Softmax()]
)
part4.draw_parameters(network, rng, scale=1.0)
loss = CategoricalCrossEntropy(reduction="sum")
print(network.summary())


def parameters(network):
    # The engine names them "0.W", "0.b", "2.W", "2.b"; the maths calls them W_h, b_h, W_o, b_o.
    return {part4.PARAMETER_NAMES[name]: p for name, p in network.named_parameters()}


p = parameters(network)
print({name: value.shape for name, value in p.items()})

# %% [markdown]
The forward pass by hand is two lines of NumPy. (Subtracting each row's maximum before the
exponential changes nothing mathematically and keeps `exp` from overflowing.)

# %%
def logistic(z):
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def forward_by_hand(X, p):
    H = logistic(X @ p["W_h"] + p["b_h"])
    Y = softmax(H @ p["W_o"] + p["b_o"])
    return H, Y


def loss_by_hand(X, T, p):
    return -np.sum(T * np.log(forward_by_hand(X, p)[1]))


H, Y = forward_by_hand(X, p)
np.testing.assert_allclose(network.forward(X), Y, rtol=1e-12)
print("rows of Y sum to 1:", np.allclose(Y.sum(axis=1), 1.0))
print(f"loss: {loss_by_hand(X, T, p):.4f}")

# %% [markdown]
## Backpropagation in matrix form

The same chain rule as for a single neuron, with matrices in place of numbers. Name
$E_o = \partial\xi/\partial Z_o$ and $E_h = \partial\xi/\partial Z_h$ the errors at the inputs
$Z_o = H W_o + b_o$ and $Z_h = X W_h + b_h$ of the two layers.

* **Softmax with cross-entropy.** Differentiating $-\sum_c T_{ic} \log Y_{ic}$ through the
  softmax gives $\partial\xi/\partial Z_{ic} = Y_{ic} \sum_d T_{id} - T_{ic}$, and each row of
  $T$ sums to 1:
  $$ E_o = Y - T. $$
* **A linear layer** $Z = A W + b$ with the error $E$ at its output: each weight
  $W_{jk}$ multiplies $A_{ij}$ in every sample, each bias enters every row once, and each
  input $A_{ij}$ reaches every output $k$ through $W_{jk}$:
  $$ \frac{\partial\xi}{\partial W} = A^\top E, \qquad
     \frac{\partial\xi}{\partial b} = \sum_i E_{i\cdot}, \qquad
     \frac{\partial\xi}{\partial A} = E\, W^\top. $$
* **The logistic hidden layer** multiplies element by element by $\sigma' = H (1 - H)$:
  $$ E_h = H \circ (1 - H) \circ (E_o W_o^\top). $$

So the output layer gets $H^\top E_o$ and $\sum_i E_o$, the hidden layer $X^\top E_h$ and
$\sum_i E_h$.

# %%
def gradients_by_hand(X, T, p):
    H, Y = forward_by_hand(X, p)
    E_o = Y - T
    E_h = H * (1 - H) * (E_o @ p["W_o"].T)
    return {"W_h": X.T @ E_h, "b_h": E_h.sum(axis=0), "W_o": H.T @ E_o, "b_o": E_o.sum(axis=0)}


by_hand = gradients_by_hand(X, T, p)
engine_loss = network.loss_and_gradients(loss, X, T)
engine = dict(zip(p, network.gradients()))
np.testing.assert_allclose(engine_loss, loss_by_hand(X, T, p), rtol=1e-12)
for name in by_hand:
    np.testing.assert_allclose(engine[name], by_hand[name], rtol=1e-10, atol=1e-12)
    print(
        f"{name}: shape {by_hand[name].shape}, "
        f"largest difference {np.max(np.abs(engine[name] - by_hand[name])):.1e}"
    )
print("hand-written and engine gradients agree")

# %% [markdown]
The engine's linear layer holds the three formulas above, one line each:

# %%
print(inspect.getsource(Linear.backward))

# %% [markdown]
and the softmax output never computes its own Jacobian during training: the loss hands the
fused error $Y - T$ (divided by $N$ for a mean, by 1 for a sum) straight to the layer below.

# %%
print(inspect.getsource(CategoricalCrossEntropy.fused_gradient))

# %% [markdown]
Finite differences confirm the whole network, and the softmax layer's own backward pass
(used when it is *not* followed by cross-entropy) on its own:

# %%
print(check_gradients(network, loss, X, T))
print()
print(check_layer(Softmax(), np.random.default_rng(0).standard_normal((5, 3)), rng=0))

# %% [markdown]
## Momentum

We start training from small weights, drawn again with a standard deviation of 0.1. Then
every hidden neuron outputs about $\tfrac12$ whatever the input, $Y \approx \tfrac12$ for
every sample, and the loss sits on a plateau near $N \ln 2 = 69.3$ where the gradient is tiny.
Plain gradient descent, $\theta \leftarrow \theta - \mu J$ with $J = \partial\xi/\partial\theta$,
takes tiny steps there.

Momentum keeps a velocity $M$ (starting at 0) that remembers past steps:

$$ M \leftarrow \lambda M - \mu J, \qquad \theta \leftarrow \theta + M. $$

While the gradient keeps pointing the same way, the steps grow towards
$\mu J / (1 - \lambda)$, ten times the plain step for $\lambda = 0.9$; when the gradient
flips sign, the velocity damps the back-and-forth. We train for 300 iterations with
$\mu = 0.02$, $\lambda = 0.9$, first by hand:

# %%
part4.draw_parameters(network, rng, scale=0.1)
start = {name: value.copy() for name, value in p.items()}
LEARNING_RATE, MOMENTUM, ITERATIONS = 0.02, 0.9, 300

theta = {name: value.copy() for name, value in start.items()}
velocity = {name: np.zeros_like(value) for name, value in theta.items()}
losses_by_hand = [loss_by_hand(X, T, theta)]
for _ in range(ITERATIONS):
    J = gradients_by_hand(X, T, theta)
    for name in theta:
        velocity[name] = MOMENTUM * velocity[name] - LEARNING_RATE * J[name]
        theta[name] = theta[name] + velocity[name]
    losses_by_hand.append(loss_by_hand(X, T, theta))
print(f"by hand: loss {losses_by_hand[0]:.4f} -> {losses_by_hand[-1]:.4f}")

# %% [markdown]
and with the engine: `GradientDescent(learning_rate, momentum=...)` is the same rule, and
`train` with the whole data set as one batch makes one update per epoch.

# %%
history = train(
    network, loss, GradientDescent(LEARNING_RATE, momentum=MOMENTUM), X, T, epochs=ITERATIONS
)
np.testing.assert_allclose(history.train_loss, losses_by_hand, rtol=1e-8)
for name in theta:
    np.testing.assert_allclose(p[name], theta[name], rtol=1e-8, atol=1e-10)
print(f"engine:  loss {history.train_loss[0]:.4f} -> {history.train_loss[-1]:.4f}")

# %% [markdown]
`scratchnn.tutorial.part4.run()` does all of the above in one call (`scratchnn part4` on
the command line prints its lines), and `figures` draws the results.

# %%
result = part4.run(seed=1, learning_rate=LEARNING_RATE, momentum=MOMENTUM, iterations=ITERATIONS)
np.testing.assert_allclose(result.loss, history.train_loss, rtol=1e-12)
print("\n".join(result.lines()))
figures = part4.figures(result)

# %% [markdown]
The loss stays on the plateau for about 100 iterations while the velocity builds up, then
drops steeply.

# %%
figures["part4_loss"]

# %% [markdown]
The decision boundary is a closed curve around the inner circle, something a network
without a hidden layer cannot draw.

# %%
figures["part4_decision_boundary"]

# %% [markdown]
Why it works: the hidden layer maps every sample to a point $H_{i\cdot}$ in a 3-D cube.
There the two classes can be split by a plane, and a plane is all the softmax output layer
can draw.

# %%
figures["part4_hidden_projection"]

# %% [markdown]
## Try this

**Momentum 0.** Plain gradient descent with the same learning rate is still on the plateau
after 300 iterations: the loss is still about $100 \ln 2$ and the network is no better than a
coin flip. It gets there in the end, but many times later than with momentum.

# %%
flat = part4.run(momentum=0.0)
print(
    f"momentum 0, {flat.iterations} iterations: loss {flat.loss[-1]:.3f} "
    f"(100 ln 2 = {100 * np.log(2):.3f}), accuracy {flat.train_accuracy:.0%}"
)
slow = part4.run(momentum=0.0, iterations=3000)
print(
    f"momentum 0, {slow.iterations} iterations: loss {slow.loss[-1]:.3f}, "
    f"accuracy {slow.train_accuracy:.0%}"
)
print(
    f"loss below 1 after {int(np.argmax(slow.loss < 1.0))} iterations without momentum, "
    f"after {int(np.argmax(result.loss < 1.0))} with momentum 0.9"
)
plots.loss_curve(flat.loss)

# %% [markdown]
**A larger learning rate.** With $\mu = 0.2$ (and momentum 0.9) the steps are too large:
the loss climbs far above where it started and training never recovers.

# %%
wild = part4.run(learning_rate=0.2)
print(
    f"loss {wild.loss[0]:.1f} -> {wild.loss[-1]:.1f}, increased: {wild.loss_increased}, "
    f"accuracy {wild.train_accuracy:.0%}"
)
plots.loss_curve(wild.loss)

# %% [markdown]
**More momentum.** With $\lambda = 0.99$ the loss drops sooner and lower, but the heavy
velocity carries the parameters past the valley floor and back: on a logarithmic scale
the curve is bumpy, and after its lowest point the loss climbs again. (This figure is
drawn here, with a `matplotlib.figure.Figure`, like the library's own figures.)

# %%
fast = part4.run(momentum=0.99)
print(
    f"lambda 0.99: lowest loss {fast.loss.min():.4f} at iteration {int(fast.loss.argmin())}, "
    f"final loss {fast.loss[-1]:.4f}"
)
fig = Figure(figsize=(6, 3.5), layout="tight")
ax = fig.add_subplot()
ax.semilogy(result.loss, "b-", label="$\\lambda = 0.9$")
ax.semilogy(fast.loss, "r-", label="$\\lambda = 0.99$")
ax.set_xlabel("iteration")
ax.set_ylabel("$\\xi$ (log scale)")
ax.legend(loc="lower left")
fig

# %% [markdown]
**Another seed.** Other noise and other starting weights: the length of the plateau
depends on where training starts.

# %%
for seed in (2, 3, 4):
    trial = part4.run(seed=seed)
    below = int(np.argmax(trial.loss < 10.0)) if trial.loss.min() < 10.0 else None
    print(
        f"seed {seed}: final loss {trial.loss[-1]:.3f}, loss below 10 after {below} "
        f"iterations, accuracy {trial.train_accuracy:.0%}"
    )
"""
