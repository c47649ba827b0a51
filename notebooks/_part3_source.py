"""Cells of notebooks/part3.ipynb (percent format; built by ``_build_part345.py``)."""

SOURCE = r"""
A single input $x$, two classes, and the class we want sits *between* the other one: no
threshold on $x$ can separate them. One hidden neuron with a bump-shaped activation can. In
this notebook we write the model, derive its gradients by the chain rule, code them by hand
in NumPy, check them against scratchnn's engine, and train the two parameters by gradient
descent. At the end, a few "try this" cells to change the settings and see what happens.

# %%
%matplotlib inline
import inspect

import numpy as np

from scratchnn import (
    Bias,
    BinaryCrossEntropy,
    GaussianRBF,
    GradientDescent,
    Linear,
    Logistic,
    Sequential,
    check_gradients,
    check_layer,
    datasets,
    train,
)
from scratchnn.plotting import part3 as plots
from scratchnn.tutorial import part3

# %% [markdown]
## The data

Twenty blue circles (target $t = 1$) are drawn around $x = 0$, ten red stars ($t = 0$)
around $x = -2$ and ten around $x = +2$, all with standard deviation 0.5. The random
numbers come from an explicit `RandomState`, so every run of this notebook draws the same
samples.

# %%
rng = np.random.RandomState(4)
x, t = datasets.rbf_classes(rng)
print("x:", x.shape, " t:", t.shape)
print("blue circles:", int(t.sum()), " red stars:", int((1 - t).sum()))
plots.samples(x[t == 1], x[t == 0])

# %% [markdown]
A logistic regression on $x$ alone, $y = \sigma(w x + b)$, is monotonic in $x$: it can say
"blue to the left of some point" or "blue to the right", never "blue in the middle". We need
a feature that is large near 0 and small far away.

## The model: one RBF hidden neuron

The hidden neuron scales the input and passes it through a Gaussian radial basis function
(RBF); the output neuron adds a bias and squashes with the logistic function:

$$
z_h = x\, w_h, \qquad h = \phi(z_h) = e^{-z_h^2}, \qquad
y = \sigma(h + b_o) = \frac{1}{1 + e^{-(h + b_o)}} .
$$

$\phi$ equals 1 at $z_h = 0$ and falls towards 0 on both sides, so $h$ measures "how close
to 0 is $x$"; the weight $w_h$ sets how quickly it falls (a larger $|w_h|$ makes the bump
narrower). The output predicts blue when $y > \tfrac12$, that is when $h > -b_o$: the bias
is a threshold on the closeness. The whole model has two parameters, $w_h$ and $b_o$.

# %%
zs = np.linspace(-5, 5, 100)
plots.rbf_function(zs, GaussianRBF().forward(zs[:, None])[:, 0])

# %% [markdown]
In scratchnn the model is four layers: a linear layer without bias (the product
$x w_h$), the RBF, a bias-only layer ($+\,b_o$) and the logistic output. We start from the
point $w_h = 2.3$, $b_o = 1.4$.

# %%
W_H0, B_O0 = 2.3, 1.4


def rbf_network(w_h, b_o):
    network = Sequential([Linear(1, 1, bias=False), GaussianRBF(), Bias(1), Logistic()])
    network[0].params["W"][0, 0] = w_h
    network[2].params["b"][0] = b_o
    return network


network = rbf_network(W_H0, B_O0)
print(network.summary())
print([name for name, _ in network.named_parameters()])

# %% [markdown]
## The loss

The targets are 0 or 1 and the output is a probability, so the loss is the mean binary
cross-entropy over the $N = 40$ samples:

$$
\xi = -\frac{1}{N} \sum_{i=1}^{N} \Big[ t_i \log y_i + (1 - t_i) \log (1 - y_i) \Big].
$$

## Backpropagation, by hand

We want $\partial\xi/\partial w_h$ and $\partial\xi/\partial b_o$. The chain rule, applied
from the loss backwards, gives one factor per step.

1. **Output.** For one sample, $\partial\xi/\partial y_i = \frac{1}{N}\frac{y_i - t_i}{y_i(1-y_i)}$
   and the logistic's derivative is $y_i(1 - y_i)$; the two cancel into the error at the output
   neuron's input $z_{o,i} = h_i + b_o$:
   $$\delta_{o,i} = \frac{\partial\xi}{\partial z_{o,i}} = \frac{y_i - t_i}{N}.$$
2. **Output bias.** $z_o$ contains $b_o$ with coefficient 1, for every sample:
   $$\frac{\partial\xi}{\partial b_o} = \sum_i \delta_{o,i}.$$
3. **Through the RBF.** $z_o$ contains $h$ with coefficient 1 too, so
   $\partial\xi/\partial h_i = \delta_{o,i}$; the RBF's derivative is
   $\phi'(z) = -2 z e^{-z^2} = -2 z\, h$, hence
   $$\delta_{h,i} = \frac{\partial\xi}{\partial z_{h,i}} = -2\, z_{h,i}\, h_i\, \delta_{o,i}.$$
4. **Hidden weight.** $z_{h,i} = x_i w_h$, so
   $$\frac{\partial\xi}{\partial w_h} = \sum_i x_i\, \delta_{h,i}.$$

In NumPy, for all samples at once:

# %%
def forward_by_hand(x, w_h, b_o):
    z_h = x * w_h
    h = np.exp(-(z_h**2))
    y = 1.0 / (1.0 + np.exp(-(h + b_o)))
    return z_h, h, y


def loss_by_hand(y, t):
    return -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))


def gradients_by_hand(x, t, w_h, b_o):
    z_h, h, y = forward_by_hand(x, w_h, b_o)
    delta_o = (y - t) / len(x)  # step 1
    grad_b_o = np.sum(delta_o)  # step 2
    delta_h = -2.0 * z_h * h * delta_o  # step 3
    grad_w_h = np.sum(x * delta_h)  # step 4
    return grad_w_h, grad_b_o


grad_w_h, grad_b_o = gradients_by_hand(x, t, W_H0, B_O0)
print(f"by hand: loss {loss_by_hand(forward_by_hand(x, W_H0, B_O0)[2], t):.6f}")
print(f"by hand: dxi/dw_h = {grad_w_h:.6f}, dxi/db_o = {grad_b_o:.6f}")

# %% [markdown]
The engine computes the same numbers: `loss_and_gradients` runs the forward pass, the loss
and the backward pass through the four layers, and leaves each parameter's gradient in its
layer.

# %%
loss = BinaryCrossEntropy("mean")
engine_loss = network.loss_and_gradients(loss, x, t)
engine = dict(zip([name for name, _ in network.named_parameters()], network.gradients()))
print(f"engine:  loss {engine_loss:.6f}")
print(f"engine:  dxi/dw_h = {engine['0.W'][0, 0]:.6f}, dxi/db_o = {engine['2.b'][0]:.6f}")

np.testing.assert_allclose(engine_loss, loss_by_hand(forward_by_hand(x, W_H0, B_O0)[2], t))
np.testing.assert_allclose(engine["0.W"][0, 0], grad_w_h, rtol=1e-12)
np.testing.assert_allclose(engine["2.b"][0], grad_b_o, rtol=1e-12)
print("hand-written and engine gradients agree")

# %% [markdown]
Each step of the list above is one small layer class in the engine. Here is the RBF layer:
`forward` keeps $z$ and $h$, and `backward` multiplies the gradient arriving from above by
$-2 z h$, which is step 3.

# %%
print(inspect.getsource(GaussianRBF))

# %% [markdown]
A third opinion comes from finite differences,
$\partial\xi/\partial\theta \approx [\xi(\theta + \epsilon) - \xi(\theta - \epsilon)] / 2\epsilon$,
which needs no calculus at all. `check_gradients` compares them with backpropagation for
every parameter of the network; `check_layer` does the same for one layer on its own
(including the gradient it passes down to its input).

# %%
print(check_gradients(network, loss, x, t))
print()
print(check_layer(GaussianRBF(), np.linspace(-2, 2, 8).reshape(4, 2), rng=0))

# %% [markdown]
## Gradient descent

Each iteration moves both parameters against their gradient, with learning rate $\mu$:

$$
w_h \leftarrow w_h - \mu \frac{\partial\xi}{\partial w_h}, \qquad
b_o \leftarrow b_o - \mu \frac{\partial\xi}{\partial b_o}.
$$

With $\mu = 2$ and 20 iterations, first by hand:

# %%
LEARNING_RATE, ITERATIONS = 2.0, 20

w_h, b_o = W_H0, B_O0
path = [(w_h, b_o)]
for _ in range(ITERATIONS):
    g_w, g_b = gradients_by_hand(x, t, w_h, b_o)
    w_h, b_o = w_h - LEARNING_RATE * g_w, b_o - LEARNING_RATE * g_b
    path.append((w_h, b_o))
path = np.array(path)
print(f"by hand after {ITERATIONS} iterations: w_h = {w_h:.4f}, b_o = {b_o:.4f}")

# %% [markdown]
and then with the engine's training loop: `train` with the whole data set as one batch makes
one update per epoch; `record_params=True` keeps every iterate.

# %%
network = rbf_network(W_H0, B_O0)
history = train(
    network, loss, GradientDescent(LEARNING_RATE), x, t, epochs=ITERATIONS, record_params=True
)
engine_path = np.array([(p["0.W"][0, 0], p["2.b"][0]) for p in history.params])
np.testing.assert_allclose(engine_path, path, rtol=1e-10)
print(
    f"engine after {history.epochs} iterations: w_h = {engine_path[-1, 0]:.4f}, "
    f"b_o = {engine_path[-1, 1]:.4f}, loss {history.train_loss[-1]:.4f}"
)

# %% [markdown]
`scratchnn.tutorial.part3.run()` packages exactly this (data, model, training) and keeps
what the figures need; `scratchnn part3` on the command line prints the same lines.

# %%
result = part3.run(seed=4, learning_rate=LEARNING_RATE, iterations=ITERATIONS)
np.testing.assert_allclose(np.column_stack([result.w_h, result.b_o]), path, rtol=1e-10)
print("\n".join(result.lines()[-3:]))
figures = part3.figures(result)

# %% [markdown]
## The loss surface and the path

The loss depends on two parameters only, so we can draw it over a grid of $(w_h, b_o)$.
It is symmetric in $w_h$ (the RBF only sees $z_h^2$). Along $w_h = 0$ it forms a ridge:
there $h = 1$ for every sample, so the model cannot tell any two samples apart. On each side
lies a valley, and far out in $|w_h|$ the surface flattens, because the bump becomes so
narrow that it misses almost every sample.

# %%
figures["part3_loss_surface"]

# %% [markdown]
The 20 updates (white) slide down into the valley.

# %%
figures["part3_gradient_descent"]

# %% [markdown]
## What the hidden neuron learned

Blue is predicted where $h + b_o > 0$, i.e. where $e^{-(x w_h)^2} > -b_o$. For
$-1 < b_o < 0$ that is an interval around 0:

$$ |x| < \frac{\sqrt{-\ln(-b_o)}}{|w_h|}. $$

# %%
w_h, b_o = path[-1]
radius = np.sqrt(-np.log(-b_o)) / abs(w_h)
print(f"blue for |x| < {radius:.3f}")
np.testing.assert_allclose(radius, result.blue_radius)
figures["part3_classification"]

# %% [markdown]
The hidden neuron turns the 1-D problem that no single threshold solves into one that a
threshold on $h$ does solve: after the projection $x \mapsto h$, the blue circles sit high
and the red stars low.

# %%
figures["part3_projection"]

# %% [markdown]
## Try this

**A larger learning rate.** At $\mu = 5$ the path still settles in the valley, a little
further along it. At $\mu = 10$ each step overshoots: $b_o$ jumps from about $+1.4$ to
about $-2$ and back at every iteration and never settles, so the result depends on where
the 20 iterations happen to stop (here on the side where every sample is called blue). At
$\mu = 20$ one step throws $w_h$ out to about 15, onto the flat plateau where the gradient
with respect to $w_h$ is almost zero, and nothing brings it back. The path figure widens
its axes to keep every iterate in view.

# %%
for mu in (5.0, 10.0, 20.0):
    trial = part3.run(learning_rate=mu)
    print(f"mu = {mu:>4}: {trial.final_line()}; {trial.lines()[-2]}")
part3.figures(part3.run(learning_rate=20.0))["part3_gradient_descent"]

# %% [markdown]
**Another seed.** Other samples give slightly different parameters; where a red star falls
close to 0 (or a blue circle far out), no bump can get every sample right.

# %%
for seed in (1, 7, 42):
    trial = part3.run(seed=seed)
    print(f"seed {seed:>2}: {trial.final_line()}; {trial.lines()[-2]}")

# %% [markdown]
**Another starting point.** Start from $w_h = -2$, $b_o = -2$: gradient descent finds the
mirror image of the first solution ($w_h < 0$), which is just as good because
$\phi(x w_h) = \phi(-x w_h)$.

# %%
trial = part3.run(w_h=-2.0, b_o=-2.0)
print(trial.final_line())
print(trial.lines()[-1])

# %% [markdown]
**More iterations.** 100 iterations lower the loss a little further, yet one sample is now
misclassified: the loss rewards confident probabilities, not the count of right answers.

# %%
trial = part3.run(iterations=100)
print(trial.final_line())
print("\n".join(trial.lines()[-2:]))
"""
