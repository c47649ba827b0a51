"""Small shared helpers: skips, statistics, peak memory and the machine description."""

from __future__ import annotations

import importlib
import os
import platform
import resource
import statistics
import sys
from typing import Any

#: Environment variables that change which BLAS kernel runs or how many threads it uses.
BLAS_ENV = (
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
)


class Unavailable(Exception):
    """A framework or feature is missing; the benchmark case is skipped with this note."""


def summarize(values: list[float]) -> dict[str, Any]:
    """Median, min and max of repeated measurements (the raw values are kept too)."""
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "values": list(values),
    }


# -- memory ---------------------------------------------------------------------------------
def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def current_rss_mib() -> float | None:
    """Resident set size of this process now, MiB (Linux /proc; None elsewhere)."""
    kib = _status_kib("VmRSS")
    return None if kib is None else kib / 1024


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS counter (VmHWM) of this process; False if unsupported."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_rss_mib() -> float:
    """Peak resident set size of this process, MiB (VmHWM, else getrusage's ru_maxrss)."""
    kib = _status_kib("VmHWM")
    if kib is None:
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        kib = maxrss / 1024 if sys.platform == "darwin" else maxrss
    return kib / 1024


# -- machine --------------------------------------------------------------------------------
def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


#: CPU flags that decide which BLAS kernels and vector widths can run.
SIMD_FLAGS = ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni", "amx_tile")


def _cpu_details() -> dict[str, Any]:
    """Vendor, family/model/stepping, the SIMD flags above and the cache sizes of CPU 0
    (Linux; empty elsewhere). A VM may report a generic model name ("AMD EPYC"): family and
    model then still tell the microarchitecture."""
    fields = {
        "vendor_id": "vendor",
        "cpu family": "family",
        "model": "model",
        "stepping": "stepping",
    }
    out: dict[str, Any] = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if not line.strip():
                    break  # the first processor only
                key, _, value = line.partition(":")
                key, value = key.strip(), value.strip()
                if key in fields:
                    out[fields[key]] = value
                elif key == "flags":
                    flags = set(value.split())
                    out["simd"] = [name for name in SIMD_FLAGS if name in flags]
    except OSError:
        return out
    caches = {}
    base = "/sys/devices/system/cpu/cpu0/cache"
    for index in sorted(os.listdir(base)) if os.path.isdir(base) else []:
        try:
            with open(f"{base}/{index}/level") as f:
                level = f.read().strip()
            with open(f"{base}/{index}/type") as f:
                kind = f.read().strip()
            with open(f"{base}/{index}/size") as f:
                size = f.read().strip()
        except OSError:
            continue
        if kind != "Instruction":
            caches[f"L{level}"] = size
    if caches:
        out["caches"] = caches
    return out


def cpu_summary(m: dict[str, Any]) -> str:
    """One line: model name, family/model/stepping, SIMD flags, caches (from machine_info)."""
    d = m.get("cpu_details") or {}
    parts = [m.get("cpu", "?")]
    if "family" in d:
        parts.append(f"family {d['family']} model {d.get('model')} stepping {d.get('stepping')}")
    if d.get("simd"):
        parts.append(" ".join(d["simd"]))
    if d.get("caches"):
        parts.append(", ".join(f"{k} {v}" for k, v in d["caches"].items()))
    return "; ".join(parts)


def _mem_total_gib() -> float | None:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def version_of(module: str) -> str | None:
    try:
        return importlib.import_module(module).__version__
    except Exception:
        return None


def machine_info() -> dict[str, Any]:
    """CPU, cores, memory, Python, library versions, BLAS libraries and their threads.

    Call it after the frameworks were imported, so that threadpoolctl sees their BLAS and
    OpenMP libraries.
    """
    info: dict[str, Any] = {
        "cpu": _cpu_model(),
        "cpu_details": _cpu_details(),
        "machine": platform.machine(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gib": _mem_total_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": {name: version_of(name) for name in ("numpy", "scratchnn", "sklearn", "torch")},
        "env": {name: os.environ.get(name) for name in BLAS_ENV},
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }
    try:
        from threadpoolctl import threadpool_info

        info["threadpools"] = [
            {
                key: pool.get(key)
                for key in (
                    "user_api",
                    "internal_api",
                    "prefix",
                    "version",
                    "num_threads",
                    "architecture",
                    "threading_layer",
                    "filepath",
                )
                if pool.get(key) is not None
            }
            for pool in threadpool_info()
        ]
    except ImportError:
        info["threadpools"] = None
    if "torch" in sys.modules:
        torch = sys.modules["torch"]
        info["torch_threads"] = torch.get_num_threads()
        info["torch_blas"] = {
            "mkl": bool(torch.backends.mkl.is_available()),
            "mkldnn": bool(torch.backends.mkldnn.is_available()),
        }
    return info
