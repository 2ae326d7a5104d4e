"""The peer model in SimPy: one process per component, down intervals merged afterwards."""
import random
import statistics
import sys

import simpy

COMPONENTS, TRIALS, MTTF, REPAIR, HORIZON = 100, 1000, 10000.0, 10.0, 10 * 8760.0


def component(env, rng, intervals):
    while True:
        yield env.timeout(rng.expovariate(1 / MTTF))
        # record the whole repair now, so one still running at the horizon is counted up to it
        intervals.append((env.now, min(env.now + REPAIR, HORIZON)))
        yield env.timeout(REPAIR)


def trial(seed):
    rng = random.Random(seed)
    env = simpy.Environment()
    intervals = []
    for _ in range(COMPONENTS):
        env.process(component(env, rng, intervals))
    env.run(until=HORIZON)
    total, s, e = 0.0, -1.0, -1.0
    for a, b in sorted(intervals):
        if a > e:
            total += max(e - s, 0)
            s, e = a, b
        else:
            e = max(e, b)
    total += max(e - s, 0)
    return 1 - total / HORIZON


values = [trial(i + 1) for i in range(int(sys.argv[1]) if len(sys.argv) > 1 else TRIALS)]
mean, sd = statistics.fmean(values), statistics.stdev(values)
half = 1.9623 * sd / len(values) ** 0.5
print(f"simpy availability {mean:.6f} 95% CI {mean - half:.6f} .. {mean + half:.6f}")
