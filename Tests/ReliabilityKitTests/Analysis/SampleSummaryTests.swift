import Foundation
import Testing
import ReliabilityKit

@Suite("Sample summary")
struct SampleSummaryTests {
  @Test("mean, sd, quantiles and the t interval of a small known sample")
  func knownSample() {
    let s = SampleSummary(values: [2, 4, 4, 4, 5, 5, 7, 9])
    #expect(s.count == 8)
    #expect(s.mean == 5)
    #expect(close(s.standardDeviation, (32.0 / 7).squareRoot(), 1e-14))
    // t(0.975, 7) = 2.364624251592785
    let half = 2.364624251592785 * s.standardDeviation / 8.0.squareRoot()
    #expect(close(s.meanCI95!.lowerBound, 5 - half, 1e-12))
    #expect(close(s.meanCI95!.upperBound, 5 + half, 1e-12))
    #expect(s.minimum == 2 && s.maximum == 9)
    #expect(s.quantiles[SampleSummary.quantileLevels.firstIndex(of: 0.5)!] == 4)
  }

  @Test("one value gives no interval and no spread (issue 17: a zero-width interval claimed certainty)")
  func single() {
    let s = SampleSummary(values: [3])
    #expect(s.standardDeviation.isNaN && s.meanCI95 == nil)
    #expect(s.mean == 3)
  }

  @Test("the 95% interval of the mean covers the true mean at about the stated rate", .tags(.statistical))
  func coverage() throws {
    // 2,000 independent intervals of n = 50 exponential draws; the count covering the true mean
    // is binomial(2000, 0.95) if the interval is right (the t interval is approximate for a
    // skewed distribution at n = 50, slightly under-covering; allow the binomial 99.9% band
    // around 0.94).
    let d = try Exponential(mtbf: 10)
    let sequence = SeedSequence(master: 11)
    var covered = 0
    for trial in 0..<2000 {
      let values = draws(d, n: 50, seed: sequence.seed(forTrial: trial))
      if SampleSummary(values: values).meanCI95!.contains(10) { covered += 1 }
    }
    let rate = Double(covered) / 2000
    let band = Stats.z999 * (0.94 * 0.06 / 2000).squareRoot()
    #expect(rate >= 0.94 - band && rate <= 0.96 + band, "coverage \(rate)")
  }
}
