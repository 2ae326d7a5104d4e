"""The peer model vectorised with numpy: all failure times of a trial at once, down intervals merged."""
import sys

import numpy as np

COMPONENTS, TRIALS, MTTF, REPAIR, HORIZON = 100, 1000, 10000.0, 10.0, 10 * 8760.0
rng = np.random.default_rng(1)
cycles = int(HORIZON / MTTF * 3 + 20)  # enough up/down cycles per component
values = []
for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else TRIALS):
    up = rng.exponential(MTTF, size=(COMPONENTS, cycles))
    starts = np.cumsum(up + REPAIR, axis=1) - REPAIR  # failure times
    assert (starts[:, -1] > HORIZON).all()
    starts = starts[starts < HORIZON]
    ends = np.minimum(starts + REPAIR, HORIZON)
    order = np.argsort(starts)
    s, e = starts[order], ends[order]
    running = np.maximum.accumulate(e)
    new = np.empty(len(s), bool)
    new[0] = True
    new[1:] = s[1:] > running[:-1]
    begin = s[new]
    finish = np.maximum.reduceat(e, np.flatnonzero(new))
    values.append(1 - (finish - begin).sum() / HORIZON)
values = np.array(values)
mean, sd = values.mean(), values.std(ddof=1)
half = 1.9623 * sd / len(values) ** 0.5
print(f"numpy availability {mean:.6f} 95% CI {mean - half:.6f} .. {mean + half:.6f}")
