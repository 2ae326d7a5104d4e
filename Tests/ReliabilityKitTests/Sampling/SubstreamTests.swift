import Foundation
import Testing
import ReliabilityKit

/// The counter-based substreams behind exact common random numbers (`RandomSource.restart(key:)`,
/// `SeedSequence.substreamBase` and `substreamKey`): each key must start a stream that looks
/// like an independent uniform stream, however close its key is to another's.
///
/// Tolerances come from the statistics' sampling distributions under independence, at a
/// two-sided 0.001 level: a KS p-value above 0.001; a Pearson correlation of n independent
/// pairs is about normal with standard error 1/sqrt(n), so |r| < 3.29/sqrt(n).
@Suite("Counter-based substreams", .tags(.statistical))
struct SubstreamTests {
  static let n = 20_000
  static let base = SeedSequence(master: 20261207).substreamBase(forTrial: 0, stream: SeedSequence.streamKey("crn-test"))

  /// The first uniform of each substream keyed (base, a(i), b(i)) for i in 0..<n.
  static func firstDraws(_ key: (Int) -> UInt64, count: Int = n, skip: Int = 0) -> [Double] {
    let source = RandomSource(seed: 1)
    return (0..<count).map { i in
      source.restart(key: key(i))
      for _ in 0..<skip { _ = source.uniform() }
      return source.uniform()
    }
  }

  static func correlation(_ x: [Double], _ y: [Double]) -> Double {
    let n = Double(x.count)
    let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for i in x.indices {
      sxy += (x[i] - mx) * (y[i] - my)
      sxx += (x[i] - mx) * (x[i] - mx)
      syy += (y[i] - my) * (y[i] - my)
    }
    return sxy / (sxx * syy).squareRoot()
  }

  static let bound = Stats.z999 / Double(n).squareRoot()

  @Test("a key restarts the same stream, GSL's samplers included, and other keys differ")
  func reproducible() {
    let a = RandomSource(seed: 7), b = RandomSource(seed: 99)
    let key = SeedSequence.substreamKey(Self.base, 12, 3 << 8)
    a.restart(key: key)
    _ = b.uniform()
    b.restart(key: key)
    for _ in 0..<50 { #expect(a.uniform() == b.uniform()) }
    #expect(a.standardNormal() == b.standardNormal())
    #expect(a.poisson(mean: 3.5) == b.poisson(mean: 3.5))
    a.restart(key: SeedSequence.substreamKey(Self.base, 12, 4 << 8))
    b.restart(key: key)
    #expect((0..<8).map { _ in a.uniform() } != (0..<8).map { _ in b.uniform() })
  }

  @Test("first draws of consecutive units' substreams are uniform (KS) and uncorrelated neighbour to neighbour")
  func adjacentUnits() {
    let u = Self.firstDraws { SeedSequence.substreamKey(Self.base, UInt64($0), 0) }
    let d = Stats.ksStatistic(u) { min(max($0, 0), 1) }
    #expect(Stats.ksPValue(d: d, n: u.count) > 0.001, "D = \(d)")
    let r = Self.correlation(Array(u.dropLast()), Array(u.dropFirst()))
    #expect(abs(r) < Self.bound, "r = \(r), bound \(Self.bound)")
  }

  @Test("consecutive draw indices and sites of one unit, and consecutive trials, are uncorrelated")
  func adjacentIndices() {
    // Draw k and k+1 of unit 5 (the index sits above the site's byte), site 0 and site 1.
    let k0 = Self.firstDraws { SeedSequence.substreamKey(Self.base, 5, UInt64($0) << 8) }
    let k1 = Self.firstDraws { SeedSequence.substreamKey(Self.base, 5, UInt64($0 + 1) << 8) }
    let s1 = Self.firstDraws { SeedSequence.substreamKey(Self.base, 5, UInt64($0) << 8 | 1) }
    let seeds = SeedSequence(master: 20261207)
    let t0 = Self.firstDraws { SeedSequence.substreamKey(seeds.substreamBase(forTrial: $0, stream: 1), 0, 0) }
    let t1 = Self.firstDraws { SeedSequence.substreamKey(seeds.substreamBase(forTrial: $0 + 1, stream: 1), 0, 0) }
    for (name, x, y) in [("k, k+1", k0, k1), ("site 0, site 1", k0, s1), ("trial i, i+1", t0, t1)] {
      let r = Self.correlation(x, y)
      #expect(abs(r) < Self.bound, "\(name): r = \(r), bound \(Self.bound)")
    }
    for values in [k0, s1, t0] {
      let d = Stats.ksStatistic(values) { min(max($0, 0), 1) }
      #expect(Stats.ksPValue(d: d, n: values.count) > 0.001, "D = \(d)")
    }
  }

  @Test("within a substream the draws after the first are uniform and serially uncorrelated")
  func withinSubstream() {
    let key = { (i: Int) in SeedSequence.substreamKey(Self.base, UInt64(i), 7 << 8) }
    let first = Self.firstDraws(key), second = Self.firstDraws(key, skip: 1), fifth = Self.firstDraws(key, skip: 4)
    for values in [second, fifth] {
      let d = Stats.ksStatistic(values) { min(max($0, 0), 1) }
      #expect(Stats.ksPValue(d: d, n: values.count) > 0.001, "D = \(d)")
    }
    let r = Self.correlation(first, second)
    #expect(abs(r) < Self.bound, "r = \(r), bound \(Self.bound)")
  }
}
