"""Cells of notebooks/part5.ipynb (percent format; built by ``_build_part345.py``)."""

SOURCE = r"""
A network that reads handwritten digits: 64 pixel inputs, two hidden layers of 20 logistic
neurons and a softmax over the 10 digits. Backpropagation is the same recursion at any
depth, so we write it once as a loop over the layers and check it against the engine. Two
things are new in training: *mini-batches*, many small updates per pass over the data, and
*early stopping*, which watches a validation set and stops before the network starts to
memorise the training set.

# %%
%matplotlib inline
import numpy as np
from matplotlib.figure import Figure

from scratchnn import (
    CategoricalCrossEntropy,
    EarlyStopping,
    GradientDescent,
    Linear,
    Logistic,
    Sequential,
    Softmax,
    check_gradients,
    datasets,
    initializers,
    train,
)
from scratchnn.plotting import part5 as plots
from scratchnn.training import split_batches
from scratchnn.tutorial import part5

# %% [markdown]
## The data

scikit-learn ships 1797 images of handwritten digits, 8×8 pixels each, with values 0 to 16
(no download needed). Each image is flattened into a row of 64 numbers, and each label into a
one-hot row of 10. The samples are split into three sets: the network learns from the
*training* set, the *validation* set decides when to stop, and the *test* set is looked at
once, at the end, to measure how well the network does on digits it has never seen.

# %%
rng = np.random.RandomState(1)
splits = datasets.digits_splits(rng)
X_train, T_train = splits["train"]
X_val, T_val = splits["validation"]
X_test, T_test = splits["test"]
for name, (X, T) in splits.items():
    print(f"{name:>10}: X {X.shape}, T {T.shape}")
print("pixel values from", X_train.min(), "to", X_train.max())
plots.digits(datasets.load_digits()[2][:10])

# %% [markdown]
## The 64-20-20-10 network

Three linear layers, logistic activations on the two hidden layers, softmax at the output:

$$
H_1 = \sigma(X W_1 + b_1), \qquad H_2 = \sigma(H_1 W_2 + b_2), \qquad
Y = \mathrm{softmax}(H_2 W_3 + b_3),
$$

and the cross-entropy, now averaged over the $N$ samples of a batch:

$$ \xi = -\frac{1}{N} \sum_{i=1}^{N} \sum_{c=0}^{9} T_{ic} \log Y_{ic}. $$

The weights start as normal random numbers with standard deviation 0.1, the biases at 0.
That is $64 \cdot 20 + 20 + 20 \cdot 20 + 20 + 20 \cdot 10 + 10 = 1930$ parameters.

# %%
def digits_network(rng):
    init = initializers.normal(0.1)
    return Sequential(
        [
            Linear(64, 20, weight_init=init, rng=rng),
            Logistic(),
            Linear(20, 20, weight_init=init, rng=rng),
            Logistic(),
            Linear(20, 10, weight_init=init, rng=rng),
            Softmax(),
        ]
    )


network = digits_network(rng)
loss = CategoricalCrossEntropy(reduction="mean")
print(network.summary())

# %% [markdown]
## Backpropagation at any depth

Write $A_0 = X$ and $A_k$ for the output of the $k$-th activation ($A_3 = Y$), and
$Z_k = A_{k-1} W_k + b_k$ for the input of that activation. The errors
$E_k = \partial\xi/\partial Z_k$ are computed from the top down:

$$
E_3 = \frac{Y - T}{N}, \qquad
E_{k-1} = A_{k-1} \circ (1 - A_{k-1}) \circ \big(E_k W_k^\top\big),
$$

(softmax with cross-entropy at the top, the logistic's derivative $A(1-A)$ below), and each
linear layer's gradients come from the error at its output and the activation at its input:

$$ \frac{\partial\xi}{\partial W_k} = A_{k-1}^\top E_k, \qquad
   \frac{\partial\xi}{\partial b_k} = \sum_i E_{k,i\cdot}. $$

Nothing in this depends on the number of layers, so the code is one loop down and one loop
up:

# %%
def logistic(z):
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def backprop_by_hand(network, X, T):
    layers = [(layer.params["W"], layer.params["b"]) for layer in network.layers[::2]]
    A = [X]  # the input of every linear layer, then the output Y
    for k, (W, b) in enumerate(layers):
        Z = A[-1] @ W + b
        A.append(softmax(Z) if k == len(layers) - 1 else logistic(Z))
    E = (A[-1] - T) / len(X)
    grads = []
    for k in reversed(range(len(layers))):
        grads.append((A[k].T @ E, E.sum(axis=0)))
        if k > 0:
            E = A[k] * (1 - A[k]) * (E @ layers[k][0].T)
    return A[-1], grads[::-1]


X_batch, T_batch = X_train[:10], T_train[:10]
Y, by_hand = backprop_by_hand(network, X_batch, T_batch)
print(f"by hand: loss {-np.mean(np.sum(T_batch * np.log(Y), axis=1)):.6f}")
print(f"engine:  loss {network.loss_and_gradients(loss, X_batch, T_batch):.6f}")
engine = network.gradients()  # W1, b1, W2, b2, W3, b3
for k, (grad_W, grad_b) in enumerate(by_hand):
    np.testing.assert_allclose(engine[2 * k], grad_W, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(engine[2 * k + 1], grad_b, rtol=1e-10, atol=1e-14)
    print(f"layer {k + 1}: dxi/dW {grad_W.shape} and dxi/db {grad_b.shape} agree")

# %% [markdown]
And finite differences, on the same ten training samples, for all 1930 parameters. (A
large relative error beside a tiny absolute one belongs to a gradient that is itself almost
zero; such elements pass on their absolute error, below $10^{-8}$.)

# %%
print(check_gradients(network, loss, X_batch, T_batch))

# %% [markdown]
## Mini-batches

Full-batch gradient descent makes one update per pass over the 1078 training samples. With
mini-batches the samples are cut into $B$ groups and every group makes its own update
$\theta \leftarrow \theta - \mu \nabla_\theta \xi_b$, with $\xi_b$ the mean loss over batch
$b$. A batch's gradient is a noisy estimate of the full one, but it costs a fraction of the
work, so one pass over the data (an *epoch*) now makes $B$ steps instead of one. With
batches of about 25 samples:

# %%
batches = split_batches(len(X_train), 25)
sizes = [s.stop - s.start for s in batches]
print(f"{len(batches)} mini-batches per epoch; sizes {sorted(set(sizes))}, total {sum(sizes)}")

# %% [markdown]
## Early stopping

A network with 1930 parameters can keep lowering the training cost long after it has learnt
everything that carries over to new digits. The validation cost $v_e$, measured after every
epoch $e$ on samples the network never trains on, shows when that happens. The rule used
here: stop after epoch $e \ge 4$ when the validation cost did not go down twice in a row,

$$ v_e \ge v_{e-1} \ge v_{e-2}. $$

In scratchnn it is an `EarlyStopping` callback: stop after 2 epochs (`patience`) that do not
improve on the *previous* epoch, never before epoch 4, and keep the last weights.

# %%
print(part5.tutorial_early_stopping())


def stop_epoch_by_hand(v):
    # v[0] is the validation cost before training, v[e] after epoch e
    for e in range(4, len(v)):
        if v[e] >= v[e - 1] >= v[e - 2]:
            return e
    return None

# %% [markdown]
## Training

Gradient descent with $\mu = 0.1$ on the fixed mini-batches, visited in the same order every
epoch, at most 300 epochs. `train` records the cost of every mini-batch (before its update)
and, after every epoch, the cost and the accuracy on the training and validation sets.

# %%
history = train(
    network,
    loss,
    GradientDescent(0.1),
    X_train,
    T_train,
    epochs=300,
    batch_size=25,
    validation_data=(X_val, T_val),
    early_stopping=part5.tutorial_early_stopping(),
    metrics=("accuracy",),
)
print(
    f"stopped early: {history.stopped_early}, after {history.epochs} epochs "
    f"(the rule by hand: {stop_epoch_by_hand(history.validation_loss)})"
)
print(f"cost: training {history.train_loss[-1]:.5f}, validation {history.validation_loss[-1]:.5f}")
print(
    f"accuracy: training {history.train_accuracy[-1]:.1%}, "
    f"validation {history.validation_accuracy[-1]:.1%}"
)

# %% [markdown]
The thin black line is the cost of each mini-batch: noisy, because each one sees only 25
samples. The training (red) and validation (blue) costs after each epoch fall smoothly;
the gap between them is what the network learnt about its training samples that does not
carry over.

# %%
plots.cost_curves(
    np.array(history.batch_loss),
    np.array(history.train_loss[1:]),
    np.array(history.validation_loss[1:]),
)

# %% [markdown]
## The test set

The predicted digit is the output with the largest probability. The confusion matrix counts
each (true digit, predicted digit) pair: the diagonal holds the right answers. (The original
post prints the test accuracy rounded to a whole percent: 96 %.)

# %%
y_true = T_test.argmax(axis=1)
y_pred = network.predict(X_test).argmax(axis=1)
matrix = np.zeros((10, 10), dtype=int)
np.add.at(matrix, (y_true, y_pred), 1)
print(f"test accuracy: {np.mean(y_pred == y_true):.1%} ({np.trace(matrix)} of {len(y_true)})")
print(f"test samples of each digit (row sums): {matrix.sum(axis=1)}")
plots.confusion_table(matrix)

# %% [markdown]
`scratchnn.tutorial.part5.run()` performs all of this (data, network, gradient check,
training, test), `part5.figures(result)` draws the figures, and `scratchnn part5` prints the
result on the command line. Some of the try-this cells below use it.

## Try this

**No early stopping.** Train the same network 60 epochs more, without a rule to stop. The
training cost keeps falling, but the validation cost, lowest near where the rule stopped,
creeps back up: the network is now fitting details of its 1078 training digits that do not
help with new ones. Here the damage is small (the test accuracy hardly changes); the cost
notices earlier than the accuracy because it also weighs how confident each answer is.

# %%
more = train(
    network,
    loss,
    GradientDescent(0.1),
    X_train,
    T_train,
    epochs=60,
    batch_size=25,
    validation_data=(X_val, T_val),
    metrics=("accuracy",),
)
train_cost = np.array(history.train_loss + more.train_loss[1:])
validation_cost = np.array(history.validation_loss + more.validation_loss[1:])
epochs = np.arange(len(validation_cost))
print(
    f"validation cost: {history.validation_loss[-1]:.4f} at the stop, "
    f"{validation_cost[-1]:.4f} after {epochs[-1]} epochs, "
    f"lowest {validation_cost.min():.4f} after epoch {validation_cost.argmin()}"
)
print(f"training cost:   {history.train_loss[-1]:.4f} at the stop, {train_cost[-1]:.4f}")
print(
    f"test accuracy after {epochs[-1]} epochs: "
    f"{np.mean(network.predict(X_test).argmax(axis=1) == y_true):.1%}"
)

fig = Figure(figsize=(10, 3.5), layout="tight")
ax, zoom = fig.subplots(1, 2)
ax.semilogy(epochs, train_cost, "r-", label="training set")
ax.semilogy(epochs, validation_cost, "b-", label="validation set")
ax.set_ylabel("$\\xi$ (log scale)")
late = epochs >= 40
zoom.plot(epochs[late], validation_cost[late], "b-", label="validation set")
zoom.set_ylabel("$\\xi$")
zoom.set_title("validation cost, from epoch 40")
for a in (ax, zoom):
    a.axvline(history.epochs, color="k", linestyle="--", label="early stopping")
    a.set_xlabel("epoch")
    a.legend(loc="lower left" if a is ax else "upper center")
fig

# %% [markdown]
**Batch size 1.** With one sample per update (online learning) an epoch makes 1078 steps with
learning rate 0.1, each following a single digit. The network jumps around, the validation cost
zigzags from epoch to epoch, and the strict rule above stops training after a handful of
epochs with a poor network.

# %%
online = part5.run(batch_size=1)
print("\n".join(online.lines()[:5]))
plots.cost_curves(online.batch_cost, online.train_cost, online.validation_cost)

# %% [markdown]
**Batch size 1 with a smaller step.** A learning rate ten times smaller (0.01) makes the
online updates steadier, and a more patient early stopping (3 epochs without a new best,
then back to the best weights) lets it run. Ten epochs of this reach a far better network
(the first accuracy listed is before training).

# %%
rng = np.random.RandomState(1)
datasets.digits_splits(rng)  # the same draws as above, so the same starting weights
steady = digits_network(rng)
steady_history = train(
    steady,
    loss,
    GradientDescent(0.01),
    X_train,
    T_train,
    epochs=10,
    batch_size=1,
    validation_data=(X_val, T_val),
    early_stopping=EarlyStopping(patience=3),
    metrics=("accuracy",),
)
print("validation accuracy per epoch:", np.round(steady_history.validation_accuracy, 3))
print(f"test accuracy: {np.mean(steady.predict(X_test).argmax(axis=1) == y_true):.1%}")
"""
