"""Benchmarks of scratchnn against hand-written NumPy, scikit-learn and PyTorch (issues 5 and
10).

Run ``make bench`` (a separate virtual environment ``.venv-bench`` with
``benchmarks/requirements.txt``), or ``python -m benchmarks`` in an environment that has
scratchnn installed; frameworks that are not installed are skipped with a note.
``python -m benchmarks --quick --out DIR`` runs every workload on tiny sizes (the smoke test).

Workloads
---------
A  Part 5 of the series: digits, 64-20-20-10 logistic/logistic/softmax, mini-batch SGD with
   43 fixed batches of the 1078 training samples, learning rate 0.1, float64. Unit: ms per
   epoch. One epoch = 43 updates, each mini-batch's loss, and the training-set loss at the end
   of the epoch (what the tutorial records and ``scratchnn.train`` does).
B  784-256-256-10 ReLU + softmax cross-entropy, Adam (learning rate 1e-3), float32, 60,000
   synthetic samples, one epoch in shuffled mini-batches (a fresh permutation per epoch) from
   a warm start (scratchnn trained untimed first; every implementation gets its weights,
   moments and step count), on learnable labels (a fixed random teacher network's) and on
   random labels. Unit: samples/s at batch 32 / 128 / 1024; a fixed-batch scratchnn.train
   row; the fraction of the measured limit (the step's matrix products + one pass over the
   parameters at the measured memory bandwidth) and of the float32 GEMM peak; peak RSS of
   each framework in its own process; the subnormal line (one Adam update before and after
   the moments of dead units decay, :mod:`benchmarks.subnormal`).
C  Part 1 of the series at 10^6 samples: y = x w, mean squared error, full-batch gradient
   descent (learning rate 0.9), float64, 100 iterations, each computing the loss. Unit:
   iterations/s.
D  ``scratchnn.estimators.MLPClassifier.fit`` against scikit-learn's, three settings
   (:mod:`benchmarks.estimators`): fit time and test accuracy.

Implementations run interleaved, a round at a time, in a random order per round; medians with
min and max are reported, and ratios are paired (the median over rounds of the ratio within a
round).
"""
