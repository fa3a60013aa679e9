"""The fast LSTM path behind :func:`minidl.lstm.lstm_forward` / :func:`~minidl.lstm.lstm_backward`
(private module).

It computes exactly what :func:`minidl.lstm.lstm_forward_reference` computes — the plain loop over
:func:`minidl.lstm.lstm_step` that the book shows — and ``tests/minidl/test_lstm.py`` checks the
two equal on odd shapes, both activation pairs, float32 and float64.  What it adds, for speed:

- each step is one ``np.matmul``, ``[x_t, 1, h_{t-1}] @ [kernel; bias; recurrent_kernel]`` (one
  BLAS product per gate): inputs, a column of ones and the previous hidden state sit side by side
  in one time-major buffer, and each step writes its ``h_t`` into the next step's row; going
  back, one product per gate over all steps gives the kernel, bias and recurrent-kernel
  gradients together;
- the gates are stored gate-major, (4, T, N, H) in the order (i, f, o, c): a block of rows of one
  step is four contiguous (n, H) gate blocks (elementwise operations on the column slices of an
  (n, 4H) array cost two to four times as much: they run row by row), the three
  recurrent-activation gates come first, so one operation covers them; for Keras's default pair
  (tanh, sigmoid) one tanh serves all four gates (sigmoid(z) = (1 + tanh(z/2)) / 2, the 1/2
  folded into the weights);
- arrays are time-major inside, (T, N, ·), so each step reads and writes contiguous memory; the
  returned ``h_seq``, ``h_last`` and ``c_last`` are copies (batch-first), never views of the
  cache, so that writing into them cannot change the backward pass;
- the large buffers come from a :class:`Workspace` that keeps them between calls (passed as
  ``workspace=``, else :func:`default_workspace`): fresh memory costs a page fault and zeroing
  per page, a third of the forward pass's time at the benchmark's size;
- the step loops write into preallocated buffers (no allocation per step);
- the samples of a batch are independent, so large batches are split into row blocks run by
  threads (NumPy releases the GIL inside its loops), each with single-threaded BLAS
  (``threadpoolctl``, a declared dependency): the per-step matmuls, (N, H) @ (H, 4H), are too
  small for BLAS's own threads, which on a busy machine wait for each other and can make a step
  tens of times slower;
- the backward pass keeps only the per-step recurrence in the loop; the weight gradients and
  ``dx`` are matmuls over all steps (split over time blocks between the threads).

Inputs are validated by :mod:`minidl.lstm` before they get here.
"""

from __future__ import annotations

import os
import sys
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from minidl.blas import blas_threads
from minidl.validation import check_int

__all__ = ["KERNELS", "MIN_ROWS_PER_THREAD", "Workspace", "default_workspace", "n_threads",
           "forward", "backward"]


def _sigmoid_(a, out):
    """``out[...] = sigmoid(a)`` without a temporary: 1 / (1 + exp(-a)).

    exp(-a) may overflow to inf for a < -88 (float32), giving exactly 0 — the right value to
    float precision; the caller silences that warning for the whole loop.
    """
    np.negative(a, out=out)
    np.exp(out, out=out)
    out += 1
    np.reciprocal(out, out=out)


def _tanh_(a, out):
    np.tanh(a, out=out)


def _relu_(a, out):
    np.maximum(a, 0, out=out)


def _linear_(a, out):
    if out is not a:
        out[...] = a


def _sigmoid_d_(y, out):
    np.subtract(1, y, out=out)
    out *= y                                   # y (1 - y)


def _tanh_d_(y, out):
    np.multiply(y, y, out=out)
    np.subtract(1, out, out=out)               # 1 - y^2


def _relu_d_(y, out):
    np.greater(y, 0, out=out)                  # [y > 0] (0 at 0, as TensorFlow)


def _linear_d_(y, out):
    out.fill(1)


# name -> (in-place kernel f(a, out), in-place derivative d(y, out) expressed through the output
# y = f(z)).  Tests check that each kernel equals minidl.activations, and each derivative
# minidl.activations.*_grad, to float rounding.  Writing into preallocated buffers keeps the step
# loops free of allocations; expressing the derivative through y (sigmoid: y(1-y), tanh: 1-y^2,
# relu: [y>0]) saves recomputing f(z) when going back.
KERNELS = {
    "sigmoid": (_sigmoid_, _sigmoid_d_),
    "tanh": (_tanh_, _tanh_d_),
    "relu": (_relu_, _relu_d_),
    "linear": (_linear_, _linear_d_),
}


# The gates in the fast path's order (i, f, o, c) as indices of Keras's blocks (i, f, c, o): the
# three recurrent-activation gates first, so one operation covers them.
_ORDER = (0, 1, 3, 2)


class Workspace:
    """The fast LSTM's large arrays, kept between calls and handed out again once nothing else
    refers to them.

    Memory fresh from the operating system costs a page fault and the zeroing of every 4 KiB page
    on first touch: at the benchmark's size (the forward pass writes about 27 MB) that was a third
    of the forward pass's time, whenever the C allocator had returned the previous call's memory
    to the system.  (TensorFlow keeps its memory in an allocator of its own for the same reason.)

    ``empty(shape, dtype)`` returns a pooled array of that shape and dtype that nobody else holds
    — every NumPy view keeps a reference to the array owning its memory, so an array whose only
    reference is the pool's is free, whatever views of it the caller made and dropped — or a new
    one, kept for later while the pool holds no more than ``max_bytes`` (free arrays of the least
    recently used shapes make room).  Arrays below ``min_bytes`` are not pooled (small allocations
    are cheap), nor those above ``max_bytes``.  :meth:`clear` lets go of every array (those still
    held elsewhere live on with their holders).  Thread-safe.

    Whether an array is free is read from CPython's reference count (``sys.getrefcount``), probed
    once at construction; on an interpreter that counts differently the probe never matches and
    the workspace simply allocates fresh arrays (correct, only slower).
    """

    def __init__(self, max_bytes=128 * 2**20, min_bytes=2**20):
        self.max_bytes = check_int(max_bytes, "max_bytes", min_value=0)
        self.min_bytes = check_int(min_bytes, "min_bytes", min_value=0)
        self._arrays = OrderedDict()        # (shape, dtype) -> [arrays], least recently used first
        self._lock = threading.Lock()
        # sys.getrefcount of an array held by a pool's list alone, counted the way empty() counts
        # (the interpreter's own counting differs between Python versions).
        probe = [np.empty(0)]
        self._alone = sys.getrefcount(probe[0])

    def nbytes(self):
        """Bytes the workspace holds."""
        with self._lock:
            return sum(a.nbytes for arrays in self._arrays.values() for a in arrays)

    def clear(self):
        """Let go of every array (the memory returns to the system once nobody else holds it)."""
        with self._lock:
            self._arrays.clear()

    def empty(self, shape, dtype):
        shape, dtype = tuple(int(s) for s in shape), np.dtype(dtype)
        nbytes = int(np.prod(shape)) * dtype.itemsize
        if not self.min_bytes <= nbytes <= self.max_bytes:
            return np.empty(shape, dtype)
        key = (shape, dtype.str)
        with self._lock:
            arrays = self._arrays.setdefault(key, [])
            self._arrays.move_to_end(key)
            for j in range(len(arrays)):
                if sys.getrefcount(arrays[j]) == self._alone:   # nobody else holds it
                    return arrays[j]
            out = np.empty(shape, dtype)
            held = sum(a.nbytes for lst in self._arrays.values() for a in lst)
            # Make room: drop free arrays of the least recently used shapes first.
            for other in list(self._arrays):
                if held + out.nbytes <= self.max_bytes:
                    break
                lst = self._arrays[other]
                for j in range(len(lst) - 1, -1, -1):
                    if sys.getrefcount(lst[j]) == self._alone:
                        held -= lst.pop(j).nbytes
                if not lst and other != key:
                    del self._arrays[other]
            if held + out.nbytes <= self.max_bytes:
                arrays.append(out)
            return out


_DEFAULT: Workspace | None = None
_DEFAULT_LOCK = threading.Lock()


def default_workspace() -> Workspace:
    """The :class:`Workspace` that :func:`minidl.lstm.lstm_forward` / ``lstm_backward`` use when
    given none; created on first use (``default_workspace().clear()`` frees its memory)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Workspace()
        return _DEFAULT


#: Below this many samples per thread, splitting a batch costs more than it gains.
MIN_ROWS_PER_THREAD = 32


def n_threads(threads, N):
    """How many threads to split a batch of N samples over (``threads`` already validated)."""
    if threads is None:
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # pragma: no cover - not Linux
            cores = os.cpu_count() or 1
        return max(1, min(cores, N // MIN_ROWS_PER_THREAD))
    return min(int(threads), N)


def _blocks(n, k):
    """``k`` contiguous (start, stop) ranges covering ``range(n)`` as evenly as possible."""
    edges = np.linspace(0, n, k + 1).round().astype(int)
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:], strict=True) if b > a]


def _parallel(fn, ranges):
    """Run ``fn(*r)`` for every ``r`` in ``ranges`` (``(start, stop)`` tuples and the like); the
    calling thread takes the first one."""
    if len(ranges) == 1:
        fn(*ranges[0])
        return
    with ThreadPoolExecutor(max_workers=len(ranges) - 1) as pool:
        futures = [pool.submit(fn, *r) for r in ranges[1:]]
        fn(*ranges[0])
        for f in futures:
            f.result()   # re-raises a worker's exception


def forward(x, kernel, recurrent_kernel, bias, h0, c0, dtype, activation, recurrent_activation,
            threads, workspace):
    """``(h_seq, h_last, c_last, cache)`` for validated inputs; ``dtype`` the result dtype.

    The three outputs are arrays of their own (never views of the cache).
    """
    k = n_threads(threads, x.shape[0])
    with blas_threads(1):
        return _forward(x, kernel, recurrent_kernel, bias, h0, c0, dtype,
                        KERNELS[activation], KERNELS[recurrent_activation], k, workspace)


def backward(dh_seq, cache, dh_last, dc_last, threads, workspace):
    """The gradients dict of :func:`minidl.lstm.lstm_backward` for validated upstream gradients."""
    k = n_threads(threads, cache["shape"][0])
    with blas_threads(1):
        return _backward(dh_seq, cache, dh_last, dc_last, k, workspace)


def _gate_major(a, H):
    """(..., 4H) in Keras order (i, f, c, o) -> contiguous (4, ..., H) in the order (i, f, o, c)."""
    blocks = [a[..., j * H:(j + 1) * H] for j in _ORDER]
    return np.ascontiguousarray(np.stack(blocks))


def _keras_columns(a):
    """(4, ..., H) in the order (i, f, o, c) -> (..., 4H) in Keras order (i, f, c, o)."""
    return np.concatenate([a[j] for j in _ORDER], axis=-1)   # _ORDER is its own inverse


def _forward(x, kernel, recurrent_kernel, bias, h0, c0, dtype, act_entry, ract_entry, k, ws):
    N, T, D = x.shape
    H = kernel.shape[1] // 4
    act, act_d = act_entry
    ract, ract_d = ract_entry
    # Keras's default pair (tanh, sigmoid) takes a fused path: with sigmoid(z) = (1 + tanh(z/2))/2,
    # one tanh serves all four gates when the i, f, o weights are pre-multiplied by 1/2 (a power of
    # two: the scaled weights are exact; the unscaled ones are kept for the backward pass).  NumPy's
    # float32 tanh is about twice as fast as its exp, and needs no 1/(1 + e) afterwards.
    fused = act is _tanh_ and ract is _sigmoid_

    # Each step is one matmul [x_t, 1, h_{t-1}] @ [kernel; bias; recurrent_kernel]: the inputs,
    # the bias (a column of ones) and the previous hidden state sit side by side in one buffer,
    # and each step writes its h_t into the next step's row.  The weights are stored gate-major,
    # W4[j] = the (K, H) columns of gate j in the order (i, f, o, c), so the product of a block of
    # rows is a stack of four contiguous (n, H) gate blocks (one sigmoid block of three gates, one
    # tanh block), and every elementwise operation below runs over contiguous memory.
    K = D + 1 + H
    W4 = _gate_major(np.concatenate([kernel, bias[None, :], recurrent_kernel]).astype(
        dtype, copy=False), H)                                           # (4, K, H)
    W4_step = W4 * np.array([0.5, 0.5, 0.5, 1], dtype)[:, None, None] if fused else W4
    xh = ws.empty((T + 1, N, K), dtype)    # xh[t] = [x_t, 1, h_{t-1}]; xh[T] holds only h_T
    xh[:T, :, :D] = x.transpose(1, 0, 2)
    xh[T, :, :D + 1] = 0
    xh[:T, :, D] = 1
    hs = xh[..., D + 1:]                     # hs[0] = h0, hs[t + 1] = h_t (a view)
    hs[0] = h0
    gates = ws.empty((4, T, N, H), dtype)  # pre-activations, then (in place) the gates
    cs = ws.empty((T + 1, N, H), dtype)    # cs[0] = c0, cs[t + 1] = c_t
    cs[0] = c0
    act_c = ws.empty((T, N, H), dtype)     # activation(c_t)
    # The returned h_seq, (N, T, H) batch-first: a buffer of its own, not a view of xh (which the
    # backward pass reads), so that writing into it cannot change the gradients.  It comes from
    # the workspace too (an array the caller holds is not handed out again, one dropped is).
    h_seq = ws.empty((N, T, H), dtype)

    def rows(a, b):
        ig = np.empty((b - a, H), dtype)
        with np.errstate(over="ignore", under="ignore"):   # e^-z -> inf: sigmoid 0, exactly
            for t in range(T):
                z = gates[:, t, a:b]                         # (4, n, H): i, f, o, g blocks
                np.matmul(xh[t, a:b], W4_step, out=z)        # one BLAS call per gate block
                sig = z[:3]
                if fused:                                    # z holds z/2 (i, f, o), z (g)
                    np.tanh(z, out=z)                        # tanh(z/2), tanh(z_g)
                    sig *= 0.5
                    sig += 0.5                               # sigmoid(z) = (1 + tanh(z/2)) / 2
                else:
                    ract(sig, out=sig)                       # i, f, o
                    act(z[3], out=z[3])                      # g (candidate cell)
                i, f, o, g = z
                c, ac = cs[t + 1, a:b], act_c[t, a:b]
                np.multiply(f, cs[t, a:b], out=c)            # c = f * c_{t-1}
                np.multiply(i, g, out=ig)                    #   + i * g
                c += ig
                act(c, out=ac)
                np.multiply(o, ac, out=hs[t + 1, a:b])       # h = o * activation(c)
                h_seq[a:b, t] = hs[t + 1, a:b]               # (copied while in cache)

    _parallel(rows, _blocks(N, k))
    cache = {
        "xh": xh, "W4": W4, "cs": cs, "gates": gates, "act_c": act_c,
        "act_d": act_d, "ract_d": ract_d, "shape": (N, T, D, H), "dtype": dtype, "path": "fast",
    }
    return h_seq, hs[T].copy(), cs[T].copy(), cache


def _backward(dh_seq, cache, dh_last, dc_last, k, ws):
    N, T, D, H = cache["shape"]
    dtype = cache["dtype"]
    xh, cs, gates, act_c, W4 = (cache[n] for n in ("xh", "cs", "gates", "act_c", "W4"))
    act_d, ract_d = cache["act_d"], cache["ract_d"]
    K = D + 1 + H
    WrT = np.ascontiguousarray(W4[:, D + 1:].transpose(0, 2, 1))     # (4, H, H), gate j: U_j^T
    WkT = np.ascontiguousarray(W4[:, :D].transpose(0, 2, 1))         # (4, H, D), gate j: W_j^T
    dseq = None if dh_seq is None else np.asarray(dh_seq, dtype).transpose(1, 0, 2)

    dz = ws.empty((4, T, N, H), dtype)    # dL/d(pre-activations), gate-major like the gates
    dh = np.zeros((N, H), dtype) if dh_last is None else np.array(dh_last, dtype)
    dc = np.zeros((N, H), dtype) if dc_last is None else np.array(dc_last, dtype)

    def rows(a, b):
        n = b - a
        tmp, tmp2 = np.empty((n, H), dtype), np.empty((n, H), dtype)
        dgate, dh4 = np.empty((4, n, H), dtype), np.empty((4, n, H), dtype)
        dh_, dc_ = dh[a:b], dc[a:b]
        with np.errstate(under="ignore"):
            for t in range(T - 1, -1, -1):
                if dseq is not None:
                    dh_ += dseq[t, a:b]                          # dL/dh_t
                z, d, ac = gates[:, t, a:b], dz[:, t, a:b], act_c[t, a:b]
                i, f, o, g = z
                di, df, do, dg = d
                np.multiply(dh_, ac, out=do)                     # dL/do = dh * act(c_t)
                np.multiply(dh_, o, out=tmp)                     # dL/dc_t += dh*o*act'(c_t)
                act_d(ac, out=tmp2)
                tmp *= tmp2
                dc_ += tmp
                np.multiply(dc_, g, out=di)                      # dL/di = dc * g
                np.multiply(dc_, cs[t, a:b], out=df)             # dL/df = dc * c_{t-1}
                np.multiply(dc_, i, out=dg)                      # dL/dg = dc * i
                ract_d(z[:3], out=dgate[:3])                     # through the activations
                act_d(g, out=dgate[3])
                d *= dgate
                dc_ *= f                                         # dL/dc_{t-1} = dc * f
                np.matmul(d, WrT, out=dh4)                       # dL/dh_{t-1} = sum_j d_j U_j^T
                np.add.reduce(dh4, axis=0, out=dh_)

    _parallel(rows, _blocks(N, k))

    # Weight gradients and dx: matmuls over all steps, split into time blocks.  xh[t] holds
    # [x_t, 1, h_{t-1}], so one product per gate gives its kernel, bias (the ones column: the sum
    # over steps and samples) and recurrent-kernel gradients together.
    spans = _blocks(T, k)
    dW4 = np.empty((len(spans), 4, K, H), dtype)
    dx = np.empty((T, N, D), dtype)

    def steps(j, a, b):
        dz_ = dz[:, a:b].reshape(4, -1, H)                           # (4, steps * N, H)
        np.matmul(xh[a:b].reshape(-1, K).T, dz_, out=dW4[j])
        np.add.reduce(np.matmul(dz_, WkT), axis=0, out=dx[a:b].reshape(-1, D))

    _parallel(steps, [(j, a, b) for j, (a, b) in enumerate(spans)])
    dW = _keras_columns(dW4.sum(axis=0))                              # (K, 4H), Keras order
    return {
        "x": dx.transpose(1, 0, 2),
        "kernel": dW[:D],
        "recurrent_kernel": dW[D + 1:],
        "bias": dW[D],
        "h0": dh,
        "c0": dc,
    }
