import Foundation
import Testing
@testable import ReliabilityKit

@Suite("Accumulators")
struct AccumulatorTests {
  @Test("exact sums do not depend on order or split, including cancellation and negatives")
  func exactSum() {
    let values: [Double] = [1e16, 1, -1e16, 0.1, -3.5, 1e-300, 2.5e10, -2.5e10, 7]
    var forward = ExactSum(), backward = ExactSum(), left = ExactSum(), right = ExactSum()
    for v in values { forward.add(v) }
    for v in values.reversed() { backward.add(v) }
    for v in values.prefix(4) { left.add(v) }
    for v in values.dropFirst(4) { right.add(v) }
    left.merge(right)
    #expect(forward == backward && forward == left)
    #expect(forward.value == 1 + 0.1 - 3.5 + 7 + 1e-300)
    var negative = ExactSum()
    negative.add(-2.25)
    negative.add(-1e-20)
    #expect(negative.value == -2.25 - 1e-20)
  }

  @Test("mean, sd and interval match the textbook formulas; merging any split is bit-identical")
  func accumulator() {
    let source = RandomSource(seed: 4)
    let values = (0..<1000).map { _ in 0.9999 + 1e-5 * source.uniform() }
    var whole = MetricAccumulator()
    for v in values { whole.add(v) }
    let m = Stats.moments(values)
    #expect(abs(whole.mean - m.mean) < 1e-15)
    // The documented bound: relative error of the sd about 2ε·mean²/variance (here 2e-5).
    let bound = 2 * Double.ulpOfOne / 2 * m.mean * m.mean / m.variance
    #expect(abs(whole.standardDeviation - m.variance.squareRoot()) / m.variance.squareRoot() <= bound)
    for cut in [1, 17, 500, 999] {
      var a = MetricAccumulator(), b = MetricAccumulator()
      for v in values[..<cut] { a.add(v) }
      for v in values[cut...] { b.add(v) }
      b.merge(a)  // even in the other order
      #expect(b == whole)
      #expect(b.mean == whole.mean && b.standardDeviation == whole.standardDeviation)
    }
    var constant = MetricAccumulator()
    for _ in 0..<10 { constant.add(34_927.9617024) }
    #expect(constant.standardDeviation == 0)
  }

  @Test("sketch quantiles are within the stated relative error of the exact empirical quantiles")
  func sketchAccuracy() throws {
    let source = RandomSource(seed: 6)
    let d = try LogNormal(median: 1000, sigma: 2)
    let values = (0..<50_000).map { _ in d.sample(using: source) * (source.uniform() < 0.1 ? -1 : 1) }
    var sketch = QuantileSketch()
    for v in values { sketch.add(v) }
    let sorted = values.sorted()
    for q in [0.01, 0.05, 0.5, 0.95, 0.99] {
      let exact = sorted[max(Int((q * Double(sorted.count)).rounded(.up)), 1) - 1]
      #expect(abs(sketch.quantile(q) - exact) <= QuantileSketch.relativeAccuracy * abs(exact) * (1 + 1e-12), "q = \(q)")
    }
  }

  @Test("the 95% interval covers the true mean at the stated rate (closed-form case, many seeds)", .tags(.statistical))
  func coverage() throws {
    // Availability of one exponential unit over a short horizon: 400 independent runs of 30
    // trials each; the count of intervals covering the exact time-average is binomial(400, 0.95).
    let s = try scenario("""
      horizon: 2000h
      parts:
        unit-part: {fru: unit-fru, source: estimate, modes: {fail: {distribution: {kind: exponential, mtbf: 100h}}}}
      system: {units: {u: {part: unit-part}}}
      repair:
        detection: 0
        verification: 0
        workflows: {unit-fru: {action: hot-swap, clean_first: false, hands_on: {kind: exponential, mtbf: 10h}}}
      """)
    let simulation = try Simulation(scenario: s)
    let metrics = TrialMetrics(simulation: simulation)
    let index = metrics.definitions.firstIndex { $0.name == "system_availability" }!
    let sum = 0.11, a = 0.1 / sum, b = 0.01 / sum, t = 2000.0
    let truth = a + b * -expm1(-sum * t) / (sum * t)
    var covered = 0
    for run in 0..<400 {
      let statistics = simulation.statistics(trials: (run * 30)..<(run * 30 + 30), seed: 99, metrics: metrics)
      if statistics.metrics[index].ci95!.contains(truth) { covered += 1 }
    }
    // 95% nominal: the 99.9% band of binomial(400, 0.95) is about 0.95 ± 0.036.
    let rate = Double(covered) / 400
    #expect(abs(rate - 0.95) <= Stats.z999 * (0.95 * 0.05 / 400).squareRoot(), "coverage \(rate)")
  }
}

@Suite("Quantile sketch near one")
struct NearOneSketchTests {
  @Test("availabilities keep their quantiles to α·(1 − A), not α·A")
  func complement() {
    let source = RandomSource(seed: 17)
    let values = (0..<10_000).map { _ in 1 - 1e-4 * (1 + source.uniform()) }  // 0.9998 .. 0.9999
    var accumulator = MetricAccumulator(nearOne: true)
    for v in values { accumulator.add(v) }
    let sorted = values.sorted()
    for q in [0.05, 0.5, 0.95] {
      let exact = sorted[Int((q * Double(sorted.count)).rounded(.up)) - 1]
      #expect(abs(accumulator.sketch.quantile(q) - exact) <= QuantileSketch.relativeAccuracy * (1 - exact) * (1 + 1e-9))
    }
    let bins = accumulator.sketch.bins
    #expect(bins.count > 10 && bins.allSatisfy { $0.low < $0.high && $0.high <= 1 })
    #expect(zip(bins, bins.dropFirst()).allSatisfy { $0.high <= $1.low + 1e-15 })
  }
}

/// Issue 27: a quantile lies within the trials' minimum and maximum.
@Suite("Quantile sketch: quantiles within the sample")
struct QuantileRangeTests {
  static let quantiles = [0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1.0]

  @Test("availabilities near 0 (1e-8): quantiles within [min, max] and within α of the exact ones")
  func availabilityNearZero() {
    let source = RandomSource(seed: 12)
    let values = (0..<200).map { _ in 6.5e-9 + 1.75e-8 * source.uniform() }
    var a = MetricAccumulator(nearOne: true)
    for v in values { a.add(v) }
    let sorted = values.sorted()
    for q in Self.quantiles {
      let p = a.sketch.quantile(q)
      #expect(p >= a.minimum && p <= a.maximum, "p\(q) = \(p) outside \(a.minimum) ... \(a.maximum)")
      // The exact empirical quantile: the ⌈(1 − q)n⌉-th largest (how complement sketches count).
      let exact = sorted[sorted.count - max(1, Int(((1 - q) * Double(sorted.count)).rounded(.up)))]
      #expect(abs(p - exact) <= QuantileSketch.relativeAccuracy * exact * (1 + 1e-9), "p\(q) = \(p), exact \(exact)")
    }
  }

  @Test("a metric every trial gives the same value has that value at every quantile", arguments: [4378.0, 0.5, 0.99995, 1, 0, -17.25, 1e-300])
  func constant(value: Double) {
    for nearOne in [false, true] {
      var a = MetricAccumulator(nearOne: nearOne)
      for _ in 0..<50 { a.add(value) }
      for q in Self.quantiles { #expect(a.sketch.quantile(q) == value, "nearOne \(nearOne), p\(q) of \(value)s") }
    }
  }

  @Test("quantiles of values on both sides of 1/2, and of any metric, stay within [min, max]; merged splits give the same")
  func mixed() {
    let source = RandomSource(seed: 3)
    for nearOne in [false, true] {
      let values = (0..<500).map { i in i % 2 == 0 ? 0.3 * source.uniform() : 1 - 1e-4 * source.uniform() }
      var whole = MetricAccumulator(nearOne: nearOne), a = MetricAccumulator(nearOne: nearOne), b = MetricAccumulator(nearOne: nearOne)
      for (i, v) in values.enumerated() { whole.add(v); if i < 123 { a.add(v) } else { b.add(v) } }
      a.merge(b)
      #expect(a == whole)
      let sorted = values.sorted()
      for q in Self.quantiles {
        let p = whole.sketch.quantile(q)
        #expect(p >= sorted.first! && p <= sorted.last!)
      }
      // Below 1/2 the relative error is α of the value (the ⌈qn⌉-th smallest; near-one sketches
      // count ⌈(1 − q)n⌉ from the top).
      let p25 = whole.sketch.quantile(0.25), exact = sorted[nearOne ? 500 - 375 : 125 - 1]
      #expect(abs(p25 - exact) <= QuantileSketch.relativeAccuracy * exact * (1 + 1e-9), "\(p25) vs \(exact)")
    }
  }
}

