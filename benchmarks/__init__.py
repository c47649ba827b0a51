"""Benchmarks of scratchnn against hand-written NumPy, scikit-learn and PyTorch (issue 5).

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
   synthetic samples, one epoch. Unit: samples/s at batch 32 / 128 / 1024; peak RSS of each
   framework in its own process; fraction of the float32 GEMM peak at batch 1024.
C  Part 1 of the series at 10^6 samples: y = x w, mean squared error, full-batch gradient
   descent (learning rate 0.9), float64, 100 iterations, each computing the loss. Unit:
   iterations/s.

Frameworks run interleaved repetition by repetition (their order rotated every repetition);
medians with min and max are reported, and ratios are ratios of medians from the same run.
"""
