"""The implementations each workload runs (D's are in :mod:`benchmarks.estimators`)."""

from __future__ import annotations

from .harness import Case

CASES_A = [
    Case(
        "numpy",
        "numpy",
        "hand-written NumPy",
        "numpy_baselines",
        "workload_a",
        "logistic/softmax layers written out, fused gradient (Y - T)/N, in-place SGD",
    ),
    Case(
        "scratchnn",
        "scratchnn",
        "scratchnn.train",
        "scratchnn_runners",
        "workload_a_train",
        "scratchnn.train(net, CategoricalCrossEntropy(), GradientDescent(0.1), X, T, "
        "epochs=E, batch_size=25)",
    ),
    Case(
        "scratchnn-api",
        "scratchnn",
        "scratchnn API loop",
        "scratchnn_runners",
        "workload_a_loop",
        "user loop: step = TrainingStep(net, loss, optimizer); step(x, t) per batch",
    ),
    Case(
        "sklearn",
        "sklearn",
        "scikit-learn MLPClassifier",
        "sklearn_runners",
        "workload_a",
        "partial_fit per epoch; solver='sgd', momentum=0, alpha=0, batch_size=25, "
        "shuffle=False (44 batches: 43 of 25 and one of 3)",
    ),
    Case(
        "torch",
        "torch",
        "PyTorch CPU",
        "torch_runners",
        "workload_a",
        "nn.Sequential(Linear, Sigmoid, ...), CrossEntropyLoss, optim.SGD; loss.item() "
        "per batch, training loss under no_grad per epoch",
    ),
]

#: B's cases; every one trains on shuffled mini-batches (a fresh permutation per epoch) from
#: the warm-start state, except "scratchnn-fixed" (learnable labels only).
CASES_B = [
    Case(
        "numpy",
        "numpy",
        "hand-written NumPy",
        "numpy_baselines",
        "workload_b",
        "ReLU/softmax written out, buffers for gradients and Adam moments, no input "
        "gradient for the first layer; per epoch perm = rng.permutation(N), per batch "
        "x = X[perm[s]] (a gather)",
    ),
    Case(
        "scratchnn",
        "scratchnn",
        "scratchnn.train",
        "scratchnn_runners",
        "workload_b_train",
        "scratchnn.train(net, CategoricalCrossEntropy(), Adam(1e-3), X, T, epochs=1, "
        "batch_size=b, shuffle=True, rng=rng, epoch_loss='batches'): the epoch's loss is the "
        "mean of its batch losses (no extra pass over the training set)",
    ),
    Case(
        "scratchnn-fixed",
        "scratchnn",
        "scratchnn.train, fixed batches",
        "scratchnn_runners",
        "workload_b_train_fixed",
        "the same call with shuffle=False: the same consecutive batches every epoch (the "
        "reference of the shuffled ÷ fixed ratio)",
    ),
    Case(
        "scratchnn-api",
        "scratchnn",
        "scratchnn API loop",
        "scratchnn_runners",
        "workload_b_loop",
        "user loop: step = TrainingStep(net, loss, optimizer); batches = "
        "EpochBatches(X, T, split_batches(N, b), shuffle=True, rng); per epoch "
        "for x, t in batches.epoch(): step(x, t)",
    ),
    Case(
        "sklearn",
        "sklearn",
        "scikit-learn MLPClassifier",
        "sklearn_runners",
        "workload_b",
        "one partial_fit; solver='adam', alpha=0, shuffle=True (it gathers X[idx] per "
        "batch); the warm start set in coefs_, intercepts_ and _optimizer.ms, .vs, .t",
    ),
    Case(
        "torch",
        "torch",
        "PyTorch CPU",
        "torch_runners",
        "workload_b",
        "nn.Sequential(Linear, ReLU, ...), CrossEntropyLoss, optim.Adam (defaults); per "
        "batch xb, yb = X[idx], y[idx] with idx a slice of the epoch's permutation "
        "(torch.from_numpy(perm)); the warm start via Adam.load_state_dict",
    ),
]

CASES_C = [
    Case(
        "numpy",
        "numpy",
        "hand-written NumPy, 1-D arrays",
        "numpy_baselines",
        "workload_c_vector",
        "err = x*w - t; loss = err@err/N; w -= lr*2*(x@err)/N",
    ),
    Case(
        "numpy-matrix",
        "numpy",
        "hand-written NumPy, (N,1)@(1,1)",
        "numpy_baselines",
        "workload_c_matrix",
        "err = X@W - T; loss = err.T@err/N; W -= lr*2*X.T@err/N",
    ),
    Case(
        "numpy-passes",
        "numpy",
        "hand-written NumPy, scratchnn's passes",
        "numpy_baselines",
        "workload_c_passes",
        "the executor's passes written out on 1-D buffers: y = x*w; d = y - t; loss = d@d/N; "
        "d *= 2/N; w -= lr*(x@d): the output y kept beside d (4 arrays of N), the scaling a "
        "pass of its own",
    ),
    Case(
        "numpy-passes-folded",
        "numpy",
        "hand-written NumPy, scratchnn's passes, 2/N folded",
        "numpy_baselines",
        "workload_c_folded",
        "the same without the scaling pass: w -= lr*(x@d)*2/N",
    ),
    Case(
        "scratchnn",
        "scratchnn",
        "scratchnn.train",
        "scratchnn_runners",
        "workload_c_train",
        "scratchnn.train(Sequential([Linear(1, 1, bias=False)]), MSE(), "
        "GradientDescent(0.9), X, T, epochs=100)",
    ),
    Case(
        "torch",
        "torch",
        "PyTorch CPU autograd",
        "torch_runners",
        "workload_c",
        "nn.Linear(1, 1, bias=False), MSELoss, optim.SGD, loss.item() per iteration",
    ),
]
