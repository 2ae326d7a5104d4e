import Foundation
import Testing
import ReliabilityKit

/// Exact common random numbers (the Determinism article): a unit's k-th lifetime and its n-th
/// ticket's draws come from substreams keyed by (trial, population, unit, index), so two
/// scenarios whose events run in different orders still draw the same values for the same unit.
@Suite("Exact common random numbers")
struct CommonRandomNumbersTests {
  /// 40 units of one part (Weibull, wear-out), each replaced when it fails, after a detection
  /// delay and `handsOn` of work by one of two technicians. Longer repairs change the order in
  /// which units come back, and so the order in which their next lifetimes are drawn.
  static func units(handsOn: String) throws -> Scenario {
    try scenario("""
      horizon: 2y
      ageing_while_down: continues
      parts:
        unit-part: {fru: unit-fru, source: estimate, modes: {fail: {distribution: {kind: weibull, shape: 1.5, scale: 900h}}}}
      system:
        units: {u: {part: unit-part, count: 40}}
        structure: {parallel: [u]}
      repair:
        technicians: {count: 2}
        detection: {kind: lognormal, median: 10m, sigma: 1}
        verification: 0
        workflows: {unit-fru: {action: hot-swap, clean_first: false, hands_on: \(handsOn)}}
      """)
  }

  /// Per unit, in order: its lifetimes (a failure's time less its last renewal, the restored
  /// ticket before it, or 0) and its tickets' detection delays (detected less failed).
  struct Draws {
    var lifetimes: [Int: [Double]] = [:]
    var detections: [Int: [Double]] = [:]
    var order: [Int] = []
  }

  static func draws(_ scenario: Scenario, trial: Int) throws -> Draws {
    let simulation = try Simulation(scenario: scenario)
    var records: [TraceRecord] = []
    _ = simulation.runTrial(trial, seed: 20261207) { records.append($0) }
    var d = Draws()
    var renewed: [Int: Double] = [:], failed: [Int: Double] = [:]
    for r in records where r.population != nil {
      switch r.event {
      case "failure":
        d.lifetimes[r.unit, default: []].append(r.tHours - renewed[r.unit, default: 0])
        failed[r.unit] = r.tHours
        d.order.append(r.unit)
      case "detected":
        d.detections[r.unit, default: []].append(r.tHours - failed[r.unit]!)
      case "restored":
        renewed[r.unit] = r.tHours
      default:
        break
      }
    }
    return d
  }

  /// How many values of `a` and `b` per unit agree (to rounding of the times they come from),
  /// and how many were compared (each unit's common prefix).
  static func agreement(_ a: [Int: [Double]], _ b: [Int: [Double]]) -> (equal: Int, compared: Int) {
    var equal = 0, compared = 0
    for (unit, x) in a {
      let y = b[unit] ?? []
      for k in 0..<min(x.count, y.count) {
        compared += 1
        if abs(x[k] - y[k]) <= 1e-6 * max(1, abs(x[k])) { equal += 1 }
      }
    }
    return (equal, compared)
  }

  @Test("scenarios differing only in repair time draw the same lifetimes and detection delays for the same (unit, k)")
  func sameDrawsWhateverTheOrder() throws {
    let fast = try Self.units(handsOn: "1h"), slow = try Self.units(handsOn: "60h")
    for trial in 0..<3 {
      let a = try Self.draws(fast, trial: trial), b = try Self.draws(slow, trial: trial)
      // The premise: the two runs' failures come in different orders.
      #expect(a.order != b.order, "trial \(trial): the event orders do not differ, the test checks nothing")
      let lifetimes = Self.agreement(a.lifetimes, b.lifetimes)
      #expect(lifetimes.compared > 500, "trial \(trial): only \(lifetimes.compared) lifetimes compared")
      #expect(lifetimes.equal == lifetimes.compared, "trial \(trial): \(lifetimes.equal) of \(lifetimes.compared) lifetimes equal")
      let detections = Self.agreement(a.detections, b.detections)
      #expect(detections.compared > 500, "trial \(trial): only \(detections.compared) detections compared")
      #expect(detections.equal == detections.compared,
              "trial \(trial): \(detections.equal) of \(detections.compared) detection delays equal")
    }
  }

  @Test("different trials and different units draw different lifetimes")
  func distinctStreams() throws {
    let fast = try Self.units(handsOn: "1h")
    let a = try Self.draws(fast, trial: 0), b = try Self.draws(fast, trial: 1)
    let across = Self.agreement(a.lifetimes, b.lifetimes)
    #expect(across.compared > 500 && across.equal == 0, "\(across.equal) of \(across.compared) equal across trials")
    // Unit 0's lifetimes against unit 1's.
    let within = Self.agreement([0: a.lifetimes[0] ?? []], [0: a.lifetimes[1] ?? []])
    #expect(within.compared > 10 && within.equal == 0, "\(within.equal) of \(within.compared) equal across units")
  }
}
