import Foundation
import Testing
@testable import cposim
@testable import ReliabilityKit

/// Issue 28: an interval never leaves the values its quantity can take, in every report.
@Suite("Intervals respect the domain")
struct IntervalDomainTests {
  @Test("a metric's own interval is clipped to its unit's domain; a difference B − A is not; quantiles stay within the trials")
  func estimate() {
    #expect(ValueDomain.of(unit: "usd") == .nonNegative && ValueDomain.of(unit: "count_per_month") == .nonNegative)
    #expect(ValueDomain.of(unit: "ratio") == .fraction && ValueDomain.of(unit: "h") == .unbounded)
    var costs = MetricAccumulator()
    for x in [0.0, 0, 0, 90] { costs.add(x) }
    #expect(costs.ci95!.lowerBound < 0)
    let e = Estimate(costs, unit: "usd")
    #expect(e.ci95Low.value == 0 && e.ci95High == FiniteOrNull(costs.ci95!.upperBound) && e.mean.value == 22.5)
    let d = Estimate(difference: costs, unit: "usd")
    #expect(d.ci95Low == FiniteOrNull(costs.ci95!.lowerBound))
    for q in [e.p5, e.p50, e.p95, e.p99] { #expect(q.value >= 0 && q.value <= 90) }
  }

  @Test("every row of a sweep with few trials keeps counts, hours and costs at 0 or more, and ratios within 0 .. 1")
  func sweepRows() throws {
    let report = try HTMLReportTests.withSmallScenarios { _, cpo in
      try HTMLReportTests.sweep(cpo, [("repair.technicians.count", ["1", "3"])], trials: 2)
    }
    var clipped = 0
    for row in report.rows {
      let e = row.estimate
      guard e.ci95Low.value.isFinite else { continue }
      switch ValueDomain.of(unit: e.unit) {
      case .nonNegative: #expect(e.ci95Low.value >= 0, "\(row.metric): \(e.ci95Low.value)")
      case .fraction: #expect(e.ci95Low.value >= 0 && e.ci95High.value <= 1, "\(row.metric)")
      case .unbounded: break
      }
      if e.ci95Low.value == 0, e.mean.value > 0 { clipped += 1 }
    }
    #expect(clipped > 0, "two trials leave some Student t intervals below 0: the test must see one clipped")
  }
}
